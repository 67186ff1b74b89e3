package dev.vss.server.admin;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lets Ctrl-C (SIGINT) or SIGTERM stop a long command at a safe point instead of mid-write: the
 * shutdown hook only raises a flag and then waits for the command to clean up (delete a partial
 * export, roll back the keyspace being loaded) before the JVM exits.
 */
final class Interruption {
  /** How long the hook waits for the command to reach a safe point and clean up. */
  private static final Duration CLEANUP_WAIT = Duration.ofSeconds(60);

  private volatile boolean requested;
  private final CountDownLatch finished = new CountDownLatch(1);

  /** An interruption nobody can request, for tests and embedding. */
  static Interruption none() {
    return new Interruption();
  }

  /** One wired to the JVM's shutdown hooks. */
  static Interruption onSignals() {
    Interruption interruption = new Interruption();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  interruption.requested = true;
                  try {
                    interruption.finished.await(CLEANUP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "vss-admin-interrupt"));
    return interruption;
  }

  /** Raises the flag (as a signal would). */
  void request() {
    requested = true;
  }

  /** Whether the command was asked to stop. */
  boolean requested() {
    return requested;
  }

  /** Throws if the command was asked to stop; call it at safe points. */
  void check() {
    if (requested) {
      throw new AdminException(Admin.EXIT_INTERRUPTED, "interrupted");
    }
  }

  /** Tells the hook that the command is done and cleaned up. */
  void finished() {
    finished.countDown();
  }
}
