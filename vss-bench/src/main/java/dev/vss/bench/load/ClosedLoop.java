package dev.vss.bench.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * A closed-loop measurement: {@code connections} worker threads, each with its own endpoint (one
 * HTTP connection, or the service), send their next request as soon as the previous response has
 * arrived, like a wallet waiting for its 200. After a warm-up, the calls that start and end inside
 * the measured window are counted, with their latencies.
 */
final class ClosedLoop {
  private ClosedLoop() {}

  /**
   * The outcome of one measurement.
   *
   * @param connections how many workers ran
   * @param seconds the measured window
   * @param latencies the latency of every counted call
   * @param failures counted calls whose status was not 200
   * @param firstFailureStatus the status of the first such call, 0 if none
   */
  record Result(
      int connections,
      double seconds,
      LatencyHistogram latencies,
      long failures,
      int firstFailureStatus) {
    /** Counted calls per second. */
    double perSecond() {
      return latencies.count() / seconds;
    }
  }

  /**
   * Runs the measurement.
   *
   * @param connections worker threads, each with its own endpoint
   * @param warmup unmeasured time before the window
   * @param measured the window
   * @param endpoints opens each worker's endpoint (before the clock starts)
   * @param generators the request source of worker {@code i}
   * @throws Exception if an endpoint cannot open or a call fails with an I/O error
   */
  static Result run(
      int connections,
      Duration warmup,
      Duration measured,
      Endpoint.Factory endpoints,
      IntFunction<? extends RequestSource> generators)
      throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    long[] window = new long[2];
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Worker> workers = new ArrayList<>();
    try {
      for (int i = 0; i < connections; i++) {
        workers.add(new Worker(endpoints.open(), generators.apply(i), start, window, failure));
      }
      for (int i = 0; i < workers.size(); i++) {
        Thread thread = new Thread(workers.get(i), "load-" + i);
        thread.setDaemon(true);
        workers.get(i).thread = thread;
        thread.start();
      }
      window[0] = System.nanoTime() + warmup.toNanos();
      window[1] = window[0] + measured.toNanos();
      start.countDown(); // publishes the window to the workers
      for (Worker worker : workers) {
        worker.thread.join();
      }
    } finally {
      for (Worker worker : workers) {
        worker.endpoint.close();
      }
    }
    if (failure.get() != null) {
      throw new IllegalStateException("a load worker failed: " + failure.get(), failure.get());
    }
    LatencyHistogram all = new LatencyHistogram();
    long failures = 0;
    int firstFailureStatus = 0;
    for (Worker worker : workers) {
      all.add(worker.latencies);
      failures += worker.failures;
      if (firstFailureStatus == 0) {
        firstFailureStatus = worker.firstFailureStatus;
      }
    }
    return new Result(connections, measured.toNanos() / 1e9, all, failures, firstFailureStatus);
  }

  /** One worker: its endpoint, its request source and what it counted. */
  private static final class Worker implements Runnable {
    private final Endpoint endpoint;
    private final RequestSource generator;
    private final CountDownLatch start;
    private final long[] window;
    private final AtomicReference<Throwable> failure;
    private final LatencyHistogram latencies = new LatencyHistogram();
    private long failures;
    private int firstFailureStatus;
    private Thread thread;

    Worker(
        Endpoint endpoint,
        RequestSource generator,
        CountDownLatch start,
        long[] window,
        AtomicReference<Throwable> failure) {
      this.endpoint = endpoint;
      this.generator = generator;
      this.start = start;
      this.window = window;
      this.failure = failure;
    }

    @Override
    public void run() {
      try {
        start.await();
        long from = window[0];
        long until = window[1];
        while (failure.get() == null) {
          Call call = generator.next();
          long begin = System.nanoTime();
          if (begin >= until) {
            return;
          }
          int status = endpoint.call(call);
          long end = System.nanoTime();
          generator.completed(call, status);
          if (begin >= from && end <= until) {
            latencies.record(end - begin);
            if (status != 200) {
              failures++;
              if (firstFailureStatus == 0) {
                firstFailureStatus = status;
              }
            }
          }
        }
      } catch (Throwable e) {
        failure.compareAndSet(null, e);
      }
    }
  }
}
