package dev.vss.store.sqlite;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.vss.core.Keyspace;
import dev.vss.core.spi.KeyVersion;
import dev.vss.core.spi.Storage;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.StoredRecord;
import dev.vss.core.spi.Usage;
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
import org.jspecify.annotations.NullMarked;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConfig.JournalMode;
import org.sqlite.SQLiteConfig.SynchronousMode;

/**
 * A durable {@link Storage} in one SQLite file, {@value #DATABASE_FILE_NAME}, inside a data
 * directory.
 *
 * <ol>
 *   <li>Durability: WAL mode with {@code synchronous=FULL} by default, so a write returns only
 *       after its commit is fsync'd (SPEC section 7). {@link SqliteOptions.Durability#RELAXED}
 *       trades that for speed and is not durable against an OS crash.
 *   <li>Writes: one writer thread batches concurrent writes into one transaction (group commit),
 *       each write in its own savepoint, so one fsync serves a whole batch and one write's conflict
 *       or failure never affects another. Callers are answered only after the batch commits. A
 *       thread of its own copies the write-ahead log into the file ({@link Checkpointer}), so the
 *       writer does not.
 *   <li>Reads: a pool of read connections, never blocked by the writer.
 *   <li>Schema: created on first open and brought forward by append-only migrations, so a newer
 *       build opens a file written by an older one.
 *   <li>Faults: SQLite errors (busy, disk full, I/O) surface as {@link StorageException}; the
 *       failed write leaves nothing behind and the store keeps working once the cause is gone.
 *   <li>Integrity: every record carries CRC32C checksums verified on every read; the write-ahead
 *       log is checked before SQLite replays it; {@code quick_check} runs at open by default;
 *       {@link #checkIntegrity()} checks everything on demand. Damage is reported, never served.
 *   <li>Readiness: {@link #checkHealth()} fails while writes fail for a storage reason or the file
 *       is known damaged, without scanning anything.
 *   <li>One opener: the data directory is locked for the life of the store.
 * </ol>
 *
 * <pre>{@code
 * try (SqliteStorage storage = SqliteStorage.open(Path.of("/var/lib/vss"))) {
 *   VssService vss = new VssService(storage, Limits.DEFAULTS);
 *   ...
 * }
 * }</pre>
 */
@NullMarked
public final class SqliteStorage implements Storage {
  /** The name of the database file inside the data directory. */
  public static final String DATABASE_FILE_NAME = "vss.sqlite3";

  private static final Logger LOG = System.getLogger(SqliteStorage.class.getName());

  /** Size the write-ahead log is truncated back to after a checkpoint reset it. */
  private static final int WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

  /** The writer connection's page cache, in KiB (32 MiB). */
  private static final int WRITER_CACHE_KIB = 32 * 1024;

  /** How long close() waits for reads in flight before leaving their connections to them. */
  private static final long READER_CLOSE_TIMEOUT_MILLIS = 10_000;

  private final Path databaseFile;
  private final SqliteOptions options;
  private final DirectoryLock lock;
  private final StoreHealth health;
  private final GroupCommitWriter writer;
  private final ReaderPool readers;
  private final Checkpointer checkpointer;
  private final byte[] pageTokenSecret;
  private final AtomicBoolean closed = new AtomicBoolean();

