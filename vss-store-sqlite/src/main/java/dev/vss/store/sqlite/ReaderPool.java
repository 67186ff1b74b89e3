package dev.vss.store.sqlite;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.protobuf.UnsafeByteOperations;
import dev.vss.core.spi.KeyVersion;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.StoredRecord;
import dev.vss.core.spi.Usage;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A fixed set of read connections, each with its statements prepared once. In WAL mode a reader
 * sees the last commit before its statement started and is never blocked by the writer, so reads
 * run beside group commits; each read is a single statement, so it is consistent on its own.
 */
final class ReaderPool {
  private static final Logger LOG = System.getLogger(ReaderPool.class.getName());

  /** Resolves a keyspace to its id once per statement; keyspace rows are never deleted. */
  private static final String KEYSPACE_ID =
      "(SELECT id FROM keyspaces WHERE user_token = ? AND store_id = ?)";

  static final String GET_SQL =
      "SELECT version, value, sequence, keyspace_id, entry_crc,"
          + " record_crc FROM records"
          + " WHERE keyspace_id = "
          + KEYSPACE_ID
          + " AND key = ?";

  static final String GLOBAL_VERSION_SQL =
      "SELECT global_version FROM keyspaces WHERE user_token = ? AND store_id = ?";

  /**
   * One page newest-first, walked backwards on {@code records_by_sequence} from the page boundary
   * and read from the index alone; the planner is held to that index so the cost of a page does not
   * depend on the size of the store.
   */
  static final String LIST_SQL =
      "SELECT key, version, sequence, keyspace_id, entry_crc"
          + " FROM records INDEXED BY records_by_sequence"
          + " WHERE keyspace_id = "
          + KEYSPACE_ID
          + " AND sequence < ?"
          + " ORDER BY sequence DESC LIMIT ?";

  /**
   * As {@link #LIST_SQL}, keeping only keys that start with the prefix. The prefix is compared as
   * bytes ({@code substr} of a BLOB counts bytes), so no character is a wildcard; a UTF-8 byte
   * prefix of a valid key is exactly a character prefix. The filter runs on index entries while
   * walking the sequence order: a page costs the entries walked until {@code limit} keys matched,
   * so a prefix matching few keys walks further (at most the whole keyspace, over a whole listing).
   */
  static final String LIST_PREFIX_SQL =
      "SELECT key, version, sequence, keyspace_id, entry_crc"
          + " FROM records INDEXED BY records_by_sequence"
          + " WHERE keyspace_id = "
          + KEYSPACE_ID
          + " AND sequence < ?"
          + " AND substr(key, 1, ?) = ?"
          + " ORDER BY sequence DESC LIMIT ?";

  /**
   * The readiness probe's read: the first or last entry of every table and index, which reads each
   * b-tree's root page and one path down, so a damaged root or page header fails here (with
   * SQLITE_CORRUPT) instead of on every client read. A few pages, whatever the size of the store;
   * damage deeper down is the open check's and the full check's to find.
   */
  static final String HEALTH_SQL =
      "SELECT"
          + " (SELECT max(version) FROM schema_migrations),"
          + " (SELECT last_sequence FROM sequence_counter WHERE id = 1),"
          + " (SELECT max(id) FROM keyspaces),"
          + " (SELECT max(user_token) FROM keyspaces INDEXED BY sqlite_autoindex_keyspaces_1),"
          + " (SELECT max(sequence) FROM records),"
          + " (SELECT min(sequence) FROM records),"
          + " (SELECT max(keyspace_id) FROM records INDEXED BY records_by_key),"
          + " (SELECT max(keyspace_id) FROM records INDEXED BY records_by_sequence),"
          + " (SELECT max(id) FROM health_probe)";

  private final StoreHealth health;

  private final BlockingQueue<Reader> idle;
  private final int size;
  private volatile boolean closed;
  private volatile boolean closeGaveUp;

  /** Takes ownership of {@code connections} and prepares each one's statements. */
  ReaderPool(List<Connection> connections, StoreHealth health) throws SQLException {
    this.health = health;
    this.size = connections.size();
    this.idle = new ArrayBlockingQueue<>(size);
    for (Connection connection : connections) {
      idle.add(new Reader(connection));
    }
  }

