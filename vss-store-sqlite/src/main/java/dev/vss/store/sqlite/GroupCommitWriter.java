package dev.vss.store.sqlite;

import dev.vss.core.Keyspace;
import dev.vss.core.spi.CommitObserver;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.Usage;
import dev.vss.core.spi.WriteDecision;
import dev.vss.core.spi.WritePlan;
import dev.vss.core.spi.WriteView;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The single writer of a {@link SqliteStorage}: one thread owns the write connection and drains a
 * queue of pending writes into batches, one SQLite transaction (and so one fsync) per batch.
 *
 * <p>Per batch:
 *
 * <ol>
 *   <li>{@code BEGIN IMMEDIATE} takes SQLite's write lock (waiting up to the busy timeout).
 *   <li>Each write runs in its own savepoint: read the declared keys' versions and the global
 *       version inside the transaction, run the core's decision, apply its plan, release. A decision
 *       that throws, or a statement that fails, rolls back to the savepoint and fails only that
 *       write; an abort (a conflict) writes nothing and affects no other write.
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

  /** Every statement of this writer, to prepare them again after a failure. */
  private final List<PreparedSql> statements = new ArrayList<>();

  private final PreparedSql begin;
  private final PreparedSql commit;
  private final PreparedSql rollback;
  private final PreparedSql savepoint;
  private final PreparedSql release;
  private final PreparedSql rollbackToSavepoint;
  private final PreparedSql findKeyspace;
  private final PreparedSql insertKeyspace;
  private final PreparedSql lastInsertRowid;
  private final PreparedSql setGlobalVersion;
  private final PreparedSql findRecord;
  private final PreparedSql insertRecord;
  private final PreparedSql updateRecord;
  private final PreparedSql deleteRecord;
  private final PreparedSql addUsage;
  private final PreparedSql userUsage;
  private final PreparedSql readSequenceCounter;
  private final PreparedSql writeSequenceCounter;

  /**
   * Prepares the statements on {@code connection} (which this writer owns from now on) and starts
   * the writer thread.
   */
  GroupCommitWriter(Connection connection, int maxBatchSize, StoreHealth health,
      String threadName) throws SQLException {
    this.connection = connection;
    this.maxBatchSize = maxBatchSize;
    this.health = health;
    begin = prepare("BEGIN IMMEDIATE");
    commit = prepare("COMMIT");
    rollback = prepare("ROLLBACK");
    savepoint = prepare("SAVEPOINT write_request");
    release = prepare("RELEASE write_request");
    rollbackToSavepoint = prepare("ROLLBACK TO write_request");
    findKeyspace = prepare("SELECT id, global_version, stored_bytes, record_count FROM keyspaces"
        + " WHERE user_token = ? AND store_id = ?");
    insertKeyspace = prepare(
        "INSERT INTO keyspaces (user_token, store_id, global_version) VALUES (?, ?, 0)");
    lastInsertRowid = prepare("SELECT last_insert_rowid()");
    setGlobalVersion =
        prepare("UPDATE keyspaces SET global_version = ? WHERE id = ?");
    // length() of a BLOB is read from the row header: the value itself is not loaded.
    findRecord = prepare("SELECT sequence, version, length(value) FROM records"
        + " WHERE keyspace_id = ? AND key = ?");
    insertRecord = prepare("INSERT INTO records"
        + " (sequence, keyspace_id, key, version, value, entry_crc, record_crc)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?)");
    updateRecord = prepare("UPDATE records SET version = ?, value = ?, entry_crc = ?,"
        + " record_crc = ? WHERE sequence = ?");
    deleteRecord = prepare("DELETE FROM records WHERE sequence = ?");
    addUsage = prepare("UPDATE keyspaces SET stored_bytes = stored_bytes + ?,"
        + " record_count = record_count + ? WHERE id = ?");
    userUsage = prepare("SELECT coalesce(sum(stored_bytes), 0), coalesce(sum(record_count), 0)"
        + " FROM keyspaces WHERE user_token = ?");
    readSequenceCounter =
        prepare("SELECT last_sequence FROM sequence_counter WHERE id = 1");
    writeSequenceCounter =
        prepare("UPDATE sequence_counter SET last_sequence = ? WHERE id = 1");
    thread = new Thread(this::run, threadName);
    // Every write of the store passes through this one thread, so under load its share of the CPU
    // bounds the write rate: with the server's threads on two cores it got a fair share only, and
    // 64 connections of puts over HTTP reached 15k/s; given priority, 17-19k/s (BENCHMARKS.md). The
    // JVM ignores thread priorities on Linux unless started with -XX:ThreadPriorityPolicy=1 and
    // allowed to raise priority (CAP_SYS_NICE), so by default this changes nothing.
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
      onConnection(probeConnection -> {
        try (Statement statement = probeConnection.createStatement()) {
          statement.execute("BEGIN IMMEDIATE");
          try {
            statement.execute("INSERT OR REPLACE INTO health_probe"
                + " (id, probed_at_epoch_ms, payload) VALUES (1, "
                + System.currentTimeMillis() + ", zeroblob(" + PROBE_PAYLOAD_BYTES + "))");
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
      throw new StorageException("SQLite write probe failed: "
          + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()), e.getCause());
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
    Sequences sequences = new Sequences();
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
        Object result = apply(request, sequences);
        release.execute();
        answers.add(() -> request.succeed(result));
      } catch (DecisionFailure failure) {
        if (!undoRequest(batch, failure.getCause(), false)) {
          return;
        }
        answers.add(() -> request.fail(failure.getCause()));
      } catch (SQLException e) {
        storageFault |= health.noteWriteFailure(e);
        if (!undoRequest(batch, e, true)) {
          return;
        }
        LOG.log(Level.WARNING,
            "SQLite write failed for one request; the rest of its batch goes on", e);
        StorageException fault = new StorageException("SQLite write failed", e);
        answers.add(() -> request.fail(fault));
      }
    }
    try {
      if (sequences.changed()) {
        PreparedStatement writeSequenceCounterStatement = writeSequenceCounter.get();
        writeSequenceCounterStatement.setLong(1, sequences.last);
        writeSequenceCounterStatement.executeUpdate();
      }
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
   * Fails every write of the batch and rolls back whatever is left of its transaction (also after
   * a failed BEGIN: should a transaction have been left open somehow, the next batch starts clean).
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
   * Runs one request inside its savepoint: builds the view from the transaction's state, runs the
   * decision, applies its plan, and returns the plan's result.
   */
  private Object apply(WriteRequest<?> request, Sequences sequences)
      throws SQLException, DecisionFailure {
    byte[] userToken = request.userToken;
    byte[] storeId = request.storeId;
    long keyspaceId = 0;
    long globalVersion = 0;
    Usage keyspaceUsage = Usage.ZERO;
    PreparedStatement findKeyspaceStatement = findKeyspace.get();
    findKeyspaceStatement.setBytes(1, userToken);
    findKeyspaceStatement.setBytes(2, storeId);
    try (ResultSet row = findKeyspaceStatement.executeQuery()) {
      if (row.next()) {
        keyspaceId = row.getLong(1);
        globalVersion = row.getLong(2);
        keyspaceUsage = new Usage(row.getLong(3), row.getLong(4));
      }
    }
    Map<String, Existing> existing = new HashMap<>(request.keys.size() * 2);
    if (keyspaceId != 0) {
      for (Map.Entry<String, byte[]> key : request.encodedKeys.entrySet()) {
        Existing found = findRecord(keyspaceId, key.getValue());
        if (found != null) {
          existing.put(key.getKey(), found);
        }
      }
    }
    WritePlan<?> plan;
    try {
      long viewGlobalVersion = globalVersion;
      Usage viewKeyspaceUsage = keyspaceUsage;
      plan = request.decision.decide(WriteView.of(request.keys, key -> {
        Existing found = existing.get(key);
        return found == null ? OptionalLong.empty() : OptionalLong.of(found.version);
      }, key -> {
        Existing found = existing.get(key);
        return found == null ? OptionalLong.empty() : OptionalLong.of(found.storedBytes);
      }, () -> viewGlobalVersion, () -> viewKeyspaceUsage, () -> readUserUsage(userToken)));
    } catch (UncheckedSqlException e) {
      throw e.getCause();
    } catch (RuntimeException | Error e) {
      throw new DecisionFailure(e);
    }
    if (plan == null) {
      throw new DecisionFailure(new IllegalStateException("write decision returned no plan"));
    }
    if (plan.isEmpty()) {
      return plan.result();
    }
    if (keyspaceId == 0) {
      keyspaceId = insertKeyspace(userToken, storeId);
    }
    long bytesAdded = 0;
    long recordsAdded = 0;
    for (WritePlan.Upsert upsert : plan.upserts()) {
      byte[] key = encodedKey(request, upsert.key());
      Existing found = lookup(existing, request, keyspaceId, upsert.key(), key);
      byte[] value = upsert.value().toByteArray();
      bytesAdded += Usage.storedBytes(upsert.value()) - (found == null ? 0 : found.storedBytes);
      recordsAdded += found == null ? 1 : 0;
      if (found != null) {
        RecordChecksum.Sums sums =
            RecordChecksum.of(keyspaceId, found.sequence, upsert.version(), key, value);
        PreparedStatement updateRecordStatement = updateRecord.get();
        updateRecordStatement.setLong(1, upsert.version());
        updateRecordStatement.setBytes(2, value);
        updateRecordStatement.setInt(3, sums.entry());
        updateRecordStatement.setInt(4, sums.record());
        updateRecordStatement.setLong(5, found.sequence);
        updateRecordStatement.executeUpdate();
      } else {
        long sequence = sequences.next(this);
        RecordChecksum.Sums sums =
            RecordChecksum.of(keyspaceId, sequence, upsert.version(), key, value);
        PreparedStatement insertRecordStatement = insertRecord.get();
        insertRecordStatement.setLong(1, sequence);
        insertRecordStatement.setLong(2, keyspaceId);
        insertRecordStatement.setBytes(3, key);
        insertRecordStatement.setLong(4, upsert.version());
        insertRecordStatement.setBytes(5, value);
        insertRecordStatement.setInt(6, sums.entry());
        insertRecordStatement.setInt(7, sums.record());
        insertRecordStatement.executeUpdate();
      }
    }
    for (String key : plan.deletes()) {
      Existing found = lookup(existing, request, keyspaceId, key, encodedKey(request, key));
      if (found != null) {
        PreparedStatement deleteRecordStatement = deleteRecord.get();
        deleteRecordStatement.setLong(1, found.sequence);
        deleteRecordStatement.executeUpdate();
        bytesAdded -= found.storedBytes;
        recordsAdded--;
      }
    }
    if (bytesAdded != 0 || recordsAdded != 0) {
      // In the write's savepoint, so the usage commits (or rolls back) with the records.
      PreparedStatement addUsageStatement = addUsage.get();
      addUsageStatement.setLong(1, bytesAdded);
      addUsageStatement.setLong(2, recordsAdded);
      addUsageStatement.setLong(3, keyspaceId);
      addUsageStatement.executeUpdate();
    }
    if (plan.newGlobalVersion().isPresent()) {
      PreparedStatement setGlobalVersionStatement = setGlobalVersion.get();
      setGlobalVersionStatement.setLong(1, plan.newGlobalVersion().getAsLong());
      setGlobalVersionStatement.setLong(2, keyspaceId);
      setGlobalVersionStatement.executeUpdate();
    }
    return plan.result();
  }

  /**
   * The record under {@code key}: from the view when declared (the plan's own earlier mutations
   * never touch it, plan keys being distinct), else read now.
   */
  private Existing lookup(Map<String, Existing> existing, WriteRequest<?> request,
      long keyspaceId, String key, byte[] encoded) throws SQLException {
    return request.keys.contains(key) ? existing.get(key) : findRecord(keyspaceId, encoded);
  }

  /** A plan key's bytes; a malformed undeclared key is the decision's fault, not the batch's. */
  private static byte[] encodedKey(WriteRequest<?> request, String key) throws DecisionFailure {
    byte[] encoded = request.encodedKeys.get(key);
    if (encoded != null) {
      return encoded;
    }
    try {
      return key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new DecisionFailure(e);
    }
  }

  private Existing findRecord(long keyspaceId, byte[] key) throws SQLException {
    PreparedStatement findRecordStatement = findRecord.get();
    findRecordStatement.setLong(1, keyspaceId);
    findRecordStatement.setBytes(2, key);
    try (ResultSet row = findRecordStatement.executeQuery()) {
      return row.next() ? new Existing(row.getLong(1), row.getLong(2), row.getLong(3)) : null;
    }
  }

  private long insertKeyspace(byte[] userToken, byte[] storeId) throws SQLException {
    PreparedStatement insertKeyspaceStatement = insertKeyspace.get();
    insertKeyspaceStatement.setBytes(1, userToken);
    insertKeyspaceStatement.setBytes(2, storeId);
    insertKeyspaceStatement.executeUpdate();
    try (ResultSet row = lastInsertRowid.get().executeQuery()) {
      row.next();
      return row.getLong(1);
    }
  }

  private long readSequenceCounter() throws SQLException {
    try (ResultSet row = readSequenceCounter.get().executeQuery()) {
      if (!row.next()) {
        throw new SQLException("sequence_counter row is missing");
      }
      return row.getLong(1);
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

  /** A stored record's creation sequence, version and stored bytes, as the view saw them. */
  private record Existing(long sequence, long version, long storedBytes) {}

  /**
   * The user's usage over all its keyspaces, read inside the batch's transaction (so it includes
   * the batch's earlier writes). The single writer serializes every write of the store, so no
   * other write can change it before this one commits.
   */
  private Usage readUserUsage(byte[] userToken) {
    try {
      PreparedStatement statement = userUsage.get();
      statement.setBytes(1, userToken);
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        return new Usage(row.getLong(1), row.getLong(2));
      }
    } catch (SQLException e) {
      throw new UncheckedSqlException(e);
    }
  }

  /** A statement of the view that failed inside a decision: a storage fault, not the decision's. */
  private static final class UncheckedSqlException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UncheckedSqlException(SQLException cause) {
      super(cause.getMessage(), cause, false, false);
    }

    @Override
    public synchronized SQLException getCause() {
      return (SQLException) super.getCause();
    }
  }

  /**
   * The creation sequences handed out in one batch. The counter is read from the transaction on
   * first use, so it is right even if another process wrote the file in between; sequences of a
   * rolled-back request are simply skipped, which keeps the order monotonic.
   */
  private static final class Sequences {
    private long last = -1;
    private boolean changed;

    long next(GroupCommitWriter writer) throws SQLException {
      if (last < 0) {
        last = writer.readSequenceCounter();
      }
      if (last == Long.MAX_VALUE) {
        throw new SQLException("creation sequences are exhausted");
      }
      changed = true;
      return ++last;
    }

    boolean changed() {
      return changed;
    }
  }

  /** A decision that threw: fails only its own request. */
  private static final class DecisionFailure extends Exception {
    private static final long serialVersionUID = 1L;

    DecisionFailure(Throwable cause) {
      super(cause.toString(), cause, false, false);
    }
  }

  /** Reports each committed batch to {@code observer} from now on. */
  void observeCommits(CommitObserver observer) {
    this.observer = java.util.Objects.requireNonNull(observer, "observer");
  }

}
