package dev.vss.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.vss.core.Limits;
import dev.vss.core.VssException;
import dev.vss.core.VssService;
import dev.vss.core.spi.StorageException;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.GetObjectResponse;
import dev.vss.proto.KeyValue;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.ListKeyVersionsResponse;
import dev.vss.proto.PutObjectRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A database laid out and filled exactly as the reference server leaves it is served unchanged, and
 * what we write keeps the reference's shape, so the reference can take it back.
 *
 * <p>The reference's migrations and statements are written out here on their own (from the
 * reference's {@code migrations.rs} and {@code postgres_store.rs}), not taken from {@link Schema},
 * so a drift in either shows up.
 */
class ReferenceTakeoverTest {
  private static final TestPostgres POSTGRES = TestPostgres.shared();
  private static final String USER = "02a1b2c3d4";
  private static final String STORE = "ldk_node_data";
  private static final OffsetDateTime PAST = OffsetDateTime.parse("2024-01-01T00:00:00Z");

  /** The reference's migration list, verbatim in meaning. */
  private static final List<String> REFERENCE_MIGRATIONS =
      List.of(
          "CREATE TABLE vss_db_version (db_version INTEGER);",
          "INSERT INTO vss_db_version VALUES(1);",
          "CREATE TABLE vss_db_upgrades (upgrade_from INTEGER);",
          "CREATE TABLE IF NOT EXISTS vss_db (user_token character varying(120) NOT NULL CHECK"
              + " (user_token <> ''), store_id character varying(120) NOT NULL, key character"
              + " varying(600) NOT NULL, value bytea NULL, version bigint NOT NULL, created_at"
              + " TIMESTAMP WITH TIME ZONE, last_updated_at TIMESTAMP WITH TIME ZONE, PRIMARY KEY"
              + " (user_token, store_id, key));",
          "ALTER TABLE vss_db DROP CONSTRAINT IF EXISTS vss_db_store_id_check;",
          "ALTER TABLE vss_db ADD COLUMN IF NOT EXISTS sort_order BIGSERIAL NOT NULL UNIQUE;",
          "CREATE INDEX IF NOT EXISTS idx_vss_db_sort_order ON vss_db (user_token, store_id,"
              + " sort_order DESC) INCLUDE (key, version);");

  private static final String REF_INSERT =
      "INSERT INTO vss_db (user_token, store_id, key, value,"
          + " version, created_at, last_updated_at) VALUES (?, ?, ?, ?, 1, ?, ?) ON CONFLICT DO NOTHING";
  private static final String REF_UPSERT =
      "INSERT INTO vss_db (user_token, store_id, key, value,"
          + " version, created_at, last_updated_at) VALUES (?, ?, ?, ?, 1, ?, ?) ON CONFLICT"
          + " (user_token, store_id, key) DO UPDATE SET value = EXCLUDED.value, version = 1,"
          + " last_updated_at = EXCLUDED.last_updated_at";
  private static final String REF_UPDATE =
      "UPDATE vss_db SET value = ?, version = ?,"
          + " last_updated_at = ? WHERE user_token = ? AND store_id = ? AND key = ? AND version = ?";
  private static final String REF_DELETE =
      "DELETE FROM vss_db WHERE user_token = ? AND store_id = ? AND key = ?";
  private static final String REF_GET =
      "SELECT key, value, version FROM vss_db"
          + " WHERE user_token = ? AND store_id = ? AND key = ?";
  private static final String REF_LIST =
      "SELECT key, version, sort_order FROM vss_db WHERE"
          + " user_token = ? AND store_id = ? AND key LIKE ? AND key != ? ORDER BY sort_order DESC"
          + " LIMIT ?";

