package dev.vss.store.sqlite;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds a store's writer thread inside a connection task so that tests can line up writes in its
 * queue and release them as one batch.
 */
final class WriterGate {
  private final SqliteStorage storage;
  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final Thread holder;

  private WriterGate(SqliteStorage storage) {
    this.storage = storage;
    this.holder =
        new Thread(
            () ->
                storage
                    .writer()
                    .onConnection(
                        connection -> {
                          entered.countDown();
                          try {
                            release.await();
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                        }),
            "writer-gate");
  }

  /** Closes the gate: returns once the writer thread is held. */
  static WriterGate close(SqliteStorage storage) throws InterruptedException {
    WriterGate gate = new WriterGate(storage);
    gate.holder.start();
    if (!gate.entered.await(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the writer never picked up the gate task");
    }
    return gate;
  }

  /** Waits until {@code count} tasks wait in the writer's queue. */
  void awaitQueued(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (storage.writer().queued() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + storage.writer().queued() + " of " + count + " queued");
      }
      Thread.sleep(2);
    }
  }

  /** Lets the writer go on and waits for the gate task to end. */
  void open() throws InterruptedException {
    release.countDown();
    holder.join();
  }
}
