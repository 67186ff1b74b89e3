package dev.vss.store.postgres;

import dev.vss.core.spi.CommitObserver;
import dev.vss.core.spi.StorageException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * The writers of a {@link PostgresStorage}: a few threads, each with a queue of its own, taking
 * every write waiting in its queue (up to the batch size) and committing them in one transaction,
 * so concurrent requests share commits (and the WAL flush behind each).
 *
 * <p>A keyspace's writes always go to the same writer (its lock id picks the queue). Writes to one
 * keyspace are serialized by its lock anyway, so two writers of this process taking turns on one
 * hot keyspace would only split its queue into small batches, each waiting for the previous one's
 * commit; one writer takes all of them into its next batch instead.
 *
 * <p>This class owns the batch protocol: the threads and their queues, which writes share a batch,
 * the transaction, what a failure means for each request, durability before any answer, and the
 * commit observer. What a batch reads, decides and writes inside its transaction is {@link
 * WriteBatch}'s. Per batch, on one connection from the pool: {@link WriteBatch#lockAndRead} (one
 * round trip, two when quotas are on), {@link WriteBatch#decide} for each request in queue order,
 * then {@link WriteBatch#writeAndCommit} (one round trip that ends with {@code COMMIT}; a plain
 * {@code COMMIT} when nothing changed). Two round trips per batch, then.
 *
 * <p>Callers are answered only after {@code COMMIT} returned. If a statement fails (the server then
 * skips what follows it in the round trip, {@code COMMIT} too, and reports the transaction open and
 * aborted), the transaction is rolled back and each request of the batch is run again alone
 * (decisions are pure), so one bad request fails only itself. If the connection is lost, or {@code
 * COMMIT} ran and failed, or it cannot be told whether it ran, every request of the batch fails: a
 * lost {@code COMMIT} may or may not have committed, and is never reported as success nor run
 * again.
 */
final class GroupCommitWriter {
  private static final Logger LOG = System.getLogger(GroupCommitWriter.class.getName());

  private final DataSource pool;
  private final int maxBatchSize;

  /** One queue per writer thread; a keyspace's writes always go to the same one. */
  private final List<LinkedBlockingQueue<Object>> queues = new ArrayList<>();

  /** Tells a writer thread to stop; the last entry of each queue once stopping. */
  private final Object stopToken = new Object();

  private final Object submitLock = new Object();
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicLong committedBatches = new AtomicLong();
  private volatile CommitObserver observer = CommitObserver.NONE;
  private final AtomicLong committedWrites = new AtomicLong();
  private boolean stopping; // guarded by submitLock

  /** Starts {@code writers} threads committing through {@code pool}. */
  GroupCommitWriter(DataSource pool, int writers, int maxBatchSize, String threadName) {
    this.pool = pool;
    this.maxBatchSize = maxBatchSize;
    for (int i = 0; i < writers; i++) {
      LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
      queues.add(queue);
      Thread thread = new Thread(() -> run(queue), threadName + "-" + i);
      thread.setDaemon(true);
      threads.add(thread);
    }
    threads.forEach(Thread::start);
  }

  /**
   * Queues a write and blocks until its transaction has committed (or failed).
   *
   * @throws StorageException if the writer is stopping or the write's transaction failed
   */
  <R> R write(WriteRequest<R> request) {
    queue(request);
    return request.await();
  }

  /**
   * Queues a write and returns at once: the stage completes on the writer thread once the write's
   * transaction has committed (or failed).
   *
   * @throws StorageException if the writer is stopping
   */
  <R> CompletionStage<R> submit(WriteRequest<R> request) {
    queue(request);
    return request.outcome();
  }

  private void queue(WriteRequest<?> request) {
    synchronized (submitLock) {
      if (stopping) {
        throw new StorageException("PostgreSQL storage is closed");
      }
      queues.get(Math.floorMod(Long.hashCode(request.lockId()), queues.size())).add(request);
    }
  }

  /** Writes waiting for a writer (for tests). */
  int queuedWrites() {
    return (int)
        queues.stream()
            .flatMap(LinkedBlockingQueue::stream)
            .filter(task -> task != stopToken)
            .count();
  }

  /** Batches committed since start. */
  long committedBatches() {
    return committedBatches.get();
  }

  /** Writes committed since start. */
  long committedWrites() {
    return committedWrites.get();
  }

  /** Stops accepting writes, commits every write queued before, and waits for the threads. */
  void stop() {
    synchronized (submitLock) {
      if (!stopping) {
        stopping = true;
        queues.forEach(queue -> queue.add(stopToken));
      }
    }
    boolean interrupted = false;
    for (Thread thread : threads) {
      while (thread.isAlive()) {
        try {
          thread.join();
        } catch (InterruptedException e) {
          interrupted = true; // finish stopping: the pool must not close under a writer
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void run(LinkedBlockingQueue<Object> queue) {
    List<Object> drained = new ArrayList<>(maxBatchSize);
    List<WriteRequest<?>> batch = new ArrayList<>(maxBatchSize);
    boolean stop = false;
    while (!stop) {
      drained.add(takeUninterruptibly(queue));
      queue.drainTo(drained, maxBatchSize - 1);
      for (Object task : drained) {
        if (task == stopToken) {
          stop = true;
        } else {
          batch.add((WriteRequest<?>) task);
        }
      }
      drained.clear();
      if (!batch.isEmpty()) {
        try {
          runBatch(batch);
        } catch (RuntimeException | Error e) {
          // A bug here must not kill the writer and leave callers waiting forever.
          LOG.log(Level.ERROR, "PostgreSQL writer failed unexpectedly; failing the batch", e);
          StorageException fault = new StorageException("PostgreSQL write batch failed", e);
          batch.forEach(request -> request.fail(fault));
        }
        batch.clear();
      }
    }
  }

  private static Object takeUninterruptibly(LinkedBlockingQueue<Object> queue) {
    while (true) {
      try {
        return queue.take();
      } catch (InterruptedException e) {
        // Only stop() ends a writer, so that no queued write is left without an answer.
      }
    }
  }

  /** Commits {@code batch}, falling back to one transaction per request if a statement fails. */
  private void runBatch(List<WriteRequest<?>> batch) {
    try {
      commit(batch);
    } catch (StatementFailure failure) {
      if (batch.size() == 1) {
        LOG.log(Level.WARNING, "PostgreSQL write failed", failure.getCause());
        batch.get(0).fail(new StorageException("PostgreSQL write failed", failure.getCause()));
        return;
      }
      LOG.log(
          Level.DEBUG,
          "a statement of a batch of " + batch.size() + " failed; running its writes one by one",
          failure.getCause());
      for (WriteRequest<?> request : batch) {
        runBatch(List.of(request));
      }
    } catch (BatchFailure failure) {
      LOG.log(
          Level.ERROR,
          "PostgreSQL " + failure.getMessage() + "; failing " + batch.size() + " write(s)",
          failure.getCause());
      StorageException fault =
          new StorageException("PostgreSQL " + failure.getMessage(), failure.getCause());
      batch.forEach(request -> request.fail(fault));
    }
  }

  /** A statement failed before COMMIT on a live connection: nothing committed, safe to retry. */
  private static final class StatementFailure extends Exception {
    private static final long serialVersionUID = 1L;

    StatementFailure(SQLException cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  /** The connection or COMMIT failed: the outcome may be unknown, nothing may be retried. */
  private static final class BatchFailure extends Exception {
    private static final long serialVersionUID = 1L;

    BatchFailure(String what, Throwable cause) {
      super(what, cause, false, false);
    }
  }

  private void commit(List<WriteRequest<?>> batch) throws StatementFailure, BatchFailure {
    long started = System.nanoTime();
    Connection connection;
    try {
      connection = pool.getConnection();
    } catch (SQLException e) {
      throw new BatchFailure("has no connection to the database", e);
    }
    Runnable[] answers = new Runnable[0];
    try (connection) {
      answers = decideWriteAndCommit(connection, batch);
    } catch (SQLException e) { // closing the connection, once the batch has committed
      LOG.log(Level.DEBUG, "returning a connection to the pool failed", e);
    }
    committedBatches.incrementAndGet();
    committedWrites.addAndGet(batch.size());
    CommitObserver.notifySafely(observer, batch.size(), System.nanoTime() - started);
    // Never before COMMIT has returned: an answer promises durability. After the connection is
    // back in the pool: what callers chain to a write's completion runs here, on this thread.
    for (Runnable answer : answers) {
      answer.run();
    }
  }

  /**
   * Runs the batch in one transaction: locks and reads, decides each request, then writes and
   * commits. Returns each request's answer once {@code COMMIT} has returned.
   */
  private Runnable[] decideWriteAndCommit(Connection connection, List<WriteRequest<?>> batch)
      throws StatementFailure, BatchFailure {
    WriteBatch state;
    Runnable[] answers = new Runnable[batch.size()];
    try {
      state = WriteBatch.lockAndRead(connection, batch);
      for (int i = 0; i < batch.size(); i++) {
        answers[i] = state.decide(batch.get(i));
      }
    } catch (SQLException e) {
      rollbackQuietly(connection, e);
      if (isConnectionLost(e)) {
        throw new BatchFailure("lost its connection during a write batch", e);
      }
      throw new StatementFailure(e);
    } catch (RuntimeException | Error e) {
      rollbackQuietly(connection, e);
      throw e;
    }
    try {
      // The write ends with COMMIT; when the batch wrote nothing, this COMMIT ends the transaction
      // (releasing the keyspace locks). Otherwise the transaction has ended already and this sends
      // nothing: it only tells the pool that the connection holds no uncommitted work.
      state.writeAndCommit();
      connection.commit();
    } catch (SQLException e) {
      // Read before the rollback, which ends the transaction. When a statement or a check failed,
      // PostgreSQL skipped the rest of the pipeline, COMMIT too, so nothing of the batch committed
      // and its requests may run again.
      boolean retryable = !isConnectionLost(e) && commitDidNotRun(connection);
      rollbackQuietly(connection, e);
      if (retryable) {
        throw new StatementFailure(e);
      }
      throw new BatchFailure("COMMIT failed (the writes may or may not have committed)", e);
    } catch (RuntimeException | Error e) {
      rollbackQuietly(connection, e);
      throw e;
    }
    return answers;
  }

  /**
   * Whether the connection's transaction is still open and aborted, as the server last reported it:
   * then COMMIT has not run (a COMMIT that ran, even one that failed, ends the transaction). False
   * when that cannot be told.
   */
  private static boolean commitDidNotRun(Connection connection) {
    try {
      return connection.unwrap(BaseConnection.class).getTransactionState()
          == TransactionState.FAILED;
    } catch (SQLException e) {
      return false;
    }
  }

  /** Connection-level failures (class 08, server shutting down, I/O) mean the session is gone. */
  private static boolean isConnectionLost(SQLException e) {
    String state = e.getSQLState();
    return state == null || state.startsWith("08") || state.startsWith("57P");
  }

  private static void rollbackQuietly(Connection connection, Throwable cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /** Reports each committed batch to {@code observer} from now on. */
  void observeCommits(CommitObserver observer) {
    this.observer = java.util.Objects.requireNonNull(observer, "observer");
  }
}