  /** The record under {@code key}. */
  Optional<StoredRecord> get(byte[] userToken, byte[] storeId, String key, byte[] encodedKey) {
    Reader reader = acquire();
    try {
      PreparedStatement statement = reader.get.get();
      statement.setBytes(1, userToken);
      statement.setBytes(2, storeId);
      statement.setBytes(3, encodedKey);
      try (ResultSet row = statement.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        long version = row.getLong(1);
        byte[] value = row.getBytes(2);
        if (value == null) {
          value = new byte[0];
        }
        long sequence = row.getLong(3);
        long keyspaceId = row.getLong(4);
        // Computed with the key asked for, so a row an index sent here by mistake fails too.
        RecordChecksum.Sums sums =
            RecordChecksum.of(keyspaceId, sequence, version, encodedKey, value);
        if (!matches(row, 5, sums.entry()) || !matches(row, 6, sums.record())) {
          throw corrupted(userToken, storeId, key, sequence, "get");
        }
        // The array is fresh from the driver and never shared, so wrapping it is safe.
        return Optional.of(
            new StoredRecord(key, version, UnsafeByteOperations.unsafeWrap(value), sequence));
      }
    } catch (SQLException e) {
      reader.invalidate();
      health.noteReadFailure(e);
      throw new StorageException("SQLite get failed", e);
    } finally {
      release(reader);
    }
  }

  /** The keyspace's global version; 0 when it has none. */
  long globalVersion(byte[] userToken, byte[] storeId) {
    Reader reader = acquire();
    try {
      PreparedStatement statement = reader.globalVersion.get();
      statement.setBytes(1, userToken);
      statement.setBytes(2, storeId);
      try (ResultSet row = statement.executeQuery()) {
        return row.next() ? row.getLong(1) : 0;
      }
    } catch (SQLException e) {
      reader.invalidate();
      health.noteReadFailure(e);
      throw new StorageException("SQLite global version read failed", e);
    } finally {
      release(reader);
    }
  }

  /** The tracked usage of one keyspace. */
  static final String KEYSPACE_USAGE_SQL =
      "SELECT stored_bytes, record_count FROM keyspaces" + " WHERE user_token = ? AND store_id = ?";

  /** The tracked usage of one user, over its keyspaces (on the unique index's first column). */
  static final String USER_USAGE_SQL =
      "SELECT coalesce(sum(stored_bytes), 0),"
          + " coalesce(sum(record_count), 0) FROM keyspaces WHERE user_token = ?";

