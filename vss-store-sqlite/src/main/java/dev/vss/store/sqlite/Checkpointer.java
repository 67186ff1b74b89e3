package dev.vss.store.sqlite;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Copies the write-ahead log into the database file from a thread and connection of its own ({@code
 * PRAGMA wal_checkpoint(PASSIVE)} every {@link #INTERVAL}), so that the writer thread does not.
 *
 * <p>Why: SQLite's automatic checkpoint runs inside the {@code COMMIT} that takes the log over its
 * threshold, on the connection that committed: here the single writer thread, whose commits every
 * durable write waits for. In a profile of sustained 1 KiB puts, that checkpoint (reading log
 * pages, writing them to the file, syncing the file) was a large part of the writer's time. A
 * passive checkpoint from another connection takes no write lock: the writer keeps committing while
 * it runs, and once it has copied the whole log the writer's next transaction starts the log again
 * from its beginning. The writer keeps an automatic checkpoint at a much higher threshold ({@link
 * #WRITER_BACKSTOP_PAGES}) as a bound on the log should this thread fall behind or fail.
 *
 * <p>Durability is unchanged: a write is durable when its {@code COMMIT} has synced the log, before
 * any checkpoint; a checkpoint only moves committed pages and syncs the file before it lets the log
 * be reused.
 */
final class Checkpointer implements AutoCloseable {
  private static final Logger LOG = System.getLogger(Checkpointer.class.getName());

  /** How often the log is copied: often enough that it stays small under sustained writes. */
  static final Duration INTERVAL = Duration.ofMillis(200);

  /**
   * The writer's own automatic checkpoint threshold, in pages: ten times SQLite's default of 1000,
   * reached only when this thread has not kept up.
   */
  static final int WRITER_BACKSTOP_PAGES = 10_000;

  private final Connection connection;
  private final ScheduledExecutorService timer;
  private boolean failing; // only touched on the timer thread

  /** Starts checkpointing through {@code connection}, which it owns and closes. */
  Checkpointer(Connection connection, String threadName) {
    this.connection = connection;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, threadName);
              thread.setDaemon(true);
              return thread;
            });
    timer.scheduleWithFixedDelay(
        this::checkpointQuietly, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Runs one passive checkpoint now.
   *
   * @return the log's frames and how many of them are now in the database file
   */
  long[] checkpoint() throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
      result.next();
      return new long[] {result.getLong(2), result.getLong(3)};
    }
  }

  private void checkpointQuietly() {
    try {
      checkpoint();
      if (failing) {
        failing = false;
        LOG.log(Level.INFO, "SQLite checkpoints work again");
      }
    } catch (SQLException | RuntimeException e) {
      // The writer's backstop still bounds the log; say so once per run of failures, not every
      // 200 ms.
      if (!failing) {
        failing = true;
        LOG.log(
            Level.WARNING,
            "an SQLite checkpoint failed; the writer checkpoints past "
                + WRITER_BACKSTOP_PAGES
                + " log pages until this works again",
            e);
      }
    }
  }

  /**
   * Stops checkpointing, waits for a checkpoint in progress, and closes the connection. A second
   * call does nothing more.
   */
  @Override
  public void close() {
    timer.shutdown();
    boolean interrupted = false;
    while (true) {
      try {
        if (timer.awaitTermination(1, TimeUnit.MINUTES)) {
          break;
        }
        LOG.log(Level.WARNING, "still waiting for an SQLite checkpoint to finish");
      } catch (InterruptedException e) {
        interrupted = true; // the connection must not close under a running checkpoint
      }
    }
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.log(Level.DEBUG, "closing the checkpoint connection failed", e);
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
