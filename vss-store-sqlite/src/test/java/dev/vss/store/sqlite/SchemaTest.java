package dev.vss.store.sqlite;

import static dev.vss.store.sqlite.SqliteStorageTest.item;
import static dev.vss.store.sqlite.SqliteStorageTest.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vss.core.Keyspace;
import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.spi.StorageException;
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
  private static final Schema.Migration NEXT = Schema.Migration.ofSql(
      Schema.MIGRATIONS.size() + 1, "test: audit table and record flag",
      List.of("CREATE TABLE audit (at INTEGER NOT NULL)",
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
    try (Connection connection = connect(); Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT count(*) FROM records WHERE flag = 0")) {
      row.next();
      assertThat(row.getInt(1)).isEqualTo(3);
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
    broken.add(Schema.Migration.ofSql(Schema.MIGRATIONS.size() + 1, "test: broken",
        List.of("CREATE TABLE half_done (x)", "THIS IS NOT SQL")));
    assertThatThrownBy(() -> SqliteStorage.open(dir, SqliteOptions.DEFAULTS, broken))
        .isInstanceOf(StorageException.class);

    assertThat(migrationVersions()).isEqualTo(versions(Schema.MIGRATIONS.size()));
    try (Connection connection = connect(); Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(
            "SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'")) {
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
    try (Connection connection = connect(); Statement statement = connection.createStatement();
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
