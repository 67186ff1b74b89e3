package dev.vss.store.postgres;

import dev.vss.core.Keyspace;
import dev.vss.core.rules.RequestValidation;
import dev.vss.core.spi.BulkLoader;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.StoredRecord;
import dev.vss.core.spi.Usage;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.Objects;
import org.jspecify.annotations.NullMarked;

/**
 * Replaces whole keyspaces of a PostgreSQL store (import, account deletion), in the reference's
 * layout. Each {@link #replaceKeyspace} is one READ COMMITTED transaction that first takes the
 * keyspace's advisory lock, the same one every server's writer takes, so it is serialized with the
 * writes of running servers to that keyspace (it does not need them stopped); then it deletes the
 * keyspace's rows (records and the {@code global_version} row), inserts the records in the order
 * given, so that {@code sort_order} (a sequence) follows it, inserts the {@code global_version} row
 * when the global version is not 0, and commits.
 */
@NullMarked
public final class PostgresBulkLoader implements BulkLoader {
  private static final String GLOBAL_VERSION_KEY = RequestValidation.GLOBAL_VERSION_KEY;
  private static final int INSERT_BATCH = 500;

  private final Connection connection;
  private final PreparedStatement lock;
  private final PreparedStatement delete;
  private final PreparedStatement insert;
  private final PreparedStatement setUsage;
  private boolean closed;

  private PostgresBulkLoader(Connection connection) throws SQLException {
    this.connection = connection;
    lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)");
    delete =
        connection.prepareStatement("DELETE FROM vss_db WHERE user_token = ? AND store_id = ?");
    setUsage =
        connection.prepareStatement(
            "INSERT INTO "
                + Schema.USAGE_TABLE
                + " (user_token, store_id, stored_bytes, record_count) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (user_token, store_id) DO UPDATE SET"
                + " stored_bytes = excluded.stored_bytes, record_count = excluded.record_count");
    insert =
        connection.prepareStatement(
            "INSERT INTO vss_db"
                + " (user_token, store_id, key, value, version, created_at, last_updated_at)"
                + " VALUES (?, ?, ?, ?, ?, now(), now())");
  }

  /**
   * Opens the VSS database {@code options} names, creating it and its schema as a server would when
   * missing.
   *
   * @throws StorageException if it cannot connect or the schema cannot be brought up to date
   */
  public static PostgresBulkLoader open(PostgresOptions options) {
    Objects.requireNonNull(options, "options");
    Schema.open(options);
    try {
      Connection connection =
          DriverManager.getConnection(
              options.jdbcUrl(options.vssDatabase()), options.driverProperties());
      try {
        connection.setAutoCommit(false);
        connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        try (var statement = connection.createStatement()) {
          statement.execute(PostgresStorage.CONNECTION_INIT_SQL);
        }
        connection.commit();
        return new PostgresBulkLoader(connection);
      } catch (SQLException e) {
        connection.close();
        throw e;
      }
    } catch (SQLException e) {
      throw new StorageException(
          "opening PostgreSQL "
              + options
              + " for bulk writes failed: "
              + Schema.oneLine(e.getMessage()),
          e);
    }
  }

  @Override
  public void replaceKeyspace(
      Keyspace keyspace, long globalVersion, Iterator<StoredRecord> records) {
    if (closed) {
      throw new StorageException("the PostgreSQL bulk loader is closed");
    }
    String user = TextCodec.encode(keyspace.userToken());
    String store = TextCodec.encode(keyspace.storeId());
    try {
      lock.setLong(1, WriteRequest.lockId(user, store));
      lock.execute();
      delete.setString(1, user);
      delete.setString(2, store);
      delete.executeUpdate();
      int pending = 0;
      long storedBytes = 0;
      long recordCount = 0;
      while (records.hasNext()) {
        StoredRecord record = records.next();
        if (record.key().equals(GLOBAL_VERSION_KEY)) {
          throw new StorageException(
              "a record named " + GLOBAL_VERSION_KEY + " cannot be stored in the reference layout");
        }
        add(
            user,
            store,
            TextCodec.encode(record.key()),
            record.value().toByteArray(),
            record.version());
        storedBytes += Usage.storedBytes(record.value());
        recordCount++;
        if (++pending == INSERT_BATCH) {
          insert.executeBatch();
          pending = 0;
        }
      }
      if (globalVersion != 0) {
        add(user, store, GLOBAL_VERSION_KEY, new byte[0], globalVersion);
      }
      insert.executeBatch();
      // Under the keyspace lock, like every writer's counter update, in the same transaction.
      setUsage.setString(1, user);
      setUsage.setString(2, store);
      setUsage.setLong(3, storedBytes);
      setUsage.setLong(4, recordCount);
      setUsage.executeUpdate();
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      try {
        insert.clearBatch();
        connection.rollback();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof RuntimeException runtime && !(e instanceof StorageException)) {
        throw runtime;
      }
      String why =
          e instanceof SQLException sql && "23505".equals(sql.getSQLState())
              ? "a key appears twice"
              : Schema.oneLine(e.getMessage());
      throw new StorageException(
          "replacing " + keyspace + " failed (" + why + "); the keyspace is unchanged", e);
    }
  }

  private void add(String user, String store, String key, byte[] value, long version)
      throws SQLException {
    insert.setString(1, user);
    insert.setString(2, store);
    insert.setString(3, key);
    insert.setBytes(4, value);
    insert.setLong(5, version);
    insert.addBatch();
  }

  /** Closes the connection. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      connection.close();
    } catch (SQLException e) {
      throw new StorageException("closing the PostgreSQL bulk loader failed", e);
    }
  }
}
