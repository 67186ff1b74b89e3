package dev.vss.store.sqlite;

import dev.vss.core.Keyspace;
import dev.vss.core.spi.CommitObserver;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.WriteDecision;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The single writer of a {@link SqliteStorage}: one thread owns the write connection and drains a
 * queue of pending writes into batches, one SQLite transaction (and so one fsync) per batch.
 *
 * <p>This class owns the batch protocol: the queue and the thread, the transaction and each
 * request's savepoint, what a failure undoes, durability before any answer, the commit observer and
 * the store's write health. The SQL that reads a request's view and applies its plan is {@link
 * PlanStatements}'.
 *
 * <p>Per batch:
 *
 * <ol>
 *   <li>{@code BEGIN IMMEDIATE} takes SQLite's write lock (waiting up to the busy timeout).
 *   <li>Each write runs in its own savepoint: read the declared keys' versions and the global
 *       version inside the transaction, run the core's decision, apply its plan ({@link
 *       PlanStatements#apply}), release. A decision that throws, or a statement that fails, rolls
 *       back to the savepoint and fails only that write; an abort (a conflict) writes nothing and
 *       affects no other write.
 *   <li>{@code COMMIT} makes the batch durable. Only after it returns is any caller answered; if it
 *       fails, every write of the batch fails with {@link StorageException}, because each later
 *       decision saw the earlier, now lost, writes.
 *   <li>If SQLite abandons the whole transaction mid-batch (it does on some I/O, full-disk and busy
 *       errors), every write of the batch fails: nothing of it was committed.
 * </ol>
 *
 * <p>Writes are serialized store-wide, so they are trivially serialized per keyspace; the order in
 * the queue is the linearization order.
 */
final class GroupCommitWriter {
  private static final Logger LOG = System.getLogger(GroupCommitWriter.class.getName());

  /** More than one 4 KiB page, so the probe row needs an overflow page. */
  private static final int PROBE_PAYLOAD_BYTES = 8192;

  private final Connection connection;
  private final int maxBatchSize;
  private final StoreHealth health;
  private final LinkedBlockingQueue<WriterTask> queue = new LinkedBlockingQueue<>();
  private final Object submitLock = new Object();
  private final Thread thread;
  private final AtomicLong committedBatches = new AtomicLong();
  private volatile CommitObserver observer = CommitObserver.NONE;
  private boolean stopping; // guarded by submitLock

  /** The transaction's statements, to prepare them again after a failure. */
  private final List<PreparedSql> statements = new ArrayList<>();

  /** The statements that read a request's view and apply its plan. */
  private final PlanStatements plans;

  private final PreparedSql begin;
  private final PreparedSql commit;
  private final PreparedSql rollback;
  private final PreparedSql savepoint;
  private final PreparedSql release;
  private final PreparedSql rollbackToSavepoint;

  /**
   * Prepares the statements on {@code connection} (which this writer owns from now on) and starts
   * the writer thread.
   */
  GroupCommitWriter(Connection connection, int maxBatchSize, StoreHealth health, String threadName)
      throws SQLException {
    this.connection = connection;
    this.maxBatchSize = maxBatchSize;
    this.health = health;
    begin = prepare("BEGIN IMMEDIATE");
    commit = prepare("COMMIT");
    rollback = prepare("ROLLBACK");
    savepoint = prepare("SAVEPOINT write_request");
    release = prepare("RELEASE write_request");
    rollbackToSavepoint = prepare("ROLLBACK TO write_request");
    plans = new PlanStatements(connection);
    thread = new Thread(this::run, threadName);
    // Every write of the store passes through this one thread, so under load its share of the CPU
    // bounds the write rate: with the server's threads on two cores it got a fair share only, and
    // given priority it wrote faster (measured in BENCHMARKS.md). The JVM ignores thread
    // priorities on Linux unless started with -XX:ThreadPriorityPolicy=1 and allowed to raise
    // priority (CAP_SYS_NICE), so by default this changes nothing.
    thread.setPriority(Thread.MAX_PRIORITY);
    thread.setDaemon(true);
    thread.start();
  }

  private PreparedSql prepare(String sql) throws SQLException {
    PreparedSql statement = new PreparedSql(connection, sql);
    statements.add(statement);
    return statement;
  }

  /** After any failed statement: the driver may have finalized some, so prepare all again. */
  private void invalidateStatements() {
    statements.forEach(PreparedSql::invalidate);
    plans.invalidate();
  }