  /** Runs the reference's migrations from {@code from} to {@code to} with its bookkeeping. */
  private static void referenceMigrate(Connection connection, int from, int to)
      throws SQLException {
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      for (String migration : REFERENCE_MIGRATIONS.subList(from, to)) {
        statement.execute(migration);
      }
      statement.execute("INSERT INTO vss_db_upgrades VALUES(" + from + ")");
      statement.execute("UPDATE vss_db_version SET db_version=" + to);
    }
    connection.commit();
    connection.setAutoCommit(true);
  }

  private static String newReferenceDatabase() {
    String database = TestPostgres.uniqueDatabase("takeover");
    POSTGRES.execute(POSTGRES.options(database).defaultDatabase(), "CREATE DATABASE " + database);
    return database;
  }

  private static void refWrite(Connection connection, String sql, Object... parameters)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      assertThat(statement.executeUpdate()).as(sql).isEqualTo(1);
    }
  }

  /**
   * The reference's puts: a and b created with global version 0 -> 1; a updated with 1 -> 2; c
   * upserted unconditionally; b deleted. Sort orders: a 1, b 2, global_version 3, c 4.
   */
  private static void fillAsTheReference(Connection c) throws SQLException {
    c.setAutoCommit(false);
    refWrite(c, REF_INSERT, USER, STORE, "a", bytes("a1"), PAST, PAST);
    refWrite(c, REF_INSERT, USER, STORE, "b", bytes("b1"), PAST, PAST);
    refWrite(c, REF_INSERT, USER, STORE, "global_version", new byte[0], PAST, PAST);
    c.commit();
    refWrite(c, REF_UPDATE, bytes("a2"), 2L, PAST, USER, STORE, "a", 1L);
    refWrite(c, REF_UPDATE, new byte[0], 2L, PAST, USER, STORE, "global_version", 1L);
    c.commit();
    refWrite(c, REF_UPSERT, USER, STORE, "c", bytes("c1"), PAST, PAST);
    c.commit();
    refWrite(c, REF_DELETE, USER, STORE, "b");
    c.commit();
    c.setAutoCommit(true);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static VssService service(PostgresStorage storage) {
    return new VssService(storage, Limits.DEFAULTS);
  }

  private static GetObjectResponse get(VssService vss, String key) {
    return vss.getObject(USER, GetObjectRequest.newBuilder().setStoreId(STORE).setKey(key).build());
  }

  @Test
  void aReferenceDatabaseIsServedAndKeepsItsShapeAfterWeWrite() throws Exception {
    String database = newReferenceDatabase();
    try (Connection c = POSTGRES.connect(database)) {
      referenceMigrate(c, 0, 7);
      fillAsTheReference(c);
    }
    List<List<Object>> columnsBefore = columns(database);

    try (PostgresStorage storage = PostgresStorage.open(POSTGRES.options(database))) {
      VssService vss = service(storage);
      assertThat(get(vss, "a").getValue().getVersion()).isEqualTo(2);
      assertThat(get(vss, "a").getValue().getValue().toStringUtf8()).isEqualTo("a2");
      assertThat(get(vss, "c").getValue().getVersion()).isEqualTo(1);
      assertThatThrownBy(() -> get(vss, "b")).isInstanceOf(VssException.class);
      assertThat(get(vss, "global_version").getValue().getVersion()).isEqualTo(2);
      ListKeyVersionsResponse list =
          vss.listKeyVersions(USER, ListKeyVersionsRequest.newBuilder().setStoreId(STORE).build());
      assertThat(list.getKeyVersionsList()).extracting(KeyValue::getKey).containsExactly("c", "a");
      assertThat(list.getKeyVersionsList())
          .extracting(KeyValue::getVersion)
          .containsExactly(1L, 2L);
      assertThat(list.getGlobalVersion()).isEqualTo(2);

      // We write: update a, create d, delete c, global version 2 -> 3.
      vss.putObjects(
          USER,
          PutObjectRequest.newBuilder()
              .setStoreId(STORE)
              .setGlobalVersion(2)
              .addTransactionItems(kv("a", 2, "a3"))
              .addTransactionItems(kv("d", 0, "d1"))
              .addDeleteItems(kv("c", 1, ""))
              .build());
    }

    assertThat(columns(database)).isEqualTo(columnsBefore);
    try (Connection c = POSTGRES.connect(database);
        Statement s = c.createStatement()) {
      assertThat(single(s, "SELECT db_version FROM vss_db_version")).isEqualTo(7);
      assertThat(list(s, "SELECT upgrade_from FROM vss_db_upgrades")).containsExactly(0);
      assertThat(
              single(
                  s,
                  "SELECT count(*) FROM pg_indexes WHERE indexname =" + " 'idx_vss_db_sort_order'"))
          .isEqualTo(1L);
      try (ResultSet row =
          s.executeQuery(
              "SELECT key, version, sort_order, created_at,"
                  + " last_updated_at, value FROM vss_db ORDER BY sort_order")) {
        List<String> rows = new ArrayList<>();
        while (row.next()) {
          rows.add(row.getString(1) + "@" + row.getLong(2) + "#" + row.getLong(3));
          assertThat(row.getObject(4, OffsetDateTime.class)).as("created_at").isNotNull();
          assertThat(row.getObject(5, OffsetDateTime.class)).as("last_updated_at").isNotNull();
          assertThat(row.getBytes(6)).as("value is never NULL").isNotNull();
          if (row.getString(1).equals("a")) {
            assertThat(row.getObject(4, OffsetDateTime.class))
                .as("created_at is kept")
                .isEqualTo(PAST);
            assertThat(row.getObject(5, OffsetDateTime.class)).isAfter(PAST);
          }
          if (row.getString(1).equals("global_version")) {
            assertThat(row.getBytes(6)).isEmpty();
          }
        }
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).isEqualTo("a@3#1");
        assertThat(rows.get(1)).isEqualTo("global_version@3#3");
        assertThat(rows.get(2)).startsWith("d@1#");
        assertThat(Long.parseLong(rows.get(2).substring(4))).isGreaterThan(4);
      }
    }
    // Handed back: the reference's own statements read what we wrote.
    try (Connection c = POSTGRES.connect(database)) {
      try (PreparedStatement list = c.prepareStatement(REF_LIST)) {
        list.setString(1, USER);
        list.setString(2, STORE);
        list.setString(3, "%");
        list.setString(4, "global_version");
        list.setLong(5, 101);
        List<String> keys = new ArrayList<>();
        try (ResultSet rows = list.executeQuery()) {
          while (rows.next()) {
            keys.add(rows.getString(1) + "@" + rows.getLong(2));
          }
        }
        assertThat(keys).containsExactly("d@1", "a@3");
      }
      try (PreparedStatement get = c.prepareStatement(REF_GET)) {
        get.setString(1, USER);
        get.setString(2, STORE);
        get.setString(3, "d");
        try (ResultSet row = get.executeQuery()) {
          assertThat(row.next()).isTrue();
          assertThat(new String(row.getBytes(2), java.nio.charset.StandardCharsets.UTF_8))
              .isEqualTo("d1");
        }
      }
    }
  }

  @Test
  void anOlderReferenceDatabaseIsMigratedWithTheReferenceBookkeeping() throws Exception {
    String database = newReferenceDatabase();
    try (Connection c = POSTGRES.connect(database)) {
      referenceMigrate(c, 0, 4); // before sort_order existed
      try (Statement s = c.createStatement()) {
        s.execute(
            "INSERT INTO vss_db (user_token, store_id, key, value, version, created_at,"
                + " last_updated_at) VALUES ('"
                + USER
                + "', '"
                + STORE
                + "', 'old1', 'x', 1, now(),"
                + " now()), ('"
                + USER
                + "', '"
                + STORE
                + "', 'old2', 'y', 5, now(), now())");
      }
    }

    try (PostgresStorage storage = PostgresStorage.open(POSTGRES.options(database))) {
      VssService vss = service(storage);
      assertThat(get(vss, "old2").getValue().getVersion()).isEqualTo(5);
      vss.putObjects(
          USER,
          PutObjectRequest.newBuilder()
              .setStoreId(STORE)
              .addTransactionItems(kv("new", 0, "z"))
              .build());
      assertThat(
              vss.listKeyVersions(
                      USER, ListKeyVersionsRequest.newBuilder().setStoreId(STORE).build())
                  .getKeyVersionsList())
          .extracting(KeyValue::getKey)
          .containsExactly("new", "old2", "old1");
    }
    try (Connection c = POSTGRES.connect(database);
        Statement s = c.createStatement()) {
      assertThat(single(s, "SELECT db_version FROM vss_db_version")).isEqualTo(7);
      assertThat(list(s, "SELECT upgrade_from FROM vss_db_upgrades")).containsExactly(0, 4);
    }
  }

  @Test
  void aFreshDatabaseGetsTheReferenceBookkeeping() throws Exception {
    String database = TestPostgres.uniqueDatabase("fresh");
    try (PostgresStorage storage = PostgresStorage.open(POSTGRES.options(database))) {
      assertThat(storage.pageTokenSecret()).hasSize(32);
    }
    try (Connection c = POSTGRES.connect(database);
        Statement s = c.createStatement()) {
      assertThat(single(s, "SELECT db_version FROM vss_db_version")).isEqualTo(7);
      assertThat(list(s, "SELECT upgrade_from FROM vss_db_upgrades")).containsExactly(0);
    }
    // the same columns as a database the reference laid out
    String reference = newReferenceDatabase();
    try (Connection c = POSTGRES.connect(reference)) {
      referenceMigrate(c, 0, 7);
    }
    assertThat(columns(database)).isEqualTo(columns(reference));
  }

  @Test
  void aDatabaseNewerThanWeKnowIsRefusedWithOneLine() throws Exception {
    String database = newReferenceDatabase();
    try (Connection c = POSTGRES.connect(database)) {
      referenceMigrate(c, 0, 7);
      try (Statement s = c.createStatement()) {
        s.execute("UPDATE vss_db_version SET db_version = 8");
      }
    }
    assertThatThrownBy(() -> PostgresStorage.open(POSTGRES.options(database)))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("schema version 8 is newer than this server knows (7)")
        .message()
        .doesNotContain("\n");
  }

  @Test
  void serversStartingTogetherAgreeOnSchemaAndSecret() throws Exception {
    String database = TestPostgres.uniqueDatabase("race");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<PostgresStorage>> opens = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Callable<PostgresStorage> open = () -> PostgresStorage.open(POSTGRES.options(database));
        opens.add(pool.submit(open));
      }
      List<byte[]> secrets = new ArrayList<>();
      for (Future<PostgresStorage> open : opens) {
        try (PostgresStorage storage = open.get()) {
          secrets.add(storage.pageTokenSecret());
        }
      }
      assertThat(secrets).allSatisfy(secret -> assertThat(secret).isEqualTo(secrets.get(0)));
    } finally {
      pool.shutdownNow();
    }
    try (PostgresStorage again = PostgresStorage.open(POSTGRES.options(database))) {
      byte[] secret = again.pageTokenSecret();
      secret[0] ^= 1;
      assertThat(again.pageTokenSecret()).as("a copy each time").isNotEqualTo(secret);
    }
    try (Connection c = POSTGRES.connect(database);
        Statement s = c.createStatement()) {
      assertThat(list(s, "SELECT upgrade_from FROM vss_db_upgrades")).containsExactly(0);
    }
  }

  private static KeyValue kv(String key, long version, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setVersion(version)
        .setValue(ByteString.copyFromUtf8(value))
        .build();
  }

  private static List<List<Object>> columns(String database) throws SQLException {
    try (Connection c = POSTGRES.connect(database);
        Statement s = c.createStatement();
        ResultSet rows =
            s.executeQuery(
                "SELECT column_name, data_type,"
                    + " character_maximum_length, is_nullable, column_default FROM"
                    + " information_schema.columns WHERE table_name = 'vss_db' ORDER BY ordinal_position")) {
      List<List<Object>> columns = new ArrayList<>();
      while (rows.next()) {
        List<Object> column = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
          column.add(String.valueOf(rows.getObject(i)));
        }
        columns.add(column);
      }
      assertThat(columns).isNotEmpty();
      return columns;
    }
  }

  private static Object single(Statement s, String sql) throws SQLException {
    try (ResultSet row = s.executeQuery(sql)) {
      assertThat(row.next()).isTrue();
      return row.getObject(1);
    }
  }

  private static List<Object> list(Statement s, String sql) throws SQLException {
    List<Object> values = new ArrayList<>();
    try (ResultSet rows = s.executeQuery(sql)) {
      while (rows.next()) {
        values.add(rows.getObject(1));
      }
    }
    return values;
  }
}
