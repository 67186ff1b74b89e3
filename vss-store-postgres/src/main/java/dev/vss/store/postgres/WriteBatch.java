package dev.vss.store.postgres;

import com.google.protobuf.ByteString;
import dev.vss.core.rules.RequestValidation;
import dev.vss.core.spi.Usage;
import dev.vss.core.spi.WritePlan;
import dev.vss.core.spi.WriteView;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One batch of writes inside its transaction, as a {@link GroupCommitWriter} runs it: the SQL that
 * locks and reads what the batch's requests declared, the batch's state in memory on which each
 * request's decision runs and to which its plan is applied, and the SQL that writes the batch's net
 * effect. On one connection in READ COMMITTED:
 *
 * <ol>
 *   <li>{@link #lockAndRead}: take the transaction-scoped advisory lock of every keyspace in the
 *       batch, in ascending lock-id order, in one statement; and read, in a second statement sent
 *       with it, the version of every declared key and every keyspace's {@code global_version} row.
 *       Every writer of every server process takes the locks the same way, so writes to one
 *       keyspace are serialized across processes, and the fixed order rules out deadlocks. The lock
 *       waits for the previous holder's commit; the read is a statement of its own, so in READ
 *       COMMITTED it takes its snapshot after the lock was granted and sees that commit. When a
 *       decision of the batch reads usage (quotas are on), one more round trip reads the usage
 *       counters of the batch's users.
 *   <li>{@link #decide}, per request in queue order: run its decision on that state updated by the
 *       earlier requests of the batch (so the queue order is the linearization order; two creates
 *       of one key in one batch give one success and one CONFLICT). An abort or a decision that
 *       throws changes nothing and affects no other request.
 *   <li>{@link #writeAndCommit}: write the batch's net effect, one delete, one update and one
 *       insert statement (in creation order, so {@code sort_order} follows creation order), each
 *       over arrays of rows, and the usage counters' changes, each checked inside its statement to
 *       touch exactly as many rows as it was given, and {@code COMMIT}, all sent together.
 * </ol>
 *
 * <p>It never rolls back, and commits only as the last statement of its write: what a failure means
 * for the batch and when callers are answered are the writer's. Used by one writer thread, for one
 * batch.
 */
final class WriteBatch {
  private static final String GLOBAL_VERSION_KEY = RequestValidation.GLOBAL_VERSION_KEY;

  /**
   * Two statements sent in one round trip: the keyspace locks, then the read. They must stay two
   * statements: in READ COMMITTED each statement takes its snapshot when it starts, so a read in
   * the locking statement would not see the commit the lock waited for.
   */
  static final String LOCK_AND_READ_SQL =
      "SELECT count(pg_advisory_xact_lock(id)) FROM unnest(?::bigint[]) AS id;"
          // octet_length of a bytea reads its stored size, without detoasting the value.
          + " SELECT r.i, d.version, octet_length(d.value)"
          + " FROM unnest(?::varchar[], ?::varchar[], ?::varchar[]) WITH ORDINALITY AS r(u, s, k, i)"
          + " JOIN vss_db d ON d.user_token = r.u AND d.store_id = r.s AND d.key = r.k";

  /**
   * A batch's net effect and its {@code COMMIT}, five statements sent in one round trip, in this
   * order (a re-created row is deleted, then inserted with a new {@code sort_order}). The insert
   * takes {@code sort_order} values in the arrays' order, the creation order. The fourth adds the
   * batch's usage changes to the keyspaces' counters, creating a counter row on first use; a
   * keyspace's counter row is only written under that keyspace's lock, so two batches never wait
   * for each other's counter rows.
   *
   * <p>Each of the four writes checks, inside its own statement, that it touched exactly as many
   * rows as it was given ({@link #touched}), and fails otherwise. That check must fail in SQL: the
   * statements and the {@code COMMIT} are one pipeline, so a check made here after the round trip
   * would come after the commit. PostgreSQL skips the rest of a pipeline after a failed statement,
   * so a failed check, like any failed statement, leaves the transaction open and aborted, and the
   * {@code COMMIT} never runs.
   */
  static final String WRITE_AND_COMMIT_SQL =
      touched(
              "delete",
              "DELETE FROM vss_db d"
                  + " USING unnest(?::varchar[], ?::varchar[], ?::varchar[]) AS r(u, s, k)"
                  + " WHERE d.user_token = r.u AND d.store_id = r.s AND d.key = r.k")
          + touched(
              "update",
              "UPDATE vss_db d SET value = r.v, version = r.n, last_updated_at = now()"
                  + " FROM unnest(?::varchar[], ?::varchar[], ?::varchar[], ?::bytea[], ?::bigint[])"
                  + " AS r(u, s, k, v, n)"
                  + " WHERE d.user_token = r.u AND d.store_id = r.s AND d.key = r.k")
          + touched(
              "insert",
              "INSERT INTO vss_db"
                  + " (user_token, store_id, key, value, version, created_at, last_updated_at)"
                  + " SELECT r.u, r.s, r.k, r.v, r.n, now(), now()"
                  + " FROM unnest(?::varchar[], ?::varchar[], ?::varchar[], ?::bytea[], ?::bigint[])"
                  + " WITH ORDINALITY AS r(u, s, k, v, n, i) ORDER BY r.i")
          + touched(
              "usage update",
              "INSERT INTO "
                  + Schema.USAGE_TABLE
                  + " AS u (user_token, store_id, stored_bytes, record_count)"
                  + " SELECT r.u, r.s, r.b, r.c"
                  + " FROM unnest(?::varchar[], ?::varchar[], ?::bigint[], ?::bigint[])"
                  + " AS r(u, s, b, c)"
                  + " ON CONFLICT (user_token, store_id) DO UPDATE SET"
                  + " stored_bytes = u.stored_bytes + excluded.stored_bytes,"
                  + " record_count = u.record_count + excluded.record_count")
          + " COMMIT";

  /**
   * {@code write} (a data-modifying statement) as a statement that fails unless it touched exactly
   * as many rows as the parameter after its own: a row count that differs means a writer that does
   * not take the keyspace locks (the reference server, say, run against the same database) changed
   * the rows under us. SQL has no statement that raises an error, so the check casts its message to
   * an integer; the cast depends on the count, so the planner cannot fold it into an error before
   * the statement runs. The message reaches the server log only.
   */
  private static String touched(String what, String write) {
    return "WITH w AS ("
        + write
        + " RETURNING 1), c(touched, given) AS (SELECT (SELECT count(*) FROM w), ?::bigint)"
        + " SELECT CASE WHEN touched = given THEN 0 ELSE ('"
        + TOUCHED_CHECK
        + " the "
        + what
        + " of a batch touched ' || touched || ' rows instead of ' || given"
        + " || '; was the database written by a server that does not take the keyspace locks?')"
        + "::integer END FROM c;";
  }

  /** How the message of a failed rows-touched check starts. */
  private static final String TOUCHED_CHECK = "vss check:";

  /** Usage of every keyspace of the batch's users (the primary key's first column). */
  private static final String READ_USAGE_SQL =
      "SELECT user_token, store_id, stored_bytes,"
          + " record_count FROM "
          + Schema.USAGE_TABLE
          + " WHERE user_token = ANY(?::varchar[])";

  private final Connection connection;
  private final Map<RowKey, Row> rows;
  private final BatchUsage usage;

  /** The creation order handed out last in this batch. */
  private final long[] creations = {0};

  private WriteBatch(Connection connection, Map<RowKey, Row> rows, BatchUsage usage) {
    this.connection = connection;
    this.rows = rows;
    this.usage = usage;
  }

  /**
   * Takes the locks of {@code batch} and reads its state: the declared rows and global versions,
   * and the usage counters when a decision reads usage.
   */
  static WriteBatch lockAndRead(Connection connection, List<WriteRequest<?>> batch)
      throws SQLException {
    boolean readsUsage = batch.stream().anyMatch(request -> request.decision.readsUsage());
    Map<RowKey, Row> rows = lockAndReadRows(connection, batch, readsUsage);
    // Only when a decision may read usage (quotas are on): one more round trip, after the locks.
    BatchUsage usage = new BatchUsage(readsUsage ? readUsage(connection, batch) : null);
    return new WriteBatch(connection, rows, usage);
  }

  /**
   * Runs {@code request}'s decision on the batch's current state and, unless it aborts or fails,
   * applies its plan to that state. Returns how to answer the caller once the batch has committed.
   */
  Runnable decide(WriteRequest<?> request) {
    return applyDecision(request, rows, creations, usage);
  }

  /**
   * Writes the batch's net effect and commits the transaction, in one round trip; sends nothing,
   * leaving the transaction open, when no request changed anything. When it throws, the caller
   * learns from the connection's transaction state whether {@code COMMIT} ran (see {@link
   * GroupCommitWriter}).
   */
  void writeAndCommit() throws SQLException {
    writeRowsAndCommit(connection, rows.values(), usage);
  }

  /** One stored row as the batch sees it, and what the batch did to it. */
  private static final class Row {
    final String userToken;
    final String storeId;
    final String key;
    boolean inDatabase;
    boolean deleteFromDatabase;
    boolean present;
    boolean dirty;
    long version;

    /** The stored bytes of the row as the batch sees it (when present). */
    long storedBytes;

    ByteString value = ByteString.EMPTY;
    long creationOrder;

    Row(String userToken, String storeId, String key) {
      this.userToken = userToken;
      this.storeId = storeId;
      this.key = key;
    }
  }

  private record RowKey(String userToken, String storeId, String key) {}

  private record KeyspaceKey(String userToken, String storeId) {}

  /**
   * The usage counters a batch sees and changes: the committed counters of its users' keyspaces
   * (read only when a decision of the batch may read usage, after the locks), plus the changes of
   * the batch's earlier writes.
   */
  private static final class BatchUsage {
    /** Committed counters; null when no decision of the batch reads usage. */
    final Map<KeyspaceKey, Usage> committed;

    final Map<KeyspaceKey, Usage> changes = new LinkedHashMap<>();

    BatchUsage(Map<KeyspaceKey, Usage> committed) {
      this.committed = committed;
    }

    private Map<KeyspaceKey, Usage> committed() {
      if (committed == null) {
        throw new IllegalStateException("a write decision read usage without declaring it");
      }
      return committed;
    }

    Usage keyspace(String userToken, String storeId) {
      KeyspaceKey key = new KeyspaceKey(userToken, storeId);
      return committed().getOrDefault(key, Usage.ZERO).plus(changes.getOrDefault(key, Usage.ZERO));
    }

    Usage user(String userToken) {
      Usage total = Usage.ZERO;
      for (Map.Entry<KeyspaceKey, Usage> entry : committed().entrySet()) {
        if (entry.getKey().userToken().equals(userToken)) {
          total = total.plus(entry.getValue());
        }
      }
      for (Map.Entry<KeyspaceKey, Usage> entry : changes.entrySet()) {
        if (entry.getKey().userToken().equals(userToken)) {
          total = total.plus(entry.getValue());
        }
      }
      return total;
    }

    void add(String userToken, String storeId, Usage change) {
      if (!change.equals(Usage.ZERO)) {
        changes.merge(new KeyspaceKey(userToken, storeId), change, Usage::plus);
      }
    }
  }

  /**
   * Takes the batch's keyspace locks and, when a decision reads usage, the user locks of its users
   * too (so two writers of one user on different store ids, in any process, do not both read the
   * user's usage before the other's write), all in one statement in ascending order; then reads
   * every row its requests declared (and each keyspace's global version row), in the same round
   * trip.
   */
  private static Map<RowKey, Row> lockAndReadRows(
      Connection connection, List<WriteRequest<?>> batch, boolean users) throws SQLException {
    java.util.stream.Stream<Long> keyspaceLocks = batch.stream().map(WriteRequest::lockId);
    java.util.stream.Stream<Long> userLocks =
        users
            ? batch.stream().map(request -> WriteRequest.userLockId(request.userToken))
            : java.util.stream.Stream.empty();
    Long[] ids =
        java.util.stream.Stream.concat(keyspaceLocks, userLocks)
            .distinct()
            .sorted(Comparator.naturalOrder())
            .toArray(Long[]::new);
    Map<RowKey, Row> rows = new LinkedHashMap<>();
    for (WriteRequest<?> request : batch) {
      for (String key : request.storedKeys.values()) {
        rows.computeIfAbsent(
            new RowKey(request.userToken, request.storeId, key),
            k -> new Row(k.userToken(), k.storeId(), k.key()));
      }
      rows.computeIfAbsent(
          new RowKey(request.userToken, request.storeId, GLOBAL_VERSION_KEY),
          k -> new Row(k.userToken(), k.storeId(), k.key()));
    }
    Row[] byIndex = rows.values().toArray(Row[]::new);
    RowArrays keys = new RowArrays(connection, List.of(byIndex), false);
    try (PreparedStatement statement = connection.prepareStatement(LOCK_AND_READ_SQL)) {
      statement.setArray(1, connection.createArrayOf("bigint", ids));
      keys.bind(statement, 2);
      statement.execute(); // the locks: one row, the number of locks taken
      if (!statement.getMoreResults()) {
        throw new SQLException("the read after the keyspace locks gave no result", "VS002");
      }
      try (ResultSet result = statement.getResultSet()) {
        while (result.next()) {
          Row row = byIndex[(int) result.getLong(1) - 1];
          row.inDatabase = true;
          row.present = true;
          row.version = result.getLong(2);
          row.storedBytes = result.getLong(3); // 0 for a NULL value (the reference allows it)
        }
      }
    }
    return rows;
  }

  /** Rows as parallel arrays, the parameters of the statements that unnest them. */
  private static final class RowArrays {
    final Array userTokens;
    final Array storeIds;
    final Array keys;
    final Array values;
    final Array versions;

    RowArrays(Connection connection, List<Row> rows, boolean withValues) throws SQLException {
      int size = rows.size();
      String[] users = new String[size];
      String[] stores = new String[size];
      String[] names = new String[size];
      byte[][] data = withValues ? new byte[size][] : null;
      Long[] numbers = withValues ? new Long[size] : null;
      for (int i = 0; i < size; i++) {
        Row row = rows.get(i);
        users[i] = row.userToken;
        stores[i] = row.storeId;
        names[i] = row.key;
        if (withValues) {
          data[i] = row.value.toByteArray();
          numbers[i] = row.version;
        }
      }
      userTokens = connection.createArrayOf("varchar", users);
      storeIds = connection.createArrayOf("varchar", stores);
      keys = connection.createArrayOf("varchar", names);
      values = withValues ? connection.createArrayOf("bytea", data) : null;
      versions = withValues ? connection.createArrayOf("bigint", numbers) : null;
    }

    /** Binds the arrays from parameter {@code first} on; returns the next parameter's index. */
    int bind(PreparedStatement statement, int first) throws SQLException {
      int i = first;
      statement.setArray(i++, userTokens);
      statement.setArray(i++, storeIds);
      statement.setArray(i++, keys);
      if (values != null) {
        statement.setArray(i++, values);
        statement.setArray(i++, versions);
      }
      return i;
    }
  }

  /**
   * Runs one request's decision on the batch's current state and, unless it aborts or fails,
   * applies its plan to that state. Returns how to answer the caller once the batch has committed.
   */
  private static Runnable applyDecision(
      WriteRequest<?> request, Map<RowKey, Row> rows, long[] creations, BatchUsage usage) {
    Map<String, Row> declared = new HashMap<>(request.storedKeys.size() * 2);
    request.storedKeys.forEach(
        (key, stored) ->
            declared.put(key, rows.get(new RowKey(request.userToken, request.storeId, stored))));
    Row globalVersion =
        rows.get(new RowKey(request.userToken, request.storeId, GLOBAL_VERSION_KEY));
    WritePlan<?> plan;
    try {
      long viewGlobalVersion = globalVersion.present ? globalVersion.version : 0;
      plan =
          request.decision.decide(
              WriteView.of(
                  request.keys,
                  key -> {
                    Row row = declared.get(key);
                    return row != null && row.present
                        ? OptionalLong.of(row.version)
                        : OptionalLong.empty();
                  },
                  key -> storedBytes(declared, key),
                  () -> viewGlobalVersion,
                  () -> usage.keyspace(request.userToken, request.storeId),
                  () -> usage.user(request.userToken)));
      if (plan == null) {
        throw new IllegalStateException("write decision returned no plan");
      }
      for (WritePlan.Upsert upsert : plan.upserts()) {
        requireWritable(declared, upsert.key());
      }
      plan.deletes().forEach(key -> requireWritable(declared, key));
    } catch (RuntimeException | Error e) {
      return () -> request.fail(e);
    }
    if (!plan.isEmpty()) {
      usage.add(
          request.userToken,
          request.storeId,
          Usage.change(plan, key -> storedBytes(declared, key)));
      for (WritePlan.Upsert upsert : plan.upserts()) {
        upsert(declared.get(upsert.key()), upsert.version(), upsert.value(), creations);
      }
      for (String key : plan.deletes()) {
        Row row = declared.get(key);
        if (row.present) {
          row.present = false;
          row.dirty = true;
          row.deleteFromDatabase |= row.inDatabase;
        }
      }
      if (plan.newGlobalVersion().isPresent()) {
        upsert(globalVersion, plan.newGlobalVersion().getAsLong(), ByteString.EMPTY, creations);
      }
    }
    Object result = plan.result();
    return () -> request.succeed(result);
  }

  private static OptionalLong storedBytes(Map<String, Row> declared, String key) {
    Row row = declared.get(key);
    return row != null && row.present ? OptionalLong.of(row.storedBytes) : OptionalLong.empty();
  }

  /** The committed counters of every keyspace of the batch's users. */
  private static Map<KeyspaceKey, Usage> readUsage(
      Connection connection, List<WriteRequest<?>> batch) throws SQLException {
    String[] users =
        batch.stream().map(request -> request.userToken).distinct().toArray(String[]::new);
    Map<KeyspaceKey, Usage> committed = new HashMap<>();
    try (PreparedStatement read = connection.prepareStatement(READ_USAGE_SQL)) {
      read.setArray(1, connection.createArrayOf("varchar", users));
      try (ResultSet result = read.executeQuery()) {
        while (result.next()) {
          committed.put(
              new KeyspaceKey(result.getString(1), result.getString(2)),
              new Usage(result.getLong(3), result.getLong(4)));
        }
      }
    }
    return committed;
  }

  /**
   * A plan may only write keys it declared (their rows were read and locked), never the reserved
   * one.
   */
  private static void requireWritable(Map<String, Row> declared, String key) {
    if (GLOBAL_VERSION_KEY.equals(key) || !declared.containsKey(key)) {
      throw new IllegalStateException("write plan touches a key it did not declare: " + key);
    }
  }

  private static void upsert(Row row, long version, ByteString value, long[] creations) {
    if (!row.present) {
      row.present = true;
      row.creationOrder = ++creations[0];
      if (row.inDatabase) {
        row.deleteFromDatabase = true; // a re-create gets a new sort_order, as a delete + insert
      }
    }
    row.version = version;
    row.value = value;
    row.storedBytes = Usage.storedBytes(value);
    row.dirty = true;
  }

  /**
   * Writes the batch's net effect, its deleted, updated and inserted rows (inserts in creation
   * order) and its usage changes, one statement each, and commits, all in one round trip; each
   * statement fails unless it touched exactly the rows it was given. Sends nothing when no request
   * changed anything.
   */
  private static void writeRowsAndCommit(
      Connection connection, Iterable<Row> rows, BatchUsage usage) throws SQLException {
    List<Row> deletes = new ArrayList<>();
    List<Row> updates = new ArrayList<>();
    List<Row> inserts = new ArrayList<>();
    for (Row row : rows) {
      if (!row.dirty) {
        continue;
      }
      if (row.deleteFromDatabase) {
        deletes.add(row);
      }
      if (row.present) {
        (row.inDatabase && !row.deleteFromDatabase ? updates : inserts).add(row);
      }
    }
    if (deletes.isEmpty() && updates.isEmpty() && inserts.isEmpty()) {
      return;
    }
    inserts.sort(Comparator.comparingLong(row -> row.creationOrder));
    // Usage changes come only from changed rows, so a batch that changed no row changes none.
    List<Map.Entry<KeyspaceKey, Usage>> changes =
        usage.changes.entrySet().stream()
            .filter(entry -> !entry.getValue().equals(Usage.ZERO))
            .sorted(
                Map.Entry.comparingByKey(
                    Comparator.comparing(KeyspaceKey::userToken)
                        .thenComparing(KeyspaceKey::storeId)))
            .toList();
    try (PreparedStatement write = connection.prepareStatement(WRITE_AND_COMMIT_SQL)) {
      int next = new RowArrays(connection, deletes, false).bind(write, 1);
      write.setLong(next++, deletes.size());
      next = new RowArrays(connection, updates, true).bind(write, next);
      write.setLong(next++, updates.size());
      next = new RowArrays(connection, inserts, true).bind(write, next);
      write.setLong(next++, inserts.size());
      next = bindUsage(connection, write, next, changes);
      write.setLong(next, changes.size());
      // Returns once COMMIT has returned; throws if any statement, a check or COMMIT failed.
      write.execute();
    }
  }

  /**
   * Binds the usage changes as four arrays from parameter {@code first} on; returns the next
   * parameter's index.
   */
  private static int bindUsage(
      Connection connection,
      PreparedStatement write,
      int first,
      List<Map.Entry<KeyspaceKey, Usage>> changes)
      throws SQLException {
    int size = changes.size();
    String[] users = new String[size];
    String[] stores = new String[size];
    Long[] bytes = new Long[size];
    Long[] records = new Long[size];
    for (int i = 0; i < size; i++) {
      Map.Entry<KeyspaceKey, Usage> change = changes.get(i);
      users[i] = change.getKey().userToken();
      stores[i] = change.getKey().storeId();
      bytes[i] = change.getValue().bytes();
      records[i] = change.getValue().records();
    }
    write.setArray(first, connection.createArrayOf("varchar", users));
    write.setArray(first + 1, connection.createArrayOf("varchar", stores));
    write.setArray(first + 2, connection.createArrayOf("bigint", bytes));
    write.setArray(first + 3, connection.createArrayOf("bigint", records));
    return first + 4;
  }
}
