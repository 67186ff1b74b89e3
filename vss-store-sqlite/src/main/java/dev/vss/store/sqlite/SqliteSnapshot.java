package dev.vss.store.sqlite;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.protobuf.UnsafeByteOperations;
import dev.vss.core.Keyspace;
import dev.vss.core.spi.KeyspaceFilter;
import dev.vss.core.spi.Snapshot;
import dev.vss.core.spi.SnapshotKeyspace;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.StoredRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@link Snapshot} of a SQLite store: one read transaction on a connection of its own, so every
 * keyspace and record is as of the transaction's first read, while the server (if one runs) goes on
 * writing to the write-ahead log. Each record's checksums are verified before it is streamed.
 */
final class SqliteSnapshot implements Snapshot {
  /** Keyspaces with a global version or at least one record, in the order snapshots use. */
  private static final String KEYSPACES_SQL =
      "SELECT id, user_token, store_id, global_version"
          + " FROM keyspaces k WHERE (global_version <> 0"
          + " OR EXISTS (SELECT 1 FROM records r WHERE r.keyspace_id = k.id))";

  private static final String ORDER = " ORDER BY user_token, store_id";
  private static final String RECORDS_SQL =
      "SELECT sequence, key, version, value, entry_crc,"
          + " record_crc FROM records WHERE keyspace_id = ? ORDER BY sequence";

  private record Row(long id, SnapshotKeyspace keyspace) {}

  private final Connection connection;
  private final List<Row> keyspaces;
  private final PreparedStatement records;
  private int next;
  private Row current;
  private ResultSet rows;
  private boolean closed;

  private SqliteSnapshot(Connection connection, List<Row> keyspaces, PreparedStatement records) {
    this.connection = connection;
    this.keyspaces = keyspaces;
    this.records = records;
  }

  /**
   * Starts a read transaction on {@code connection} (which the snapshot then owns and closes) and
   * lists the keyspaces that pass {@code filter}.
   */
  static SqliteSnapshot open(Connection connection, KeyspaceFilter filter) {
    try {
      try (Statement begin = connection.createStatement()) {
        begin.execute("BEGIN");
      }
      String sql =
          KEYSPACES_SQL
              + (filter.userToken().isPresent() ? " AND user_token = ?" : "")
              + (filter.storeId().isPresent() ? " AND store_id = ?" : "")
              + ORDER;
      List<Row> keyspaces = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement(sql)) {
        int p = 1;
        if (filter.userToken().isPresent()) {
          select.setBytes(p++, filter.userToken().get().getBytes(UTF_8));
        }
        if (filter.storeId().isPresent()) {
          select.setBytes(p, filter.storeId().get().getBytes(UTF_8));
        }
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            Keyspace keyspace =
                new Keyspace(
                    new String(rows.getBytes(2), UTF_8), new String(rows.getBytes(3), UTF_8));
            keyspaces.add(
                new Row(rows.getLong(1), new SnapshotKeyspace(keyspace, rows.getLong(4))));
          }
        }
      }
      return new SqliteSnapshot(connection, keyspaces, connection.prepareStatement(RECORDS_SQL));
    } catch (SQLException | RuntimeException e) {
      try {
        connection.close();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new StorageException("opening a SQLite snapshot failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<SnapshotKeyspace> nextKeyspace() {
    ensureOpen();
    closeRows();
    if (next == keyspaces.size()) {
      current = null;
      return Optional.empty();
    }
    current = keyspaces.get(next++);
    try {
      records.setLong(1, current.id());
      rows = records.executeQuery();
    } catch (SQLException e) {
      throw new StorageException("reading the records of a SQLite keyspace failed", e);
    }
    return Optional.of(current.keyspace());
  }

  @Override
  public Optional<StoredRecord> nextRecord() {
    ensureOpen();
    if (rows == null) {
      return Optional.empty();
    }
    try {
      if (!rows.next()) {
        closeRows();
        return Optional.empty();
      }
      long sequence = rows.getLong(1);
      byte[] key = rows.getBytes(2);
      long version = rows.getLong(3);
      byte[] value = rows.getBytes(4);
      if (value == null) {
        value = new byte[0];
      }
      int entry = rows.getInt(5);
      boolean entryMissing = rows.wasNull();
      int record = rows.getInt(6);
      boolean recordMissing = rows.wasNull();
      RecordChecksum.Sums sums = RecordChecksum.of(current.id(), sequence, version, key, value);
      if (entryMissing || recordMissing || entry != sums.entry() || record != sums.record()) {
        throw new StorageException(
            "record sequence="
                + sequence
                + " of "
                + current.keyspace().keyspace()
                + " fails its checksum: the store is damaged");
      }
      return Optional.of(
          new StoredRecord(
              new String(key, UTF_8), version, UnsafeByteOperations.unsafeWrap(value), sequence));
    } catch (SQLException e) {
      throw new StorageException("reading a SQLite record failed", e);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      closeRows();
      records.close();
      try (Statement end = connection.createStatement()) {
        end.execute("ROLLBACK");
      }
    } catch (SQLException e) {
      // A read transaction has nothing to lose; the connection is closed next either way.
    } finally {
      try {
        connection.close();
      } catch (SQLException e) {
        // nothing was written
      }
    }
  }

  private void closeRows() {
    if (rows != null) {
      try {
        rows.close();
      } catch (SQLException e) {
        // a read cursor; nothing to lose
      }
      rows = null;
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new StorageException("the SQLite snapshot is closed");
    }
  }
}
