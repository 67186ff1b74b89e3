package dev.vss.store.sqlite;

import dev.vss.core.spi.Usage;
import dev.vss.core.spi.WritePlan;
import dev.vss.core.spi.WriteView;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The SQL that runs one write request on the write connection: it reads the request's view (the
 * keyspace row with its global version and usage, the declared records, the user's usage when the
 * decision asks), runs the core's decision on it, and applies the plan (inserts, updates and
 * deletes of records with their checksums, the keyspace's usage counters, the global version),
 * taking new creation sequences from the batch's {@link Sequences}.
 *
 * <p>It owns these prepared statements and nothing else: the transaction, the request's savepoint,
 * what a failure undoes and when a caller is answered are the {@link GroupCommitWriter}'s, which
 * calls {@link #apply} inside the savepoint it opened for the request. Used by the writer thread
 * only.
 */
final class PlanStatements {
  /** Every statement of this class, to prepare them again after a failure. */
  private final List<PreparedSql> statements = new ArrayList<>();

  private final Connection connection;

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

  /** Prepares the statements on {@code connection}, the writer's. */
  PlanStatements(Connection connection) throws SQLException {
    this.connection = connection;
    findKeyspace =
        prepare(
            "SELECT id, global_version, stored_bytes, record_count FROM keyspaces"
                + " WHERE user_token = ? AND store_id = ?");
    insertKeyspace =
        prepare("INSERT INTO keyspaces (user_token, store_id, global_version) VALUES (?, ?, 0)");
    lastInsertRowid = prepare("SELECT last_insert_rowid()");
    setGlobalVersion = prepare("UPDATE keyspaces SET global_version = ? WHERE id = ?");
    // length() of a BLOB is read from the row header: the value itself is not loaded.
    findRecord =
        prepare(
            "SELECT sequence, version, length(value) FROM records"
                + " WHERE keyspace_id = ? AND key = ?");
    insertRecord =
        prepare(
            "INSERT INTO records"
                + " (sequence, keyspace_id, key, version, value, entry_crc, record_crc)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)");
    updateRecord =
        prepare(
            "UPDATE records SET version = ?, value = ?, entry_crc = ?,"
                + " record_crc = ? WHERE sequence = ?");
    deleteRecord = prepare("DELETE FROM records WHERE sequence = ?");
    addUsage =
        prepare(
            "UPDATE keyspaces SET stored_bytes = stored_bytes + ?,"
                + " record_count = record_count + ? WHERE id = ?");
    userUsage =
        prepare(
            "SELECT coalesce(sum(stored_bytes), 0), coalesce(sum(record_count), 0)"
                + " FROM keyspaces WHERE user_token = ?");
    readSequenceCounter = prepare("SELECT last_sequence FROM sequence_counter WHERE id = 1");
    writeSequenceCounter = prepare("UPDATE sequence_counter SET last_sequence = ? WHERE id = 1");
  }

  private PreparedSql prepare(String sql) throws SQLException {
    PreparedSql statement = new PreparedSql(connection, sql);
    statements.add(statement);
    return statement;
  }

  /** After any failed statement on the connection: the driver may have finalized some. */
  void invalidate() {
    statements.forEach(PreparedSql::invalidate);
  }

  /**
   * Runs one request inside the savepoint the writer opened for it: builds the view from the
   * transaction's state, runs the decision, applies its plan, and returns the plan's result.
   *
   * @throws DecisionFailure if the decision threw or returned no plan: the request's own fault
   * @throws SQLException if a statement failed: a storage fault
   */
  Object apply(WriteRequest<?> request, Sequences sequences) throws SQLException, DecisionFailure {
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
      plan =
          request.decision.decide(
              WriteView.of(
                  request.keys,
                  key -> {
                    Existing found = existing.get(key);
                    return found == null ? OptionalLong.empty() : OptionalLong.of(found.version);
                  },
                  key -> {
                    Existing found = existing.get(key);
                    return found == null
                        ? OptionalLong.empty()
                        : OptionalLong.of(found.storedBytes);
                  },
                  () -> viewGlobalVersion,
                  () -> viewKeyspaceUsage,
                  () -> readUserUsage(userToken)));
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
  private Existing lookup(
      Map<String, Existing> existing,
      WriteRequest<?> request,
      long keyspaceId,
      String key,
      byte[] encoded)
      throws SQLException {
    return request.keys.contains(key) ? existing.get(key) : findRecord(keyspaceId, encoded);
  }

  /** A plan key's bytes: encoded once when declared, else now (the core validated it). */
  private static byte[] encodedKey(WriteRequest<?> request, String key) {
    byte[] encoded = request.encodedKeys.get(key);
    return encoded != null ? encoded : key.getBytes(StandardCharsets.UTF_8);
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
   * Stores the last creation sequence {@code sequences} handed out, if it handed out any: once per
   * batch, before its COMMIT.
   */
  void writeSequenceCounter(Sequences sequences) throws SQLException {
    if (sequences.changed()) {
      PreparedStatement writeSequenceCounterStatement = writeSequenceCounter.get();
      writeSequenceCounterStatement.setLong(1, sequences.last);
      writeSequenceCounterStatement.executeUpdate();
    }
  }

  /** A stored record's creation sequence, version and stored bytes, as the view saw them. */
  private record Existing(long sequence, long version, long storedBytes) {}

  /**
   * The user's usage over all its keyspaces, read inside the batch's transaction (so it includes
   * the batch's earlier writes). The single writer serializes every write of the store, so no other
   * write can change it before this one commits.
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
  static final class Sequences {
    private long last = -1;
    private boolean changed;

    long next(PlanStatements statements) throws SQLException {
      if (last < 0) {
        last = statements.readSequenceCounter();
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
  static final class DecisionFailure extends Exception {
    private static final long serialVersionUID = 1L;

    DecisionFailure(Throwable cause) {
      super(cause.toString(), cause, false, false);
    }
  }
}
