package dev.vss.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A closed-loop throughput measurement: {@code threads} threads each run their operation back to
 * back; operations that end inside the measured window count, with their latencies.
 *
 * @param perSecond operations per second over the measured window
 * @param latencies latency of every counted operation
 */
record Throughput(double perSecond, Latencies latencies) {
  /** One thread's operation. */
  @FunctionalInterface
  interface Operation {
    void run() throws Exception;
  }

  /** Creates the operation of thread {@code index}. */
  @FunctionalInterface
  interface OperationFactory {
    Operation create(int index);
  }

  /**
   * Runs {@code threads} threads for {@code warmupSeconds + seconds} and counts the second part.
   */
  static Throughput run(int threads, int warmupSeconds, int seconds, OperationFactory factory)
      throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    long[] measureFrom = new long[1];
    long[] measureUntil = new long[1];
    List<Latencies> perThread = new ArrayList<>();
    List<Thread> workers = new ArrayList<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int t = 0; t < threads; t++) {
      Operation operation = factory.create(t);
      Latencies latencies = new Latencies(1024);
      perThread.add(latencies);
      Thread worker =
          new Thread(
              () -> {
                try {
                  start.await();
                  while (true) {
                    long begin = System.nanoTime();
                    if (begin >= measureUntil[0]) {
                      return;
                    }
                    operation.run();
                    long end = System.nanoTime();
                    if (begin >= measureFrom[0] && end <= measureUntil[0]) {
                      latencies.add(end - begin);
                    }
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              },
              "bench-" + t);
      worker.start();
      workers.add(worker);
    }
    long now = System.nanoTime();
    measureFrom[0] = now + warmupSeconds * 1_000_000_000L;
    measureUntil[0] = measureFrom[0] + seconds * 1_000_000_000L;
    start.countDown(); // publishes the window to the workers (happens-before via the latch)
    for (Thread worker : workers) {
      worker.join();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("a benchmark thread failed", failure.get());
    }
    Latencies all = new Latencies(1024);
    perThread.forEach(all::addAll);
    return new Throughput(all.count() / (double) seconds, all);
  }
}
