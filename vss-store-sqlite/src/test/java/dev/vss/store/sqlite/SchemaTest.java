package dev.vss.store.sqlite;

import static dev.vss.store.sqlite.SqliteStorageTest.item;
import static dev.vss.store.sqlite.SqliteStorageTest.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vss.core.Keyspace;
import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.Usage;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaTest {
  private static final Keyspace WALLET = new Keyspace("alice", "wallet");

  /** What a later build might append: a new table and a new column with a default. */
  private static final Schema.Migration NEXT =
      Schema.Migration.ofSql(
          Schema.MIGRATIONS.size() + 1,
          "test: audit table and record flag",
          List.of(
              "CREATE TABLE audit (at INTEGER NOT NULL)",
              "ALTER TABLE records ADD COLUMN flag INTEGER NOT NULL DEFAULT 0"));

  @TempDir Path dir;

  @Test
  void aNewFileRecordsEveryMigration() throws Exception {
    SqliteStorage.open(dir).close();
    assertThat(migrationVersions()).isEqualTo(versions(Schema.MIGRATIONS.size()));
  }

  @Test
  void reopeningACurrentFileAppliesNothingAndKeepsData() throws Exception {
    try (SqliteStorage storage = SqliteStorage.open(dir)) {
      new VssService(storage, Limits.DEFAULTS)
          .putObjects("alice", put("wallet", 0L, item("a", 0, "1")));
    }
    try (SqliteStorage storage = SqliteStorage.open(dir)) {
      assertThat(storage.get(WALLET, "a")).isPresent();
      assertThat(storage.globalVersion(WALLET)).isEqualTo(1);
    }
    assertThat(migrationVersions()).isEqualTo(versions(Schema.MIGRATIONS.size()));
  }

  @Test
  void aNewerBuildMigratesAnOlderFileAndKeepsItsData() throws Exception {
    try (SqliteStorage storage = SqliteStorage.open(dir)) {
      new VssService(storage, Limits.DEFAULTS)
          .putObjects("alice", put("wallet", 0L, item("a", 0, "1"), item("b", 0, "2")));
    }
    List<Schema.Migration> newer = new ArrayList<>(Schema.MIGRATIONS);
    newer.add(NEXT);
    try (SqliteStorage storage = SqliteStorage.open(dir, SqliteOptions.DEFAULTS, newer)) {
      assertThat(storage.get(WALLET, "a").orElseThrow().value().toStringUtf8()).isEqualTo("1");
      assertThat(storage.globalVersion(WALLET)).isEqualTo(1);
      new VssService(storage, Limits.DEFAULTS)
          .putObjects("alice", put("wallet", 1L, item("c", 0, "3")));
      assertThat(SqliteStorageTest.keys(storage.list(WALLET, "", Long.MAX_VALUE, 10)))
          .containsExactly("c", "b", "a");
    }
    assertThat(migrationVersions()).isEqualTo(versions(newer.size()));
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT count(*) FROM records WHERE flag = 0")) {
      row.next();
      assertThat(row.getInt(1)).isEqualTo(3);
    }
  }

  @Test
  void aFileOfTheReleaseWithoutChecksumsGetsThemAtUpgradeInOneTransaction() throws Exception {
    // What the previous release wrote: schema version 1, rows without checksums, through its
    // own statements (it had no checksum columns to fill).
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      Schema.migrate(connection, Schema.MIGRATIONS.subList(0, 1));
      statement.execute("BEGIN");
      statement.execute(
          "INSERT INTO keyspaces (id, user_token, store_id, global_version)"
              + " VALUES (1, CAST('alice' AS BLOB), CAST('wallet' AS BLOB), 3)");
      for (int i = 1; i <= 2500; i++) { // more than one backfill chunk
        statement.execute(
            "INSERT INTO records (sequence, keyspace_id, key, version, value)"
                + " VALUES ("
                + i
                + ", 1, CAST('k"
                + i
                + "' AS BLOB), "
                + i
                + ", CAST('v"
                + i
                + "' AS BLOB))");
      }
      statement.execute("UPDATE sequence_counter SET last_sequence = 2500");
      statement.execute("COMMIT");
    }
    assertThat(migrationVersions()).containsExactly(1);

    try (SqliteStorage storage = SqliteStorage.open(dir)) {
      assertThat(storage.get(WALLET, "k1").orElseThrow().value().toStringUtf8()).isEqualTo("v1");
      assertThat(storage.get(WALLET, "k2500").orElseThrow().version()).isEqualTo(2500);
      assertThat(storage.list(WALLET, "", Long.MAX_VALUE, 3000)).hasSize(2500);
      IntegrityReport report = storage.checkIntegrity();
      assertThat(report.ok()).isTrue();
      assertThat(report.recordsChecked()).isEqualTo(5000);
      new VssService(storage, Limits.DEFAULTS)
          .putObjects("alice", put("wallet", 3L, item("k1", 1, "new")));
      assertThat(storage.get(WALLET, "k1").orElseThrow().value().toStringUtf8()).isEqualTo("new");
    }
    assertThat(migrationVersions()).isEqualTo(versions(Schema.MIGRATIONS.size()));
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet row =
            statement.executeQuery(
                "SELECT count(*) FROM records"
                    + " WHERE entry_crc IS NULL OR record_crc IS NULL")) {
      row.next();
      assertThat(row.getInt(1)).isZero();
    }
  }

  @Test
  void aFileOfAnEarlierReleaseGetsItsUsageCountedAtUpgrade() throws Exception {
    // Written before usage was tracked (schema version 2 has no usage columns).
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      Schema.migrate(connection, Schema.MIGRATIONS.subList(0, 1));
      statement.execute("BEGIN");
      statement.execute(
          "INSERT INTO keyspaces (id, user_token, store_id, global_version) VALUES"
              + " (1, CAST('alice' AS BLOB), CAST('wallet' AS BLOB), 0),"
              + " (2, CAST('alice' AS BLOB), CAST('other' AS BLOB), 4),"
              + " (3, CAST('bob' AS BLOB), CAST('wallet' AS BLOB), 0)");
      statement.execute(
          "INSERT INTO records (sequence, keyspace_id, key, version, value) VALUES"
              + " (1, 1, CAST('a' AS BLOB), 1, zeroblob(100)),"
              + " (2, 1, CAST('b' AS BLOB), 1, zeroblob(0)),"
              + " (3, 2, CAST('c' AS BLOB), 1, zeroblob(7)),"
              + " (4, 3, CAST('d' AS BLOB), 1, zeroblob(1000))");
      statement.execute("UPDATE sequence_counter SET last_sequence = 4");
      statement.execute("COMMIT");
      Schema.migrate(connection, Schema.MIGRATIONS.subList(0, 2));
    }
    try (SqliteStorage storage = SqliteStorage.open(dir)) {
      assertThat(storage.usage(WALLET)).isEqualTo(new Usage(100, 2));
      assertThat(storage.usage(new Keyspace("alice", "other"))).isEqualTo(new Usage(7, 1));
      assertThat(storage.userUsage("alice")).isEqualTo(new Usage(107, 3));
      assertThat(storage.userUsage("bob")).isEqualTo(new Usage(1000, 1));
      new VssService(storage, Limits.DEFAULTS)
          .putObjects("alice", put("wallet", null, item("b", 1, "new")));
      assertThat(storage.usage(WALLET)).isEqualTo(new Usage(103, 2));
    }
    assertThat(migrationVersions()).isEqualTo(versions(Schema.MIGRATIONS.size()));
  }

  @Test
  void aBackfillThatFailsLeavesTheFileAtTheOldVersion() throws Exception {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      Schema.migrate(connection, Schema.MIGRATIONS.subList(0, 1));
      statement.execute(
          "INSERT INTO keyspaces (id, user_token, store_id) VALUES (1,"
              + " CAST('alice' AS BLOB), CAST('wallet' AS BLOB))");
      statement.execute(
          "INSERT INTO records (sequence, keyspace_id, key, version, value)"
              + " VALUES (1, 1, CAST('a' AS BLOB), 1, CAST('v' AS BLOB))");
    }
    List<Schema.Migration> failing = new ArrayList<>(Schema.MIGRATIONS);
    failing.add(Schema.Migration.ofSql(failing.size() + 1, "test: fails", List.of("NOT SQL")));
    assertThatThrownBy(() -> SqliteStorage.open(dir, SqliteOptions.DEFAULTS, failing))
        .isInstanceOf(StorageException.class);
    assertThat(migrationVersions()).containsExactly(1);
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet columns =
            statement.executeQuery(
                "SELECT count(*) FROM pragma_table_info('records') WHERE name = 'entry_crc'")) {
      columns.next();
      assertThat(columns.getInt(1)).isZero();
    }
  }

  @Test
  void anOlderBuildRefusesANewerFile() throws Exception {
    List<Schema.Migration> newer = new ArrayList<>(Schema.MIGRATIONS);
    newer.add(NEXT);
    SqliteStorage.open(dir, SqliteOptions.DEFAULTS, newer).close();
    assertThatThrownBy(() -> SqliteStorage.open(dir))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("newer build");
  }

  @Test
  void aFailingMigrationLeavesTheFileAsItWas() throws Exception {
    try (SqliteStorage storage = SqliteStorage.open(dir)) {
      new VssService(storage, Limits.DEFAULTS)
          .putObjects("alice", put("wallet", null, item("a", 0, "1")));
    }
    List<Schema.Migration> broken = new ArrayList<>(Schema.MIGRATIONS);
    broken.add(
        Schema.Migration.ofSql(
            Schema.MIGRATIONS.size() + 1,
            "test: broken",
            List.of("CREATE TABLE half_done (x)", "THIS IS NOT SQL")));
    assertThatThrownBy(() -> SqliteStorage.open(dir, SqliteOptions.DEFAULTS, broken))
        .isInstanceOf(StorageException.class);

    assertThat(migrationVersions()).isEqualTo(versions(Schema.MIGRATIONS.size()));
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet row =
            statement.executeQuery("SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'")) {
      row.next();
      assertThat(row.getInt(1)).isZero();
    }
    try (SqliteStorage storage = SqliteStorage.open(dir)) {
      assertThat(storage.get(WALLET, "a")).isPresent();
    }
  }

  @Test
  void migrationsMustBeNumberedInOrder() {
    List<Schema.Migration> gap = List.of(Schema.Migration.ofSql(2, "gap", List.of()));
    assertThatThrownBy(() -> SqliteStorage.open(dir, SqliteOptions.DEFAULTS, gap))
        .hasRootCauseInstanceOf(IllegalStateException.class);
  }

  private Connection connect() throws Exception {
    return DriverManager.getConnection(
        "jdbc:sqlite:" + dir.resolve(SqliteStorage.DATABASE_FILE_NAME));
  }

  private List<Integer> migrationVersions() throws Exception {
    List<Integer> found = new ArrayList<>();
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery("SELECT version FROM schema_migrations ORDER BY version")) {
      while (rows.next()) {
        found.add(rows.getInt(1));
      }
    }
    return found;
  }

  private static List<Integer> versions(int upTo) {
    List<Integer> expected = new ArrayList<>();
    for (int i = 1; i <= upTo; i++) {
      expected.add(i);
    }
    return expected;
  }
}