  private SqliteStorage(
      Path databaseFile,
      SqliteOptions options,
      DirectoryLock lock,
      StoreHealth health,
      GroupCommitWriter writer,
      ReaderPool readers,
      Checkpointer checkpointer,
      byte[] pageTokenSecret) {
    this.databaseFile = databaseFile;
    this.options = options;
    this.lock = lock;
    this.health = health;
    this.writer = writer;
    this.readers = readers;
    this.checkpointer = checkpointer;
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
   *   <li>Creates the directory if missing and takes its lock ({@value DirectoryLock#FILE_NAME}),
   *       held until {@link #close()}: a second opener, in this process or another, is refused.
   *   <li>Checks the write-ahead log, before SQLite replays it: committed transactions after a
   *       damaged frame are refused, not silently dropped.
   *   <li>Creates the database file if missing; runs {@link SqliteOptions#openCheck()}.
   *   <li>Applies pending schema migrations.
   *   <li>Logs the file, journal mode, synchronous mode, schema version and checks.
   * </ol>
   *
   * @param dataDirectory the directory holding {@value #DATABASE_FILE_NAME}; created if missing
   * @param options durability, group commit, connection and open-check settings
   * @return the open store; close it when done
   * @throws StorageException if the directory cannot be created, written or locked, the file is not
   *     a VSS database or is newer than this build, the file or its log is damaged, or SQLite fails
   */
  public static SqliteStorage open(Path dataDirectory, SqliteOptions options) {
    return open(dataDirectory, options, Schema.MIGRATIONS);
  }

  /** Opens with an explicit migration list; tests use it to build files of older versions. */
  static SqliteStorage open(
      Path dataDirectory, SqliteOptions options, List<Schema.Migration> migrations) {
    Objects.requireNonNull(dataDirectory, "dataDirectory");
    Objects.requireNonNull(options, "options");
    Path directory = prepareDirectory(dataDirectory.toAbsolutePath().normalize());
    DirectoryLock lock = DirectoryLock.acquire(directory);
    Path file = directory.resolve(DATABASE_FILE_NAME);
    List<Connection> opened = new ArrayList<>();
    Connection checkpointConnection = null;
    try {
      if (Files.exists(file) && !Files.isRegularFile(file)) {
        throw new StorageException("database path " + file + " exists but is not a regular file");
      }
      WalCheck.Result wal =
          WalCheck.check(
              directory.resolve(DATABASE_FILE_NAME + "-wal"), WalCheck.databasePageSize(file));
      String url = "jdbc:sqlite:" + file;
      Connection writeConnection = connect(url, writerConfig(options));
      opened.add(writeConnection);
      String check = openCheck(file, writeConnection, options.openCheck());
      Schema.MigrationResult migration = Schema.migrate(writeConnection, migrations);
      byte[] pageTokenSecret = PageTokenSecretTable.loadOrCreate(writeConnection);
      if (options.openCheck() == SqliteOptions.OpenCheck.FULL) {
        check = verifyRecordsAtOpen(file, writeConnection);
      }
      String journalMode = pragma(writeConnection, "journal_mode");
      String synchronous = synchronousName(pragma(writeConnection, "synchronous"));
      for (int i = 0; i < options.readerConnections(); i++) {
        opened.add(connect(url, readerConfig(options)));
      }
      try (Statement statement = writeConnection.createStatement()) {
        statement.execute("PRAGMA wal_autocheckpoint=" + Checkpointer.WRITER_BACKSTOP_PAGES);
      }
      // The checkpoint connection writes the database file but never a transaction: the common
      // settings are all it needs.
      checkpointConnection = connect(url, commonConfig(options));
      StoreHealth health = new StoreHealth();
      ReaderPool readers = new ReaderPool(opened.subList(1, opened.size()), health);
      GroupCommitWriter writer =
          new GroupCommitWriter(
              writeConnection, options.effectiveBatchSize(), health, "vss-sqlite-writer");
      log(file, options, journalMode, synchronous, migration, wal, check);
      // Last: nothing after it can fail, so its thread never outlives a failed open.
      Checkpointer checkpointer = new Checkpointer(checkpointConnection, "vss-sqlite-checkpoint");
      return new SqliteStorage(
          file, options, lock, health, writer, readers, checkpointer, pageTokenSecret);
    } catch (SQLException | RuntimeException e) {
      if (checkpointConnection != null) {
        opened.add(checkpointConnection);
      }
      for (Connection connection : opened) {
        try {
          connection.close();
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      lock.release();
      if (e instanceof StorageException storage) {
        throw new StorageException(
            "opening SQLite storage at " + file + " failed: " + storage.getMessage(),
            storage.getCause() == null ? storage : storage.getCause());
      }
      throw new StorageException("opening SQLite storage at " + file + " failed", e);
    }
  }

  /**
   * Runs SQLite's check chosen by {@code check} (FULL runs integrity_check here and the record
   * checksums after migrating) and returns what to log.
   *
   * @throws StorageException naming the file if it is damaged
   */
  private static String openCheck(Path file, Connection connection, SqliteOptions.OpenCheck check)
      throws SQLException {
    if (check == SqliteOptions.OpenCheck.NONE) {
      return "open check skipped";
    }
    IntegrityCheck.SqliteCheck sqliteCheck =
        check == SqliteOptions.OpenCheck.QUICK
            ? IntegrityCheck.SqliteCheck.QUICK
            : IntegrityCheck.SqliteCheck.FULL;
    long started = System.nanoTime();
    List<String> problems = IntegrityCheck.sqlite(connection, sqliteCheck, 10);
    if (!problems.isEmpty()) {
      throw new StorageException(
          "database file "
              + file
              + " is damaged (PRAGMA "
              + sqliteCheck.pragma
              + ": "
              + String.join("; ", problems)
              + "); refusing to open,"
              + " file left untouched (restore the data directory from a backup)");
    }
    return sqliteCheck.pragma + " ok in " + (System.nanoTime() - started) / 1_000_000 + " ms";
  }

  private static String verifyRecordsAtOpen(Path file, Connection connection) throws SQLException {
    IntegrityReport report = IntegrityCheck.full(connection);
    if (!report.ok()) {
      throw new StorageException(
          "database file "
              + file
              + " is damaged: "
              + report.recordProblemCount()
              + " record(s) fail their checksums, integrity_check: "
              + (report.sqliteProblems().isEmpty()
                  ? "ok"
                  : String.join("; ", report.sqliteProblems()))
              + "; refusing to open (first problem: "
              + (report.recordProblems().isEmpty() ? "-" : report.recordProblems().get(0))
              + ")");
    }
    return "integrity_check and "
        + report.recordsChecked()
        + " record checksum(s) ok in "
        + report.elapsed().toMillis()
        + " ms";
  }

  @Override
  public Optional<StoredRecord> get(Keyspace keyspace, String key) {
    ensureOpen();
    return readers.get(
        keyspace.userToken().getBytes(UTF_8),
        keyspace.storeId().getBytes(UTF_8),
        key,
        key.getBytes(UTF_8));
  }

  @Override
  public long globalVersion(Keyspace keyspace) {
    ensureOpen();
    return readers.globalVersion(
        keyspace.userToken().getBytes(UTF_8), keyspace.storeId().getBytes(UTF_8));
  }

  @Override
  public List<KeyVersion> list(Keyspace keyspace, String prefix, long beforeSequence, int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive, was " + limit);
    }
    ensureOpen();
    return readers.list(
        keyspace.userToken().getBytes(UTF_8),
        keyspace.storeId().getBytes(UTF_8),
        prefix.getBytes(UTF_8),
        beforeSequence,
        limit);
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

  /**
   * {@inheritDoc}
   *
   * <p>Fails while the store cannot take writes or is known damaged, and never scans the file:
   *
   * <ol>
   *   <li>the database is marked damaged: SQLite reported it malformed to some statement, or {@link
   *       #checkIntegrity()} found a problem (cleared only by a check that passes);
   *   <li>a write failed for a storage reason (disk full, I/O error, read-only file): this probe
   *       then commits one small write of its own and fails if that fails (cleared by any commit);
   *   <li>reading the first or last entry of every table and index fails (a damaged root page).
   * </ol>
   */
  @Override
  public void checkHealth() {
    ensureOpen();
    if (!writer.isAlive()) {
      throw new StorageException("SQLite writer thread is not running");
    }
    health.throwIfDamaged();
    if (health.writeFaultPending()) {
      writer.probeWrite();
    }
    readers.checkHealth();
  }

  /**
   * True: every write keeps its keyspace's stored bytes and records in the {@code keyspaces} row,
   * in the same transaction as the records (schema migration 3 counted existing files once). The
   * single writer serializes all writes, so a user's usage is always consistent in a write view.
   */
  @Override
  public boolean tracksUsage() {
    return true;
  }

  @Override
  public Usage usage(Keyspace keyspace) {
    ensureOpen();
    return readers.usage(
        ReaderPool.KEYSPACE_USAGE_SQL,
        keyspace.userToken().getBytes(UTF_8),
        keyspace.storeId().getBytes(UTF_8));
  }

  @Override
  public Usage userUsage(String userToken) {
    ensureOpen();
    return readers.usage(ReaderPool.USER_USAGE_SQL, userToken.getBytes(UTF_8));
  }

  /** {@inheritDoc} Kept in the database file, in the {@code page_token_secret} table. */
  @Override
  public byte[] pageTokenSecret() {
    ensureOpen();
    return pageTokenSecret.clone();
  }

  /**
   * The full check for operators: {@code PRAGMA integrity_check} (every page, every index against
   * its table) and both checksums of every record (every row, every list-index entry), on a
   * connection of its own inside one read transaction. Reads and writes go on meanwhile; it reads
   * the whole file once or twice, so it takes seconds per GB (see the module README).
   *
   * <p>Every problem is logged at ERROR level with where it is. A report with problems marks the
   * store damaged, so readiness fails; a clean report clears that mark.
   *
   * @return what was checked and found
   * @throws StorageException if the check itself cannot run (the store is closed, SQLite fails)
   */
  public IntegrityReport checkIntegrity() {
    ensureOpen();
    LOG.log(Level.INFO, "integrity check of " + databaseFile + " started");
    IntegrityReport report;
    try (Connection connection = connect("jdbc:sqlite:" + databaseFile, readerConfig(options))) {
      report = IntegrityCheck.full(connection);
    } catch (SQLException e) {
      health.noteReadFailure(e);
      throw new StorageException("SQLite integrity check failed to run", e);
    }
    if (report.ok()) {
      LOG.log(
          Level.INFO,
          "integrity check of "
              + databaseFile
              + " passed: integrity_check ok, "
              + report.recordsChecked()
              + " record checksum(s) ok, "
              + report.elapsed().toMillis()
              + " ms");
      health.damageCleared();
    } else {
      for (String problem : report.sqliteProblems()) {
        LOG.log(Level.ERROR, "integrity check: integrity_check: " + problem);
      }
      String summary =
          "integrity check found "
              + report.sqliteProblems().size()
              + " SQLite problem(s) and "
              + report.recordProblemCount()
              + " record(s) failing their checksums";
      LOG.log(Level.ERROR, summary + " in " + databaseFile);
      health.noteDamage(summary);
    }
    return report;
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
    checkpointer.close();
    readers.close(READER_CLOSE_TIMEOUT_MILLIS);
    // Last, so that its close checkpoints the log into the file and removes it.
    writer.closeConnection();
    lock.release();
    LOG.log(Level.INFO, "closed SQLite storage " + databaseFile);
  }

  /** The database file. */
  Path databaseFile() {
    return databaseFile;
  }

  /** The checkpoint thread, for tests. */
  Checkpointer checkpointer() {
    return checkpointer;
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

  static SQLiteConfig writerConfig(SqliteOptions options) {
    SQLiteConfig config = commonConfig(options);
    config.setJournalMode(JournalMode.WAL);
    // The log is reused from its start after each full checkpoint; this only trims a log that a
    // burst of large batches blew up, so it does not keep its peak size on disk for ever.
    config.setJournalSizeLimit(WAL_SIZE_LIMIT_BYTES);
    // SQLite's default page cache is 2 MiB; with it, most pages a write reads (the record it
    // replaces, the leaves it changes) came from the OS with a pread of their own on the single
    // writer thread, which every durable write waits for. In KiB, as a negative number.
    config.setCacheSize(-WRITER_CACHE_KIB);
    return config;
  }

  static SQLiteConfig readerConfig(SqliteOptions options) {
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

  private static void log(
      Path file,
      SqliteOptions options,
      String journalMode,
      String synchronous,
      Schema.MigrationResult migration,
      WalCheck.Result wal,
      String check) {
    String schema =
        migration.fromVersion() == migration.toVersion()
            ? "schema version " + migration.toVersion() + " (no migration needed)"
            : "schema migrated from version "
                + migration.fromVersion()
                + " to "
                + migration.toVersion();
    LOG.log(
        Level.INFO,
        "opened SQLite storage "
            + file
            + ": journal_mode="
            + journalMode
            + ", synchronous="
            + synchronous
            + ", durability="
            + options.durability()
            + ", group commit "
            + (options.groupCommit() ? "on (max batch " + options.maxBatchSize() + ")" : "off")
            + ", "
            + options.readerConnections()
            + " reader connection(s), "
            + schema
            + ", write-ahead log "
            + wal.committedFrames()
            + " committed frame(s) checked, "
            + check);
    if (wal.ignoredFrames() > 0) {
      LOG.log(
          Level.INFO,
          "the write-ahead log of "
              + file
              + " ends with "
              + wal.ignoredFrames()
              + " frame(s) after its last commit (a transaction cut off by a crash, or frames of an"
              + " earlier log generation); SQLite ignores them");
    }
    if (!"wal".equalsIgnoreCase(journalMode)) {
      LOG.log(
          Level.WARNING,
          "SQLite did not switch "
              + file
              + " to WAL mode (journal_mode="
              + journalMode
              + "); writes stay durable but readers wait for writers");
    }
    if (options.durability() == SqliteOptions.Durability.RELAXED) {
      LOG.log(
          Level.WARNING,
          "durability RELAXED (synchronous=NORMAL) is NOT durable: writes "
              + "acknowledged shortly before an OS crash or power loss can be lost");
    }
  }

  /** Reports each committed write batch (group commit) to {@code observer}. */
  @Override
  public void observeCommits(dev.vss.core.spi.CommitObserver observer) {
    writer.observeCommits(observer);
  }
}
