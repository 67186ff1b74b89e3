package dev.vss.store.sqlite;

import dev.vss.core.spi.KeyspaceFilter;
import dev.vss.core.spi.Snapshot;
import dev.vss.core.spi.SnapshotSource;
import dev.vss.core.spi.StorageException;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.NullMarked;

/**
 * Read-only access to a SQLite store's data directory for the operator tools (export, backup,
 * verify, stats), which works whether or not a server has the directory open.
 *
 * <ol>
 *   <li>It never takes the directory lock and never writes the database: every operation opens a
 *       read-only connection of its own. In WAL mode readers of other processes see committed
 *       transactions and never block the server's writer, nor does the writer block them.
 *   <li>When no server holds the directory, the write-ahead log is checked first (as {@link
 *       SqliteStorage#open} does), so committed transactions after a damaged frame are refused
 *       rather than silently missing from an export. When a server holds it, the server checked the
 *       log when it opened and has written it since.
 *   <li>{@link #openSnapshot} is one read transaction: a point-in-time view of every keyspace.
 *   <li>{@link #backupTo} is {@code VACUUM INTO}, also one read transaction: a compact, consistent
 *       copy that {@link SqliteStorage#open} opens directly.
 * </ol>
 */
@NullMarked
public final class SqliteReadOnlyStore implements SnapshotSource {
  private static final Logger LOG = System.getLogger(SqliteReadOnlyStore.class.getName());

  private final Path databaseFile;
  private final SqliteOptions options;

  private SqliteReadOnlyStore(Path databaseFile, SqliteOptions options) {
    this.databaseFile = databaseFile;
    this.options = options;
  }

  /**
   * Opens the store in {@code dataDirectory} for reading.
   *
   * @throws StorageException if the directory holds no SQLite store, or its write-ahead log is
   *     damaged
   */
  public static SqliteReadOnlyStore open(Path dataDirectory) {
    Objects.requireNonNull(dataDirectory, "dataDirectory");
    Path directory = dataDirectory.toAbsolutePath().normalize();
    Path file = directory.resolve(SqliteStorage.DATABASE_FILE_NAME);
    if (!Files.isRegularFile(file)) {
      throw new StorageException(
          "no SQLite store in " + directory + " (no " + SqliteStorage.DATABASE_FILE_NAME + ")");
    }
    DirectoryLock lock = null;
    try {
      lock = DirectoryLock.acquire(directory);
    } catch (StorageException e) {
      LOG.log(Level.INFO, directory + " is in use (" + e.getMessage() + "); reading it alongside");
    }
    if (lock != null) {
      try {
        WalCheck.check(
            directory.resolve(SqliteStorage.DATABASE_FILE_NAME + "-wal"),
            WalCheck.databasePageSize(file));
      } finally {
        lock.release();
      }
    }
    return new SqliteReadOnlyStore(file, SqliteOptions.DEFAULTS);
  }

  /** {@inheritDoc} One read transaction on a connection of its own. */
  @Override
  public Snapshot openSnapshot(KeyspaceFilter filter) {
    return SqliteSnapshot.open(connect(), filter);
  }

  /** {@code sqlite}. */
  @Override
  public String kind() {
    return "sqlite";
  }

  /**
   * SQLite's {@code integrity_check} and every record's checksums, as {@link
   * SqliteStorage#checkIntegrity()}, on a read-only connection (so it does not mark a running
   * server's store damaged; the report says what is wrong).
   */
  public IntegrityReport checkIntegrity() {
    try (Connection connection = connect()) {
      return IntegrityCheck.full(connection);
    } catch (SQLException e) {
      throw new StorageException("SQLite integrity check failed to run", e);
    }
  }

  /**
   * Writes a consistent copy of the store into {@code targetDirectory}, a data directory that
   * {@link SqliteStorage#open} opens directly (restore = point the server at it, or move it into
   * place while the server is stopped).
   *
   * <ol>
   *   <li>{@code VACUUM INTO} a file in {@code <target>.partial}, one read transaction;
   *   <li>fsync the file, then rename the directory to {@code targetDirectory} and fsync its
   *       parent: the target appears complete or not at all, even if the process is killed.
   * </ol>
   *
   * @param targetDirectory must not exist, or be an empty directory
   * @return the size of the copy in bytes
   * @throws StorageException if the target exists and is not empty, or the copy fails
   */
  public long backupTo(Path targetDirectory) {
    Path target = targetDirectory.toAbsolutePath().normalize();
    Path parent = target.getParent();
    if (parent == null) {
      throw new StorageException("backup target " + target + " must not be the file system root");
    }
    Path staging = target.resolveSibling(target.getFileName() + ".partial");
    Path copy = staging.resolve(SqliteStorage.DATABASE_FILE_NAME);
    try {
      if (Files.isDirectory(target)) {
        try (Stream<Path> entries = Files.list(target)) {
          if (entries.findAny().isPresent()) {
            throw new StorageException("backup target " + target + " is not empty");
          }
        }
        Files.delete(target);
      } else if (Files.exists(target)) {
        throw new StorageException("backup target " + target + " exists and is not a directory");
      }
      // Left by an interrupted earlier backup: only ever our own file in our own directory.
      Files.deleteIfExists(copy);
      Files.deleteIfExists(staging);
      Files.createDirectories(staging);
      try (Connection connection = connect();
          PreparedStatement vacuum = connection.prepareStatement("VACUUM INTO ?")) {
        vacuum.setString(1, copy.toString());
        vacuum.execute();
      }
      try (FileChannel channel = FileChannel.open(copy, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      fsyncDirectory(parent);
      return Files.size(target.resolve(SqliteStorage.DATABASE_FILE_NAME));
    } catch (DirectoryNotEmptyException e) {
      throw new StorageException("backup target " + target + " is not empty", e);
    } catch (IOException | SQLException e) {
      throw new StorageException("SQLite backup to " + target + " failed: " + e.getMessage(), e);
    }
  }

  /** The database file. */
  public Path databaseFile() {
    return databaseFile;
  }

  private Connection connect() {
    try {
      return SqliteStorage.readerConfig(options).createConnection("jdbc:sqlite:" + databaseFile);
    } catch (SQLException e) {
      throw new StorageException(
          "opening " + databaseFile + " for reading failed: " + e.getMessage(), e);
    }
  }

  static void fsyncDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
