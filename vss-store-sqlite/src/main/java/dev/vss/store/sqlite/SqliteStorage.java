package dev.vss.store.sqlite;

import dev.vss.core.Keyspace;
import dev.vss.core.spi.KeyVersion;
import dev.vss.core.spi.Storage;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.StoredRecord;
import dev.vss.core.spi.WriteDecision;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConfig.JournalMode;
import org.sqlite.SQLiteConfig.SynchronousMode;

/**
 * A durable {@link Storage} in one SQLite file, {@value #DATABASE_FILE_NAME}, inside a data
 * directory.
 *
 * <ol>
 *   <li>Durability: WAL mode with {@code synchronous=FULL} by default, so a write returns only after
 *       its commit is fsync'd (SPEC section 7). {@link SqliteOptions.Durability#RELAXED} trades that
 *       for speed and is not durable against an OS crash.
 *   <li>Writes: one writer thread batches concurrent writes into one transaction (group commit),
 *       each write in its own savepoint, so one fsync serves a whole batch and one write's conflict
 *       or failure never affects another. Callers are answered only after the batch commits.
 *   <li>Reads: a pool of read connections, never blocked by the writer.
 *   <li>Schema: created on first open and brought forward by append-only migrations, so a newer
 *       build opens a file written by an older one.
 *   <li>Faults: SQLite errors (busy, disk full, I/O) surface as {@link StorageException}; the
 *       failed write leaves nothing behind and the store keeps working once the cause is gone.
 * </ol>
 *
 * <pre>{@code
 * try (SqliteStorage storage = SqliteStorage.open(Path.of("/var/lib/vss"))) {
 *   VssService vss = new VssService(storage, Limits.DEFAULTS);
 *   ...
 * }
 * }</pre>
 */
public final class SqliteStorage implements Storage {
  /** The name of the database file inside the data directory. */
  public static final String DATABASE_FILE_NAME = "vss.sqlite3";

  private static final Logger LOG = System.getLogger(SqliteStorage.class.getName());

  /** Size the write-ahead log is truncated back to after a checkpoint reset it. */
  private static final int WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

  /** How long close() waits for reads in flight before leaving their connections to them. */
  private static final long READER_CLOSE_TIMEOUT_MILLIS = 10_000;

  private final Path databaseFile;
  private final GroupCommitWriter writer;
  private final ReaderPool readers;
  private final byte[] pageTokenSecret;
  private final AtomicBoolean closed = new AtomicBoolean();

  private SqliteStorage(Path databaseFile, GroupCommitWriter writer, ReaderPool readers,
      byte[] pageTokenSecret) {
    this.databaseFile = databaseFile;
    this.writer = writer;
    this.readers = readers;
    this.pageTokenSecret = pageTokenSecret;
  }

  /**
   * Opens (creating if needed) the store in {@code dataDirectory} with {@link
   * SqliteOptions#DEFAULTS}.
   *
   * @param dataDirectory the directory holding {@value #DATABASE_FILE_NAME}; created if missing
   * @return the open store; close it when done
   * @throws StorageException if the directory cannot be created or written, the file is not a VSS
   *     database or is newer than this build, or SQLite fails
   */
  public static SqliteStorage open(Path dataDirectory) {
    return open(dataDirectory, SqliteOptions.DEFAULTS);
  }

  /**
   * Opens (creating if needed) the store in {@code dataDirectory}.
   *
   * <ol>
   *   <li>Creates the directory and the database file if missing.
   *   <li>Applies pending schema migrations.
   *   <li>Logs the file, journal mode, synchronous mode and schema version.
   * </ol>
   *
   * @param dataDirectory the directory holding {@value #DATABASE_FILE_NAME}; created if missing
   * @param options durability, group commit and connection settings
   * @return the open store; close it when done
   * @throws StorageException if the directory cannot be created or written, the file is not a VSS
   *     database or is newer than this build, or SQLite fails
   */
  public static SqliteStorage open(Path dataDirectory, SqliteOptions options) {
    return open(dataDirectory, options, Schema.MIGRATIONS);
  }

