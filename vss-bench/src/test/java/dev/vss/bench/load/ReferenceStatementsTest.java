package dev.vss.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import dev.vss.store.postgres.PostgresOptions;
import dev.vss.store.postgres.PostgresStorage;
import dev.vss.store.postgres.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reference's statements against a real PostgreSQL laid out by our store: they write the rows
 * the reference writes, and our store serves them, so the comparison measures the reference's real
 * work on the real schema.
 */
class ReferenceStatementsTest {
  private static PostgresTarget target;
  private static String database;

  @BeforeAll
  static void createDatabase() throws Exception {
    String external = System.getenv(TestPostgres.EXTERNAL_URL_ENV);
    target =
        external != null && !external.isBlank()
            ? PostgresTarget.external(external)
            : PostgresTarget.external(
                "jdbc:postgresql://127.0.0.1:"
                    + TestPostgres.shared().port()
                    + "/postgres?user=postgres&password=postgres");
    database = TestPostgres.uniqueDatabase("bench_reference");
    target.createVssDatabase(database);
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    target.drop(database);
  }

  private static Call put(String storeId, String key, ByteString value) {
    return new Call(
        Method.PUT_OBJECTS,
        0,
        PutObjectRequest.newBuilder()
            .setStoreId(storeId)
            .addTransactionItems(KeyValue.newBuilder().setKey(key).setVersion(-1).setValue(value))
            .build(),
        -1);
  }

  private static Call get(String storeId, String key) {
    return new Call(
        Method.GET_OBJECT,
        0,
        GetObjectRequest.newBuilder().setStoreId(storeId).setKey(key).build(),
        -1);
  }

  @Test
  void theUpsertWritesTheReferencesRowsAndOurStoreServesThem() throws Exception {
    ByteString first = ByteString.copyFromUtf8("first value");
    ByteString second = ByteString.copyFromUtf8("second value");
    OffsetDateTime createdAt;
    try (ReferenceStatements.JdbcEndpoint endpoint =
        new ReferenceStatements.JdbcEndpoint(target.connect(database))) {
      assertThat(endpoint.call(put("ks-1", "k/1", first))).isEqualTo(200);
      assertThat(endpoint.call(get("ks-1", "k/1"))).isEqualTo(200);
      assertThat(endpoint.call(get("ks-1", "k/2"))).isEqualTo(404);
      assertThat(endpoint.call(get("ks-2", "k/1"))).isEqualTo(404);
      createdAt = row("ks-1", "k/1").createdAt;
      assertThat(row("ks-1", "k/1").lastUpdatedAt).isEqualTo(createdAt);
      assertThat(endpoint.call(put("ks-1", "k/1", second))).isEqualTo(200);
    }
    Row row = row("ks-1", "k/1");
    assertThat(row.version).isEqualTo(1); // the reference's INITIAL_RECORD_VERSION, every time
    assertThat(row.value).isEqualTo(second.toByteArray());
    assertThat(row.createdAt).isEqualTo(createdAt);
    assertThat(row.lastUpdatedAt).isAfterOrEqualTo(createdAt);
    assertThat(row.sortOrder).isPositive();
    try (PostgresStorage storage =
        PostgresStorage.open(PostgresOptions.fromJdbcUrl(target.url(database)))) {
      KeyValue served =
          new VssService(storage, Limits.DEFAULTS)
              .getObject(
                  ReferenceStatements.USER_TOKEN,
                  GetObjectRequest.newBuilder().setStoreId("ks-1").setKey("k/1").build())
              .getValue();
      assertThat(served.getValue()).isEqualTo(second);
      assertThat(served.getVersion()).isEqualTo(1);
    }
  }

  @Test
  void replacesTheDatabaseOfAJdbcUrl() {
    assertThat(
            PostgresTarget.withDatabase(
                "jdbc:postgresql://db:5432/postgres?user=u&password=p", "vss_x"))
        .isEqualTo("jdbc:postgresql://db:5432/vss_x?user=u&password=p");
    assertThat(PostgresTarget.withDatabase("jdbc:postgresql://a:1,b:2/old", "new"))
        .isEqualTo("jdbc:postgresql://a:1,b:2/new");
    assertThatThrownBy(() -> PostgresTarget.withDatabase("jdbc:postgresql://db:5432?user=u", "x"))
        .hasMessage("the JDBC URL names no database");
    assertThatThrownBy(() -> PostgresTarget.withDatabase("jdbc:mysql://db/x", "x"))
        .hasMessageStartingWith("not a PostgreSQL JDBC URL");
  }

  private record Row(
      long version,
      byte[] value,
      OffsetDateTime createdAt,
      OffsetDateTime lastUpdatedAt,
      long sortOrder) {}

  private static Row row(String storeId, String key) throws Exception {
    try (Connection connection = target.connect(database);
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT version, value, created_at,"
                    + " last_updated_at, sort_order FROM vss_db WHERE user_token = '"
                    + ReferenceStatements.USER_TOKEN
                    + "' AND store_id = '"
                    + storeId
                    + "' AND key = '"
                    + key
                    + "'")) {
      assertThat(rows.next()).isTrue();
      return new Row(
          rows.getLong(1),
          rows.getBytes(2),
          rows.getObject(3, OffsetDateTime.class),
          rows.getObject(4, OffsetDateTime.class),
          rows.getLong(5));
    }
  }
}
