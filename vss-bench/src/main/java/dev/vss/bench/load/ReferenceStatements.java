package dev.vss.bench.load;

import com.google.protobuf.ByteString;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The reference server's own storage statements (lightningdevkit/vss-server, {@code
 * rust/impls/src/postgres_store.rs}), run straight over JDBC: what the reference costs PostgreSQL
 * per request, with no HTTP, no protobuf and no server in front. It is an upper bound of the
 * reference server, which adds all of that on top (and runs a put as {@code BEGIN}, the statement
 * and {@code COMMIT} on a pool of 10 connections, where here every put is one autocommit statement
 * on one of 64 connections, as a pgbench script would run it).
 */
final class ReferenceStatements {
  /**
   * The reference's unconditional put (version -1): {@code execute_non_conditional_upsert}, with
   * its {@code INITIAL_RECORD_VERSION} (1) written in, as the reference formats it into the text.
   */
  static final String UPSERT =
      "INSERT INTO vss_db (user_token, store_id, key, value, version,"
          + " created_at, last_updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)"
          + " ON CONFLICT (user_token, store_id, key) DO UPDATE"
          + " SET value = EXCLUDED.value, version = 1, last_updated_at = EXCLUDED.last_updated_at";

  /** The reference's get. */
  static final String GET =
      "SELECT key, value, version FROM vss_db WHERE user_token = ? AND store_id = ? AND key = ?";

  /** The user token of every keyspace written here (ours runs with {@code --auth none}). */
  static final String USER_TOKEN = "reference-bench";

  private ReferenceStatements() {}

  /**
   * Binds one unconditional put to {@link #UPSERT}, as the reference does: both timestamps are the
   * same "now".
   */
  static void bindUpsert(PreparedStatement upsert, String storeId, String key, ByteString value)
      throws SQLException {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    upsert.setString(1, USER_TOKEN);
    upsert.setString(2, storeId);
    upsert.setString(3, key);
    upsert.setBytes(4, value.toByteArray());
    upsert.setObject(5, now);
    upsert.setObject(6, now);
  }

  /**
   * One closed-loop worker's connection running the statements: a put is one autocommit {@link
   * #UPSERT} (a durable commit of its own), a get one {@link #GET}. The status is the one the
   * reference would answer: 200, 409 if the upsert touched no row, 404 for a missing key.
   */
  static final class JdbcEndpoint implements Endpoint {
    private final Connection connection;
    private final PreparedStatement upsert;
    private final PreparedStatement get;

    JdbcEndpoint(Connection connection) throws SQLException {
      this.connection = connection;
      connection.setAutoCommit(true);
      this.upsert = connection.prepareStatement(UPSERT);
      this.get = connection.prepareStatement(GET);
    }

    @Override
    public int call(Call call) throws IOException {
      try {
        if (call.method() == Method.PUT_OBJECTS) {
          PutObjectRequest put = (PutObjectRequest) call.request();
          KeyValue item = put.getTransactionItems(0);
          bindUpsert(upsert, put.getStoreId(), item.getKey(), item.getValue());
          return upsert.executeUpdate() == 1 ? 200 : 409;
        }
        GetObjectRequest request = (GetObjectRequest) call.request();
        get.setString(1, USER_TOKEN);
        get.setString(2, request.getStoreId());
        get.setString(3, request.getKey());
        try (ResultSet row = get.executeQuery()) {
          if (!row.next()) {
            return 404;
          }
          row.getString(1);
          row.getBytes(2);
          row.getLong(3);
          return 200;
        }
      } catch (SQLException e) {
        throw new IOException("reference statement failed: " + e.getMessage(), e);
      }
    }

    @Override
    public void close() throws IOException {
      try {
        connection.close();
      } catch (SQLException e) {
        throw new IOException(e);
      }
    }
  }
}
