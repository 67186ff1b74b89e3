package dev.vss.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.vss.core.Keyspace;
import dev.vss.core.rules.RequestValidation;
import dev.vss.core.spi.KeyVersion;
import dev.vss.core.spi.Storage;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.StoredRecord;
import dev.vss.core.spi.Usage;
import dev.vss.core.spi.WriteDecision;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.NullMarked;

/**
 * A VSS {@link Storage} in PostgreSQL, on the reference server's schema: a database the reference
 * server created and filled is served unchanged, and one this store wrote can be handed back. Many
 * server processes may share one database; writes to one keyspace are serialized across all of them
 * by a transaction-scoped advisory lock.
 *
 * <p>Open with {@link #open(PostgresOptions)}; see the module README for the layout, the locking
 * and the group commit. Holds no VSS rule: every decision comes from the core.
 */
@NullMarked
public final class PostgresStorage implements Storage {
  private static final Logger LOG = System.getLogger(PostgresStorage.class.getName());
  private static final String GLOBAL_VERSION_KEY = RequestValidation.GLOBAL_VERSION_KEY;

  static final String GLOBAL_VERSION_SQL =
      "SELECT version FROM vss_db"
          + " WHERE user_token = ? AND store_id = ? AND key = '"
          + GLOBAL_VERSION_KEY
          + "'";
  static final String LIST_SQL =
      "SELECT key, version, sort_order FROM vss_db"
          + " WHERE user_token = ? AND store_id = ? AND sort_order < ?"
          + " AND key <> '"
          + GLOBAL_VERSION_KEY
          + "'"
          + " ORDER BY sort_order DESC LIMIT ?";

  /** A literal prefix: {@code starts_with}, never {@code LIKE}. */
  static final String LIST_PREFIX_SQL =
      "SELECT key, version, sort_order FROM vss_db"
          + " WHERE user_token = ? AND store_id = ? AND sort_order < ?"
          + " AND key <> '"
          + GLOBAL_VERSION_KEY
          + "' AND starts_with(key, ?)"
          + " ORDER BY sort_order DESC LIMIT ?";

  /**
   * A 200 means committed and flushed: connections whose server default is {@code
   * synchronous_commit = off} are switched on ({@code local} and the remote levels are kept).
   */
  static final String SYNCHRONOUS_COMMIT_SQL =
      "SELECT set_config('synchronous_commit', 'on', false)"
          + " WHERE current_setting('synchronous_commit') = 'off'";

  /**
   * No statement of this store scans {@code vss_db} whole. Each finds rows through an index (by
   * primary key, or one keyspace's range of the sort-order index); a plan that scans the table or
   * hashes it is never the right one. PostgreSQL can still choose one: in a new database, before
   * autovacuum's first {@code ANALYZE} of {@code vss_db}, the planner sees a table without
   * statistics, and a connection keeps the generic plan it made then for each prepared statement
   * until an {@code ANALYZE} invalidates it. Without these settings that plan, for the write
   * batch's read, update and delete, is a hash join over a sequential scan of the whole table. With
   * them it is an index scan; until the first {@code ANALYZE} it may still go through the
   * sort-order index and filter the keyspace's rows by key (the planner ties the two indexes
   * without statistics), which costs a lookup the size of its keyspace, not of the table. These
   * settings apply to this store's connections only.
   */
  static final String INDEX_PLANS_SQL =
      "SELECT set_config('enable_seqscan', 'off', false),"
          + " set_config('enable_hashjoin', 'off', false),"
          + " set_config('enable_mergejoin', 'off', false)";

  /**
   * Each prepared statement of a connection is planned once, for any parameters, and that generic
   * plan is kept. By default PostgreSQL plans a prepared statement afresh for each of its first
   * five executions, and for every later one whenever the generic plan's estimated cost is above
   * the average of those custom plans; the statements here take their keys as arrays, whose length
   * a generic plan cannot know, so they kept being planned again. Every statement here looks rows
   * up by index whatever the parameters ({@link #INDEX_PLANS_SQL}, checked by {@code IndexPlanTest}
   * on the generic plans themselves), so a custom plan gains nothing: planning each batch's
   * statements again was a fifth of PostgreSQL's CPU per put (BENCHMARKS.md). {@code
   * plan_cache_mode} came with PostgreSQL 12; an older server keeps its default.
   */
  static final String GENERIC_PLANS_SQL =
      "SELECT set_config('plan_cache_mode', 'force_generic_plan', false)"
          + " WHERE current_setting('server_version_num')::integer >= 120000";