  /** Opens with an explicit migration list; tests use it to build files of older versions. */
  static SqliteStorage open(Path dataDirectory, SqliteOptions options,
      List<Schema.Migration> migrations) {
    Objects.requireNonNull(dataDirectory, "dataDirectory");
    Objects.requireNonNull(options, "options");
    Path directory = prepareDirectory(dataDirectory.toAbsolutePath().normalize());
    Path file = directory.resolve(DATABASE_FILE_NAME);
    if (Files.exists(file) && !Files.isRegularFile(file)) {
      throw new StorageException("database path " + file + " exists but is not a regular file");
    }
    String url = "jdbc:sqlite:" + file;
    List<Connection> opened = new ArrayList<>();
    try {
      Connection writeConnection = connect(url, writerConfig(options));
      opened.add(writeConnection);
      Schema.MigrationResult migration = Schema.migrate(writeConnection, migrations);
      byte[] pageTokenSecret = PageTokenSecretTable.loadOrCreate(writeConnection);
      String journalMode = pragma(writeConnection, "journal_mode");
      String synchronous = synchronousName(pragma(writeConnection, "synchronous"));
      for (int i = 0; i < options.readerConnections(); i++) {
        opened.add(connect(url, readerConfig(options)));
      }
      ReaderPool readers = new ReaderPool(opened.subList(1, opened.size()));
      GroupCommitWriter writer = new GroupCommitWriter(
          writeConnection, options.effectiveBatchSize(), "vss-sqlite-writer");
      log(file, options, journalMode, synchronous, migration);
      return new SqliteStorage(file, writer, readers, pageTokenSecret);
    } catch (SQLException | RuntimeException e) {
      for (Connection connection : opened) {
        try {
          connection.close();
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      if (e instanceof StorageException storage) {
        throw new StorageException("opening SQLite storage at " + file + " failed: "
            + storage.getMessage(), storage.getCause() == null ? storage : storage.getCause());
      }
      throw new StorageException("opening SQLite storage at " + file + " failed", e);
    }
  }

  @Override
  public Optional<StoredRecord> get(Keyspace keyspace, String key) {
    ensureOpen();
    return readers.get(Utf8.encode(keyspace.userToken()), Utf8.encode(keyspace.storeId()), key,
        Utf8.encode(key));
  }

  @Override
  public long globalVersion(Keyspace keyspace) {
    ensureOpen();
    return readers.globalVersion(
        Utf8.encode(keyspace.userToken()), Utf8.encode(keyspace.storeId()));
  }

  @Override
  public List<KeyVersion> list(Keyspace keyspace, String prefix, long beforeSequence, int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive, was " + limit);
    }
    ensureOpen();
    return readers.list(Utf8.encode(keyspace.userToken()), Utf8.encode(keyspace.storeId()),
        Utf8.encode(prefix), beforeSequence, limit);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The write joins the next group-commit batch; this call returns only after that batch's
   * transaction has committed (and, with {@link SqliteOptions.Durability#FULL}, been fsync'd). A
   * decision that throws fails only this call, with its own exception.
   */
  @Override
  public <R> R write(Keyspace keyspace, Set<String> keys, WriteDecision<R> decision) {
    ensureOpen();
    return writer.write(keyspace, keys, decision);
  }

  @Override
  public void checkHealth() {
    ensureOpen();
    if (!writer.isAlive()) {
      throw new StorageException("SQLite writer thread is not running");
    }
    readers.checkHealth();
  }

  /** {@inheritDoc} Kept in the database file, in the {@code page_token_secret} table. */
  @Override
  public byte[] pageTokenSecret() {
    ensureOpen();
    return pageTokenSecret.clone();
  }

  @Override
  public String name() {
    return "sqlite";
  }

  /**
   * Commits every write queued before this call, then closes every connection, which checkpoints
   * the write-ahead log into the database file and releases it. Later calls fail with {@link
   * StorageException}; closing twice does nothing.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    writer.stop();
    readers.close(READER_CLOSE_TIMEOUT_MILLIS);
    // Last, so that its close checkpoints the log into the file and removes it.
    writer.closeConnection();
    LOG.log(Level.INFO, "closed SQLite storage " + databaseFile);
  }

  /** The database file. */
  Path databaseFile() {
    return databaseFile;
  }

  /** The writer, for tests that inject faults on its connection or watch its batches. */
  GroupCommitWriter writer() {
    return writer;
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new StorageException("SQLite storage is closed");
    }
  }

  private static Path prepareDirectory(Path directory) {
    if (Files.exists(directory) && !Files.isDirectory(directory)) {
      throw new StorageException("data directory " + directory + " exists but is not a directory");
    }
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new StorageException(
          "cannot create data directory " + directory + ": " + e.getMessage(), e);
    }
    if (!Files.isWritable(directory)) {
      throw new StorageException("data directory " + directory + " is not writable");
    }
    return directory;
  }

  private static SQLiteConfig writerConfig(SqliteOptions options) {
    SQLiteConfig config = commonConfig(options);
    config.setJournalMode(JournalMode.WAL);
    // The log is reused from its start after each full checkpoint; this only trims a log that a
    // burst of large batches blew up, so it does not keep its peak size on disk for ever.
    config.setJournalSizeLimit(WAL_SIZE_LIMIT_BYTES);
    return config;
  }

  private static SQLiteConfig readerConfig(SqliteOptions options) {
    SQLiteConfig config = commonConfig(options);
    // The journal mode is a property of the file, set by the writer; a reader that may not write
    // can never take the write lock by accident.
    config.setReadOnly(true);
    return config;
  }

  private static SQLiteConfig commonConfig(SqliteOptions options) {
    SQLiteConfig config = new SQLiteConfig();
    boolean full = options.durability() == SqliteOptions.Durability.FULL;
    config.setSynchronous(full ? SynchronousMode.FULL : SynchronousMode.NORMAL);
    // macOS only: plain fsync there does not flush the drive's cache; F_FULLFSYNC does.
    config.enableFullSync(full);
    config.setBusyTimeout((int) options.busyTimeout().toMillis());
    // Otherwise the driver runs an extra "SELECT last_insert_rowid()", prepared anew, after every
    // INSERT; the writer asks for the one rowid it needs itself.
    config.setGetGeneratedKeys(false);
    return config;
  }

  private static Connection connect(String url, SQLiteConfig config) throws SQLException {
    return config.createConnection(url);
  }

  private static String pragma(Connection connection, String name) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("PRAGMA " + name)) {
      row.next();
      return row.getString(1);
    }
  }

