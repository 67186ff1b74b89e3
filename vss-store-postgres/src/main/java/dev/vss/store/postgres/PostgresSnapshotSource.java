package dev.vss.store.postgres;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.vss.core.Keyspace;
import dev.vss.core.rules.RequestValidation;
import dev.vss.core.spi.KeyspaceFilter;
import dev.vss.core.spi.Snapshot;
import dev.vss.core.spi.SnapshotKeyspace;
import dev.vss.core.spi.SnapshotSource;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.StoredRecord;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * Consistent snapshots of a PostgreSQL store (the reference's {@code vss_db} layout) for the
 * operator tools, alongside running servers: each snapshot is one {@code REPEATABLE READ, READ
 * ONLY} transaction on a connection of its own, so it sees every row as of its first statement and
 * takes no lock that a server's writes would wait for.
 *
 * <ul>
 *   <li>A keyspace's global version is its {@code global_version} row's version, as the reference
 *       keeps it; that row is not a record.
 *   <li>Records stream in ascending {@code sort_order} (creation order) through a server-side
 *       cursor, so memory does not grow with the keyspace.
 * </ul>
 */
@NullMarked
public final class PostgresSnapshotSource implements SnapshotSource {
  private static final String GLOBAL_VERSION_KEY = RequestValidation.GLOBAL_VERSION_KEY;
  private static final String KEYSPACES_SQL =
      "SELECT user_token, store_id,"
          + " coalesce(max(version) FILTER (WHERE key = '"
          + GLOBAL_VERSION_KEY
          + "'), 0),"
          + " count(*) FILTER (WHERE key <> '"
          + GLOBAL_VERSION_KEY
          + "')"
          + " FROM vss_db";
  private static final String GROUP = " GROUP BY user_token, store_id";
  private static final String RECORDS_SQL =
      "SELECT key, version, value, sort_order FROM vss_db"
          + " WHERE user_token = ? AND store_id = ? AND key <> '"
          + GLOBAL_VERSION_KEY
          + "'"
          + " ORDER BY sort_order";
  private static final int FETCH_ROWS = 1000;

  private final PostgresOptions options;

  private PostgresSnapshotSource(PostgresOptions options) {
    this.options = options;
  }

  /** A source reading the VSS database {@code options} names; connects per snapshot. */
  public static PostgresSnapshotSource of(PostgresOptions options) {
    return new PostgresSnapshotSource(Objects.requireNonNull(options, "options"));
  }

  @Override
  public Snapshot openSnapshot(KeyspaceFilter filter) {
    Connection connection = null;
    try {
      connection =
          DriverManager.getConnection(
              options.jdbcUrl(options.vssDatabase()), options.driverProperties());
      connection.setAutoCommit(false);
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      connection.setReadOnly(true);
      String sql =
          KEYSPACES_SQL
              + (filter.userToken().isPresent() ? " WHERE user_token = ?" : "")
              + (filter.storeId().isPresent() ? " AND store_id = ?" : "")
              + GROUP;
      List<SnapshotKeyspace> keyspaces = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement(sql)) {
        int p = 1;
        if (filter.userToken().isPresent()) {
          select.setString(p++, TextCodec.encode(filter.userToken().get()));
        }
        if (filter.storeId().isPresent()) {
          select.setString(p, TextCodec.encode(filter.storeId().get()));
        }
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            long globalVersion = rows.getLong(3);
            if (globalVersion == 0 && rows.getLong(4) == 0) {
              continue;
            }
            keyspaces.add(
                new SnapshotKeyspace(
                    new Keyspace(
                        TextCodec.decode(rows.getString(1)), TextCodec.decode(rows.getString(2))),
                    globalVersion));
          }
        }
      }
      keyspaces.sort((a, b) -> KeyspaceFilter.ORDER.compare(a.keyspace(), b.keyspace()));
      PreparedStatement records = connection.prepareStatement(RECORDS_SQL);
      records.setFetchSize(FETCH_ROWS);
      return new PostgresSnapshot(connection, keyspaces, records);
    } catch (SQLException e) {
      if (connection != null) {
        try {
          connection.close();
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw new StorageException(
          "opening a PostgreSQL snapshot of "
              + options
              + " failed: "
              + Schema.oneLine(e.getMessage()),
          e);
    }
  }

  /** {@code postgres}. */
  @Override
  public String kind() {
    return "postgres";
  }

  /** One repeatable-read transaction; see the class doc. */
  private static final class PostgresSnapshot implements Snapshot {
    private final Connection connection;
    private final List<SnapshotKeyspace> keyspaces;
    private final PreparedStatement records;
    private int next;
    private @Nullable ResultSet rows;
    private boolean closed;

    PostgresSnapshot(
        Connection connection, List<SnapshotKeyspace> keyspaces, PreparedStatement records) {
      this.connection = connection;
      this.keyspaces = keyspaces;
      this.records = records;
    }

    @Override
    public Optional<SnapshotKeyspace> nextKeyspace() {
      ensureOpen();
      closeRows();
      if (next == keyspaces.size()) {
        return Optional.empty();
      }
      SnapshotKeyspace keyspace = keyspaces.get(next++);
      try {
        records.setString(1, TextCodec.encode(keyspace.keyspace().userToken()));
        records.setString(2, TextCodec.encode(keyspace.keyspace().storeId()));
        rows = records.executeQuery();
      } catch (SQLException e) {
        throw new StorageException(
            "reading the records of a PostgreSQL keyspace failed: "
                + Schema.oneLine(e.getMessage()),
            e);
      }
      return Optional.of(keyspace);
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
        byte[] value = rows.getBytes(3);
        return Optional.of(
            new StoredRecord(
                TextCodec.decode(rows.getString(1)),
                rows.getLong(2),
                value == null ? ByteString.EMPTY : UnsafeByteOperations.unsafeWrap(value),
                rows.getLong(4)));
      } catch (SQLException e) {
        throw new StorageException(
            "reading a PostgreSQL record failed: " + Schema.oneLine(e.getMessage()), e);
      }
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      closeRows();
      try {
        records.close();
        connection.rollback();
      } catch (SQLException e) {
        // a read-only transaction: nothing to lose
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
          // a read cursor
        }
        rows = null;
      }
    }

    private void ensureOpen() {
      if (closed) {
        throw new StorageException("the PostgreSQL snapshot is closed");
      }
    }
  }
}