  /** Run on every connection of the store's pools (and the bulk loader's) when it is opened. */
  static final String CONNECTION_INIT_SQL =
      SYNCHRONOUS_COMMIT_SQL + "; " + INDEX_PLANS_SQL + "; " + GENERIC_PLANS_SQL;

  /** Most gets answered by one statement. */
  static final int GET_BATCH_SIZE = 256;

  private final PostgresOptions options;
  private final HikariDataSource reads;
  private final HikariDataSource writes;
  private final GroupCommitWriter writer;
  private final GetBatcher gets;
  private final byte[] pageTokenSecret;
  private volatile boolean closed;

  private PostgresStorage(
      PostgresOptions options,
      HikariDataSource reads,
      HikariDataSource writes,
      byte[] pageTokenSecret) {
    this.options = options;
    this.reads = reads;
    this.writes = writes;
    this.pageTokenSecret = pageTokenSecret;
    this.writer =
        new GroupCommitWriter(
            writes, options.writerConnections(), options.maxBatchSize(), "vss-postgres-writer");
    this.gets =
        new GetBatcher(reads, options.getConnections(), GET_BATCH_SIZE, "vss-postgres-reader");
  }

  /**
   * Connects, creates the VSS database if it is missing, runs the reference's pending migrations
   * and starts the connection pools and writers.
   *
   * @throws StorageException with one line saying what is wrong (server unreachable, bad
   *     credentials, a schema newer than this server knows, ...)
   */
  public static PostgresStorage open(PostgresOptions options) {
    Objects.requireNonNull(options, "options");
    Schema.Opened opened = Schema.open(options);
    HikariDataSource reads = null;
    HikariDataSource writes = null;
    try {
      reads = pool(options, "vss-postgres-reads", options.readConnections(), true);
      writes = pool(options, "vss-postgres-writes", options.writerConnections(), false);
      String settings = checkSettings(reads);
      LOG.log(
          Level.INFO,
          "opened PostgreSQL storage "
              + options
              + ": "
              + settings
              + ", "
              + (opened.createdDatabase() ? "database created, " : "")
              + (opened.fromVersion() == opened.toVersion()
                  ? "schema at version " + opened.toVersion()
                  : "schema migrated from version "
                      + opened.fromVersion()
                      + " to "
                      + opened.toVersion())
              + ", "
              + options.writerConnections()
              + " writer(s) with group commit (max batch "
              + options.maxBatchSize()
              + "), "
              + options.readConnections()
              + " read connection(s), "
              + options.getConnections()
              + " of them serving gets in batches");
      return new PostgresStorage(options, reads, writes, opened.pageTokenSecret());
    } catch (RuntimeException e) {
      if (reads != null) {
        reads.close();
      }
      if (writes != null) {
        writes.close();
      }
      if (e instanceof StorageException) {
        throw e;
      }
      throw new StorageException(Schema.oneLine(rootMessage(e)), e);
    }
  }

