package dev.vss.store.sqlite;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.vss.core.Keyspace;
import dev.vss.core.spi.BulkLoader;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.StoredRecord;
import dev.vss.core.spi.Usage;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Iterator;
import java.util.Objects;
import org.jspecify.annotations.NullMarked;

/**
 * Replaces whole keyspaces of a SQLite store (import, account deletion) while no server has it
 * open: it holds the directory lock ({@value DirectoryLock#FILE_NAME}) for its whole life, so a
 * server cannot start meanwhile, and writes with a connection of its own.
 *
 * <p>Each {@link #replaceKeyspace} is one {@code BEGIN IMMEDIATE} transaction, committed with the
 * store's durability (fsync'd with the default FULL): it deletes the keyspace's records, inserts
 * the new ones with sequences taken from {@code sequence_counter} in the order given (each with
 * both checksums), advances the counter and sets the global version. A failure rolls it back. A
 * keyspace left with no record and global version 0 loses its {@code keyspaces} row too, so a
 * deleted account leaves no trace of its user token.
 */
@NullMarked
public final class SqliteBulkLoader implements BulkLoader {
  private final DirectoryLock lock;
  private final Connection connection;
  private final PreparedStatement findKeyspace;
  private final PreparedStatement insertKeyspace;
  private final PreparedStatement deleteRecords;
  private final PreparedStatement readCounter;
  private final PreparedStatement insertRecord;
  private final PreparedStatement writeCounter;
  private final PreparedStatement setGlobalVersion;
  private final PreparedStatement deleteKeyspace;
  private boolean closed;

  private SqliteBulkLoader(DirectoryLock lock, Connection connection) throws SQLException {
    this.lock = lock;
    this.connection = connection;
    findKeyspace =
        connection.prepareStatement(
            "SELECT id FROM keyspaces WHERE user_token = ? AND store_id = ?");
    insertKeyspace =
        connection.prepareStatement(
            "INSERT INTO keyspaces (user_token, store_id, global_version) VALUES (?, ?, 0)"
                + " RETURNING id");
    deleteRecords = connection.prepareStatement("DELETE FROM records WHERE keyspace_id = ?");
    readCounter =
        connection.prepareStatement("SELECT last_sequence FROM sequence_counter WHERE id = 1");
    insertRecord =
        connection.prepareStatement(
            "INSERT INTO records"
                + " (sequence, keyspace_id, key, version, value, entry_crc, record_crc)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)");
    writeCounter =
        connection.prepareStatement("UPDATE sequence_counter SET last_sequence = ? WHERE id = 1");
    setGlobalVersion =
        connection.prepareStatement(
            "UPDATE keyspaces SET global_version = ?, stored_bytes = ?, record_count = ?"
                + " WHERE id = ?");
    deleteKeyspace = connection.prepareStatement("DELETE FROM keyspaces WHERE id = ?");
  }

  /**
   * Opens the store in {@code dataDirectory} (creating it if missing) for bulk writes: opens and
   * closes it once as {@link SqliteStorage} would (log check, open check, schema migrations), then
   * takes its lock.
   *
   * @throws StorageException if the store cannot be opened or a server holds it
   */
  public static SqliteBulkLoader open(Path dataDirectory, SqliteOptions options) {
    Objects.requireNonNull(options, "options");
    SqliteStorage.open(dataDirectory, options).close();
    Path directory = dataDirectory.toAbsolutePath().normalize();
    DirectoryLock lock = DirectoryLock.acquire(directory);
    try {
      Connection connection =
          SqliteStorage.writerConfig(options)
              .createConnection(
                  "jdbc:sqlite:" + directory.resolve(SqliteStorage.DATABASE_FILE_NAME));
      try {
        return new SqliteBulkLoader(lock, connection);
      } catch (SQLException e) {
        connection.close();
        throw e;
      }
    } catch (SQLException | RuntimeException e) {
      lock.release();
      throw new StorageException(
          "opening SQLite storage in " + directory + " for bulk writes failed: " + e.getMessage(),
          e);
    }
  }

  @Override
  public void replaceKeyspace(
      Keyspace keyspace, long globalVersion, Iterator<StoredRecord> records) {
    if (closed) {
      throw new StorageException("the SQLite bulk loader is closed");
    }
    byte[] user = keyspace.userToken().getBytes(UTF_8);
    byte[] store = keyspace.storeId().getBytes(UTF_8);
    try (Statement transaction = connection.createStatement()) {
      transaction.execute("BEGIN IMMEDIATE");
      try {
        long id = keyspaceId(user, store);
        deleteRecords.setLong(1, id);
        deleteRecords.executeUpdate();
        long sequence;
        try (ResultSet row = readCounter.executeQuery()) {
          row.next();
          sequence = row.getLong(1);
        }
        boolean any = false;
        long storedBytes = 0;
        long recordCount = 0;
        while (records.hasNext()) {
          StoredRecord record = records.next();
          sequence++;
          any = true;
          byte[] key = record.key().getBytes(UTF_8);
          byte[] value = record.value().toByteArray();
          RecordChecksum.Sums sums = RecordChecksum.of(id, sequence, record.version(), key, value);
          insertRecord.setLong(1, sequence);
          insertRecord.setLong(2, id);
          insertRecord.setBytes(3, key);
          insertRecord.setLong(4, record.version());
          insertRecord.setBytes(5, value);
          insertRecord.setInt(6, sums.entry());
          insertRecord.setInt(7, sums.record());
          insertRecord.executeUpdate();
          storedBytes += Usage.storedBytes(record.value());
          recordCount++;
        }
        writeCounter.setLong(1, sequence);
        writeCounter.executeUpdate();
        if (!any && globalVersion == 0) {
          deleteKeyspace.setLong(1, id);
          deleteKeyspace.executeUpdate();
        } else {
          setGlobalVersion.setLong(1, globalVersion);
          setGlobalVersion.setLong(2, storedBytes);
          setGlobalVersion.setLong(3, recordCount);
          setGlobalVersion.setLong(4, id);
          setGlobalVersion.executeUpdate();
        }
        transaction.execute("COMMIT");
      } catch (SQLException | RuntimeException e) {
        try {
          transaction.execute("ROLLBACK");
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    } catch (SQLException e) {
      String why =
          e.getMessage() != null && e.getMessage().contains("UNIQUE")
              ? "a key appears twice"
              : e.getMessage();
      throw new StorageException(
          "replacing " + keyspace + " failed (" + why + "); the keyspace is unchanged", e);
    }
  }

  private long keyspaceId(byte[] user, byte[] store) throws SQLException {
    findKeyspace.setBytes(1, user);
    findKeyspace.setBytes(2, store);
    try (ResultSet row = findKeyspace.executeQuery()) {
      if (row.next()) {
        return row.getLong(1);
      }
    }
    insertKeyspace.setBytes(1, user);
    insertKeyspace.setBytes(2, store);
    try (ResultSet row = insertKeyspace.executeQuery()) {
      row.next();
      return row.getLong(1);
    }
  }

  /** Closes the connection (checkpointing the log) and releases the directory lock. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      connection.close();
    } catch (SQLException e) {
      throw new StorageException("closing the SQLite bulk loader failed", e);
    } finally {
      lock.release();
    }
  }
}