  /**
   * The usage {@code sql} (one of the two above) answers for {@code parameters}; rarely used
   * (operators, tests), so prepared per call. Zero when no row matches.
   */
  Usage usage(String sql, byte[]... parameters) {
    Reader reader = acquire();
    try (PreparedStatement statement = reader.connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setBytes(i + 1, parameters[i]);
      }
      try (ResultSet row = statement.executeQuery()) {
        return row.next() ? new Usage(row.getLong(1), row.getLong(2)) : Usage.ZERO;
      }
    } catch (SQLException e) {
      health.noteReadFailure(e);
      throw new StorageException("SQLite usage read failed", e);
    } finally {
      release(reader);
    }
  }

  /** Up to {@code limit} entries below {@code beforeSequence} whose key starts with the prefix. */
  List<KeyVersion> list(
      byte[] userToken, byte[] storeId, byte[] prefix, long beforeSequence, int limit) {
    Reader reader = acquire();
    try {
      PreparedStatement statement = (prefix.length == 0 ? reader.list : reader.listPrefix).get();
      int index = 1;
      statement.setBytes(index++, userToken);
      statement.setBytes(index++, storeId);
      statement.setLong(index++, beforeSequence);
      if (prefix.length > 0) {
        statement.setInt(index++, prefix.length);
        statement.setBytes(index++, prefix);
      }
      statement.setInt(index, limit);
      List<KeyVersion> page = new ArrayList<>(Math.min(limit, 128));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          byte[] key = rows.getBytes(1);
          long version = rows.getLong(2);
          long sequence = rows.getLong(3);
          // The entry checksum is in the index, so this costs no table read.
          if (!matches(rows, 5, RecordChecksum.entry(rows.getLong(4), sequence, version, key))) {
            throw corrupted(userToken, storeId, new String(key, UTF_8), sequence, "list");
          }
          page.add(new KeyVersion(new String(key, UTF_8), version, sequence));
        }
      }
      return page;
    } catch (SQLException e) {
      reader.invalidate();
      health.noteReadFailure(e);
      throw new StorageException("SQLite list failed", e);
    } finally {
      release(reader);
    }
  }

  /** Runs {@link #HEALTH_SQL}: a few pages, every b-tree's root. */
  void checkHealth() {
    Reader reader = acquire();
    try (ResultSet row = reader.health.get().executeQuery()) {
      row.next();
    } catch (SQLException e) {
      reader.invalidate();
      health.noteReadFailure(e);
      throw new StorageException("SQLite health check failed", e);
    } finally {
      release(reader);
    }
  }

  /** Whether the checksum in column {@code column} is present and equals {@code expected}. */
  private static boolean matches(ResultSet row, int column, int expected) throws SQLException {
    int stored = row.getInt(column);
    return !row.wasNull() && stored == expected;
  }

  /**
   * A record that failed its checksum: logged loudly with where it is, answered with a storage
   * fault (a generic INTERNAL error for the client), never served.
   */
  private static StorageException corrupted(
      byte[] userToken, byte[] storeId, String key, long sequence, String operation) {
    LOG.log(
        Level.ERROR,
        "CORRUPTED RECORD not served: checksum mismatch on "
            + operation
            + " of keyspace (user_token="
            + new String(userToken, UTF_8)
            + ", store_id="
            + new String(storeId, UTF_8)
            + "), key="
            + key
            + ", sequence="
            + sequence
            + "; restore it from a backup; SqliteStorage.checkIntegrity() lists every damaged record");
    return new StorageException("stored record failed its checksum (" + operation + ")");
  }

  /**
   * Refuses new reads, waits up to {@code timeoutMillis} for reads in flight, and closes every
   * connection it got back.
   */
  void close(long timeoutMillis) {
    closed = true;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    int closedConnections = 0;
    boolean interrupted = false;
    while (closedConnections < size) {
      Reader reader;
      try {
        reader = idle.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
        continue;
      }
      if (reader == null) {
        LOG.log(
            Level.WARNING,
            (size - closedConnections)
                + " SQLite read connection(s) still"
                + " busy at close; each closes when its read ends");
        closeGaveUp = true;
        closeIdle(); // covers a read that ended between the last poll and the flag
        break;
      }
      reader.close();
      closedConnections++;
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private Reader acquire() {
    boolean interrupted = false;
    try {
      while (true) {
        if (closed) {
          throw new StorageException("SQLite storage is closed");
        }
        try {
          Reader reader = idle.poll(100, TimeUnit.MILLISECONDS);
          if (reader != null) {
            if (closed) {
              // close() is waiting for this connection; hand it back instead of reading.
              idle.add(reader);
              throw new StorageException("SQLite storage is closed");
            }
            return reader;
          }
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void release(Reader reader) {
    idle.add(reader);
    if (closeGaveUp) {
      closeIdle(); // a read that outlived close() closes its own connection
    }
  }

  private void closeIdle() {
    for (Reader reader = idle.poll(); reader != null; reader = idle.poll()) {
      reader.close();
    }
  }

  /** One read connection and its prepared statements. */
  private static final class Reader {
    final Connection connection;
    final PreparedSql get;
    final PreparedSql globalVersion;
    final PreparedSql list;
    final PreparedSql listPrefix;
    final PreparedSql health;

    Reader(Connection connection) throws SQLException {
      this.connection = connection;
      get = new PreparedSql(connection, GET_SQL);
      globalVersion = new PreparedSql(connection, GLOBAL_VERSION_SQL);
      list = new PreparedSql(connection, LIST_SQL);
      listPrefix = new PreparedSql(connection, LIST_PREFIX_SQL);
      health = new PreparedSql(connection, HEALTH_SQL);
    }

    /** Prepares every statement again on next use, after one of them failed. */
    void invalidate() {
      for (PreparedSql statement : List.of(get, globalVersion, list, listPrefix, health)) {
        statement.invalidate();
      }
    }

    void close() {
      try {
        connection.close();
      } catch (SQLException e) {
        LOG.log(Level.WARNING, "closing a SQLite read connection failed", e);
      }
    }
  }
}