  /**
   * Queues a write and blocks until its batch has committed (or failed).
   *
   * @throws StorageException if the writer is stopping or the write's transaction failed
   */
  <R> R write(Keyspace keyspace, Set<String> keys, WriteDecision<R> decision) {
    WriteRequest<R> request = new WriteRequest<>(keyspace, keys, decision);
    submit(request);
    return request.await();
  }

  /**
   * Runs {@code work} on the writer thread with the write connection, between two batches, and
   * waits for it.
   */
  void onConnection(WriterTask.OnConnection.Work work) {
    WriterTask.OnConnection task = new WriterTask.OnConnection(work);
    submit(task);
    try {
      task.done.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw new StorageException("writer task failed", e.getCause());
    }
  }

  /**
   * Commits one small transaction on the writer thread, between batches: readiness uses it, while a
   * write fault is pending, to learn whether the store takes writes again without waiting for a
   * client's write (a store that is not ready gets none). It rewrites the one row of {@code
   * health_probe} with a payload bigger than a page, so the transaction needs an overflow page and
   * a log append, and is fsync'd like any write.
   *
   * @throws StorageException if the transaction fails
   */
  void probeWrite() {
    try {
      onConnection(
          probeConnection -> {
            try (Statement statement = probeConnection.createStatement()) {
              statement.execute("BEGIN IMMEDIATE");
              try {
                statement.execute(
                    "INSERT OR REPLACE INTO health_probe"
                        + " (id, probed_at_epoch_ms, payload) VALUES (1, "
                        + System.currentTimeMillis()
                        + ", zeroblob("
                        + PROBE_PAYLOAD_BYTES
                        + "))");
                statement.execute("COMMIT");
              } catch (SQLException e) {
                invalidateStatements();
                rollbackQuietly(e);
                throw e;
              }
            }
          });
    } catch (StorageException e) {
      if (e.getCause() instanceof SQLException sql) {
        health.noteWriteFailure(sql);
      }
      throw new StorageException(
          "SQLite write probe failed: "
              + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()),
          e.getCause());
    }
    health.writesSucceeded();
  }

  /** Whether the writer thread is running. */
  boolean isAlive() {
    return thread.isAlive();
  }

  /** How many batches have committed since start. */
  long committedBatches() {
    return committedBatches.get();
  }

  /** How many tasks wait in the queue. */
  int queued() {
    return queue.size();
  }

  /**
   * Stops accepting writes, commits every write queued before this call and waits for the thread to
   * end. The connection stays open until {@link #closeConnection()}. Idempotent.
   */
  void stop() {
    synchronized (submitLock) {
      if (!stopping) {
        stopping = true;
        queue.add(WriterTask.Stop.INSTANCE);
      }
    }
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true; // finish stopping: the connection must not be closed under the writer
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void submit(WriterTask task) {
    synchronized (submitLock) {
      if (stopping) {
        throw new StorageException("SQLite storage is closed");
      }
      queue.add(task);
    }
  }

  private void run() {
    List<WriterTask> drained = new ArrayList<>(maxBatchSize);
    List<WriteRequest<?>> batch = new ArrayList<>(maxBatchSize);
    boolean stop = false;
    try {
      while (!stop) {
        drained.add(takeUninterruptibly());
        queue.drainTo(drained, maxBatchSize - 1);
        for (WriterTask task : drained) {
          if (task instanceof WriteRequest<?> request) {
            batch.add(request);
            continue;
          }
          runBatch(batch);
          if (task instanceof WriterTask.OnConnection onConnection) {
            runOnConnection(onConnection);
          } else {
            stop = true; // Stop is always the last task: nothing is queued after it
          }
        }
        runBatch(batch);
        drained.clear();
      }
    } catch (RuntimeException | Error e) {
      LOG.log(Level.ERROR, "SQLite writer thread ended unexpectedly", e);
      throw e;
    }
  }

  private WriterTask takeUninterruptibly() {
    while (true) {
      try {
        return queue.take();
      } catch (InterruptedException e) {
        // Only stop() ends this thread, so that no queued write is left without an answer.
      }
    }
  }

  private void runOnConnection(WriterTask.OnConnection task) {
    try {
      task.work.run(connection);
      task.done.complete(null);
    } catch (SQLException | RuntimeException | Error e) {
      // Whatever the task did, the writer goes on serving writes.
      task.done.completeExceptionally(e);
    }
  }

  /** Commits {@code batch} as one transaction, answers every caller, and clears the list. */
  private void runBatch(List<WriteRequest<?>> batch) {
    if (batch.isEmpty()) {
      return;
    }
    try {
      commitBatch(batch);
    } catch (RuntimeException | Error e) {
      // A bug in this class must not kill the writer and leave callers waiting forever.
      LOG.log(Level.ERROR, "SQLite writer failed unexpectedly; failing the batch", e);
      invalidateStatements();
      rollbackQuietly(e);
      failAll(batch, new StorageException("SQLite write batch failed", e));
    } finally {
      batch.clear();
    }
  }

  private void commitBatch(List<WriteRequest<?>> batch) {
    long started = System.nanoTime();
    try {
      begin.execute();
    } catch (SQLException e) {
      failBatch(batch, "beginning a write transaction failed", e);
      return;
    }
    PlanStatements.Sequences sequences = new PlanStatements.Sequences();
    boolean storageFault = false;
    List<Runnable> answers = new ArrayList<>(batch.size());
    for (WriteRequest<?> request : batch) {
      try {
        savepoint.execute();
      } catch (SQLException e) {
        failBatch(batch, "opening a savepoint failed", e);
        return;
      }
      try {
        Object result = plans.apply(request, sequences);
        release.execute();
        answers.add(() -> request.succeed(result));
      } catch (PlanStatements.DecisionFailure failure) {
        if (!undoRequest(batch, failure.getCause(), false)) {
          return;
        }
        answers.add(() -> request.fail(failure.getCause()));
      } catch (SQLException e) {
        storageFault |= health.noteWriteFailure(e);
        if (!undoRequest(batch, e, true)) {
          return;
        }
        LOG.log(
            Level.WARNING, "SQLite write failed for one request; the rest of its batch goes on", e);
        StorageException fault = new StorageException("SQLite write failed", e);
        answers.add(() -> request.fail(fault));
      }
    }
    try {
      plans.writeSequenceCounter(sequences);
      commit.execute();
    } catch (SQLException e) {
      failBatch(batch, "committing a write batch failed", e);
      return;
    }
    committedBatches.incrementAndGet();
    CommitObserver.notifySafely(observer, batch.size(), System.nanoTime() - started);
    if (!storageFault) {
      health.writesSucceeded();
    }
    // Never before COMMIT has returned: an answer promises durability.
    answers.forEach(Runnable::run);
  }

  /**
   * Rolls back to the current request's savepoint. Returns false, after failing the whole batch, if
   * SQLite had already abandoned the transaction.
   */
  private boolean undoRequest(
      List<WriteRequest<?>> batch, Throwable cause, boolean statementFailed) {
    if (statementFailed) {
      invalidateStatements();
    }
    try {
      rollbackToSavepoint.execute();
      release.execute();
      return true;
    } catch (SQLException e) {
      e.addSuppressed(cause);
      failBatch(batch, "the write transaction was abandoned", e);
      return false;
    }
  }

  /**
   * Fails every write of the batch and rolls back whatever is left of its transaction (also after a
   * failed BEGIN: should a transaction have been left open somehow, the next batch starts clean).
   */
  private void failBatch(List<WriteRequest<?>> batch, String what, SQLException cause) {
    health.noteWriteFailure(cause);
    LOG.log(Level.ERROR, "SQLite " + what + "; failing " + batch.size() + " write(s)", cause);
    invalidateStatements();
    rollbackQuietly(cause);
    failAll(batch, new StorageException("SQLite " + what, cause));
  }

  private static void failAll(List<WriteRequest<?>> batch, StorageException fault) {
    for (WriteRequest<?> request : batch) {
      request.fail(fault);
    }
  }

  /**
   * Ends the open transaction, if any. SQLite may already have ended it on its own after an error,
   * in which case ROLLBACK fails with "no transaction is active"; either way none is left open.
   */
  private void rollbackQuietly(Throwable cause) {
    try {
      rollback.execute();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /**
   * Closes the write connection after {@link #stop()}. Closed last, it checkpoints the write-ahead
   * log into the database file (a read-only connection cannot).
   */
  void closeConnection() {
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.log(Level.WARNING, "closing the SQLite write connection failed", e);
    }
  }

  /** Reports each committed batch to {@code observer} from now on. */
  void observeCommits(CommitObserver observer) {
    this.observer = java.util.Objects.requireNonNull(observer, "observer");
  }
}