  /** A pool of the store's connections, each set up with {@link #CONNECTION_INIT_SQL}. */
  static HikariDataSource pool(PostgresOptions options, String name, int size, boolean autoCommit) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(name);
    config.setJdbcUrl(options.jdbcUrl(options.vssDatabase()));
    config.setDataSourceProperties(options.driverProperties());
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(size);
    config.setAutoCommit(autoCommit);
    // Writes rely on READ COMMITTED: after the keyspace lock, each statement sees the previous
    // holder's commit. Set it explicitly in case the database's default differs.
    config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    config.setConnectionTimeout(options.connectionTimeout().toMillis());
    config.setValidationTimeout(Math.min(options.connectionTimeout().toMillis(), 3000));
    config.setConnectionInitSql(CONNECTION_INIT_SQL);
    // Commits the init statement on the writers' pool (auto-commit off). Uncommitted, its
    // settings would live in the connection's first transaction, and a rollback of that batch
    // would undo them for the connection's life: synchronous_commit back to a server's "off".
    config.setIsolateInternalQueries(true);
    // Reachability was checked by Schema.open; the pool fills itself in the background.
    config.setInitializationFailTimeout(-1);
    return new HikariDataSource(config);
  }

  /** Reads the settings that decide durability; warns where they fall short. */
  private static String checkSettings(HikariDataSource pool) {
    try (Connection connection = pool.getConnection();
        Statement statement = connection.createStatement();
        ResultSet row =
            statement.executeQuery(
                "SELECT current_setting('synchronous_commit'),"
                    + " current_setting('fsync'), current_setting('server_encoding'), version()")) {
      row.next();
      String synchronousCommit = row.getString(1);
      String fsync = row.getString(2);
      String encoding = row.getString(3);
      if (!"on".equals(fsync)) {
        LOG.log(
            Level.WARNING,
            "PostgreSQL runs with fsync="
                + fsync
                + ": committed writes can be lost in an OS crash or power loss");
      }
      if (!"UTF8".equalsIgnoreCase(encoding)) {
        LOG.log(
            Level.WARNING,
            "PostgreSQL database encoding is "
                + encoding
                + ", not UTF8: key lengths are then counted in bytes, not characters");
      }
      String server = row.getString(4);
      int space = server.indexOf(' ', "PostgreSQL ".length());
      return (space > 0 ? server.substring(0, space) : server)
          + ", synchronous_commit="
          + synchronousCommit
          + ", fsync="
          + fsync;
    } catch (SQLException e) {
      throw new StorageException("cannot read PostgreSQL settings: " + e.getMessage(), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }

  /**
   * Queued with the other gets waiting at that moment and answered from one statement for all of
   * them ({@link GetBatcher}): it sees every write acknowledged before it was called.
   */
  @Override
  public Optional<StoredRecord> get(Keyspace keyspace, String key) {
    ensureOpen();
    if (GLOBAL_VERSION_KEY.equals(key)) {
      return Optional.empty(); // that row holds the global version, never a record
    }
    return gets.get(keyspace, key);
  }

  /**
   * True: every write batch adds its changes to {@code vss_jvm_usage} in its own transaction;
   * writes whose decision reads usage also take their users' advisory locks, so a user's quota is
   * checked by one write at a time, on every store id and in every process.
   */
  @Override
  public boolean tracksUsage() {
    return true;
  }

  @Override
  public Usage usage(Keyspace keyspace) {
    return readUsage(
        "SELECT stored_bytes, record_count FROM "
            + Schema.USAGE_TABLE
            + " WHERE user_token = ? AND store_id = ?",
        TextCodec.encode(keyspace.userToken()),
        TextCodec.encode(keyspace.storeId()));
  }

  @Override
  public Usage userUsage(String userToken) {
    return readUsage(
        "SELECT coalesce(sum(stored_bytes), 0), coalesce(sum(record_count), 0) FROM "
            + Schema.USAGE_TABLE
            + " WHERE user_token = ?",
        TextCodec.encode(userToken));
  }

  private Usage readUsage(String sql, String... parameters) {
    ensureOpen();
    try (Connection connection = reads.getConnection();
        PreparedStatement read = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        read.setString(i + 1, parameters[i]);
      }
      try (ResultSet row = read.executeQuery()) {
        return row.next() ? new Usage(row.getLong(1), row.getLong(2)) : Usage.ZERO;
      }
    } catch (SQLException e) {
      throw fault("usage read", e);
    }
  }

  /**
   * Counts the usage of every keyspace again from {@code vss_db}: after the reference server (which
   * does not keep the counters) wrote to the database. Safe while servers run; see the module
   * README.
   *
   * @return the keyspaces and records counted
   * @throws StorageException if the database cannot be reached or the count fails
   */
  public static String recountUsage(PostgresOptions options) {
    Schema.open(options);
    try (Connection connection =
        java.sql.DriverManager.getConnection(
            options.jdbcUrl(options.vssDatabase()), options.driverProperties())) {
      connection.setAutoCommit(false);
      Schema.Recount recount = Schema.recountUsage(connection);
      connection.commit();
      return recount.keyspaces()
          + " keyspace(s), "
          + recount.records()
          + " record(s) counted in "
          + recount.millis()
          + " ms";
    } catch (SQLException e) {
      throw new StorageException(
          "recounting the usage of PostgreSQL "
              + options
              + " failed: "
              + Schema.oneLine(e.getMessage()),
          e);
    }
  }

  @Override
  public long globalVersion(Keyspace keyspace) {
    ensureOpen();
    try (Connection connection = reads.getConnection();
        PreparedStatement read = connection.prepareStatement(GLOBAL_VERSION_SQL)) {
      read.setString(1, TextCodec.encode(keyspace.userToken()));
      read.setString(2, TextCodec.encode(keyspace.storeId()));
      try (ResultSet row = read.executeQuery()) {
        return row.next() ? row.getLong(1) : 0;
      }
    } catch (SQLException e) {
      throw fault("reading the global version", e);
    }
  }

  @Override
  public List<KeyVersion> list(Keyspace keyspace, String prefix, long beforeSequence, int limit) {
    ensureOpen();
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive");
    }
    boolean filtered = !prefix.isEmpty();
    try (Connection connection = reads.getConnection();
        PreparedStatement list =
            connection.prepareStatement(filtered ? LIST_PREFIX_SQL : LIST_SQL)) {
      int i = 1;
      list.setString(i++, TextCodec.encode(keyspace.userToken()));
      list.setString(i++, TextCodec.encode(keyspace.storeId()));
      list.setLong(i++, beforeSequence);
      if (filtered) {
        list.setString(i++, TextCodec.encode(prefix));
      }
      list.setInt(i, limit);
      List<KeyVersion> page = new ArrayList<>(Math.min(limit, 128));
      try (ResultSet rows = list.executeQuery()) {
        while (rows.next()) {
          page.add(
              new KeyVersion(
                  TextCodec.decode(rows.getString(1)), rows.getLong(2), rows.getLong(3)));
        }
      }
      return page;
    } catch (SQLException e) {
      throw fault("list", e);
    }
  }

  @Override
  public <R> R write(Keyspace keyspace, Set<String> keys, WriteDecision<R> decision) {
    ensureOpen();
    return writer.write(new WriteRequest<>(keyspace, keys, decision));
  }

  /**
   * Queues the write for its writer thread and returns at once; the stage completes on that thread
   * once the write's batch has committed (or failed), as {@link #write} would have returned.
   */
  @Override
  public <R> CompletionStage<R> writeAsync(
      Keyspace keyspace, Set<String> keys, WriteDecision<R> decision) {
    try {
      ensureOpen();
      return writer.submit(new WriteRequest<>(keyspace, keys, decision));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** True: {@link #writeAsync} only queues the write for a writer thread. */
  @Override
  public boolean writesWithoutBlocking() {
    return true;
  }

  @Override
  public void checkHealth() {
    ensureOpen();
    try (Connection connection = reads.getConnection();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT 1")) {
      row.next();
    } catch (SQLException e) {
      throw fault("health check", e);
    }
  }

  @Override
  public String name() {
    return "postgres";
  }

  /**
   * A secret of 32 bytes, made once per database from a secure random source and kept in {@code
   * vss_jvm_meta}, that authenticates page tokens. Every process serving the same database returns
   * the same bytes, and it survives restarts. Returns a copy.
   */
  @Override
  public byte[] pageTokenSecret() {
    return pageTokenSecret.clone();
  }

  /** The options this store was opened with. */
  public PostgresOptions options() {
    return options;
  }

  /** Writes queued and not yet taken by a writer (for tests). */
  int queuedWrites() {
    return writer.queuedWrites();
  }

  /** The get path (for tests). */
  GetBatcher gets() {
    return gets;
  }

  /** Group-commit transactions committed since open (for tests and metrics). */
  public long committedBatches() {
    return writer.committedBatches();
  }

  /** Writes committed since open. */
  public long committedWrites() {
    return writer.committedWrites();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      writer.stop();
      gets.stop();
      closed = true;
      writes.close();
      reads.close();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new StorageException("PostgreSQL storage is closed");
    }
  }

  private static StorageException fault(String what, SQLException e) {
    return new StorageException("PostgreSQL " + what + " failed: " + e.getMessage(), e);
  }

  /** Reports each committed write batch (group commit) to {@code observer}. */
  @Override
  public void observeCommits(dev.vss.core.spi.CommitObserver observer) {
    writer.observeCommits(observer);
  }
}