  private static String synchronousName(String value) {
    return switch (value) {
      case "0" -> "OFF";
      case "1" -> "NORMAL";
      case "2" -> "FULL";
      case "3" -> "EXTRA";
      default -> value;
    };
  }

  private static void log(Path file, SqliteOptions options, String journalMode,
      String synchronous, Schema.MigrationResult migration) {
    String schema = migration.fromVersion() == migration.toVersion()
        ? "schema version " + migration.toVersion() + " (no migration needed)"
        : "schema migrated from version " + migration.fromVersion() + " to "
            + migration.toVersion();
    LOG.log(Level.INFO, "opened SQLite storage " + file + ": journal_mode=" + journalMode
        + ", synchronous=" + synchronous + ", durability=" + options.durability()
        + ", group commit " + (options.groupCommit() ? "on (max batch "
            + options.maxBatchSize() + ")" : "off") + ", " + options.readerConnections()
        + " reader connection(s), " + schema);
    if (!"wal".equalsIgnoreCase(journalMode)) {
      LOG.log(Level.WARNING, "SQLite did not switch " + file + " to WAL mode (journal_mode="
          + journalMode + "); writes stay durable but readers wait for writers");
    }
    if (options.durability() == SqliteOptions.Durability.RELAXED) {
      LOG.log(Level.WARNING, "durability RELAXED (synchronous=NORMAL) is NOT durable: writes "
          + "acknowledged shortly before an OS crash or power loss can be lost");
    }
  }
}
