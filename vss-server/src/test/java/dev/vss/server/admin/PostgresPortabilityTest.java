package dev.vss.server.admin;

import static dev.vss.server.admin.AdminFixture.admin;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vss.core.Keyspace;
import dev.vss.core.spi.Storage;
import dev.vss.server.admin.AdminFixture.Change;
import dev.vss.server.admin.AdminFixture.Kind;
import dev.vss.store.postgres.PostgresBulkLoader;
import dev.vss.store.postgres.PostgresOptions;
import dev.vss.store.postgres.PostgresStorage;
import dev.vss.store.postgres.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

/**
 * PostgreSQL in the round trip: SQLite to PostgreSQL and back, and a database written in the
 * reference server's layout (rows inserted as the reference inserts them) exported to SQLite. Runs
 * on the tests' own PostgreSQL ({@link TestPostgres}).
 */
class PostgresPortabilityTest {
  private static final TestPostgres POSTGRES = TestPostgres.shared();

  private static String jdbcUrl(String database) {
    PostgresOptions options = POSTGRES.options(database);
    return "jdbc:postgresql://"
        + options.address()
        + "/"
        + database
        + "?user="
        + options.user()
        + "&password=postgres";
  }

  @Provide
  Arbitrary<List<Change>> changes() {
    return RoundTripProperties.changeLists();
  }

  @Property(tries = 3, shrinking = ShrinkingMode.OFF)
  void sqliteToPostgresAndBack(@ForAll("changes") List<Change> changes) throws IOException {
    String database = TestPostgres.uniqueDatabase("admin");
    String url = jdbcUrl(database);
    Path work = Files.createTempDirectory("vss-pg-roundtrip");
    try {
      Path source = work.resolve("source");
      Map<Keyspace, List<String>> before;
      try (Storage sqlite = Kind.SQLITE.open(source)) {
        AdminFixture.apply(sqlite, changes);
        before = AdminFixture.visible(sqlite, RoundTripProperties.KEYSPACES);
      }
      Path first = work.resolve("first.vssexport");
      run(
          "export",
          "--store",
          "sqlite",
          "--data-dir",
          source.toString(),
          "--out",
          first.toString());
      run("import", "--store", "postgres", "--postgres-url", url, "--in", first.toString());
      try (PostgresStorage postgres = PostgresStorage.open(POSTGRES.options(database))) {
        assertThat(AdminFixture.visible(postgres, RoundTripProperties.KEYSPACES)).isEqualTo(before);
      }
      run(
          "verify",
          "--store",
          "postgres",
          "--postgres-url",
          url,
          "--against-store",
          "sqlite",
          "--against-data-dir",
          source.toString());

      Path second = work.resolve("second.vssexport");
      run("export", "--store", "postgres", "--postgres-url", url, "--out", second.toString());
      Path back = work.resolve("back");
      run("import", "--store", "sqlite", "--data-dir", back.toString(), "--in", second.toString());
      assertThat(AdminFixture.visible(Kind.SQLITE, back, RoundTripProperties.KEYSPACES))
          .isEqualTo(before);
    } finally {
      AdminFixture.deleteTree(work);
    }
  }

  @Example
  void aDatabaseInTheReferenceLayoutMovesToSqliteWithItsOrder() throws Exception {
    String database = TestPostgres.uniqueDatabase("reference");
    PostgresBulkLoader.open(POSTGRES.options(database)).close(); // the reference's schema
    try (Connection connection = DriverManager.getConnection(jdbcUrl(database));
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO vss_db"
                    + " (user_token, store_id, key, value, version, created_at, last_updated_at)"
                    + " VALUES (?, ?, ?, ?, ?, now(), now())");
        Statement statement = connection.createStatement()) {
      // As the reference writes them: one row per key, the global version as a row of its own.
      String[][] rows = {
        {"k-b", "2"}, {"global_version", "5"}, {"k-a", "1"}, {"k-c", "3"}, {"k-0", "7"}
      };
      for (String[] row : rows) {
        insert.setString(1, "reference-user");
        insert.setString(2, "wallet");
        insert.setString(3, row[0]);
        insert.setBytes(
            4, ("value of " + row[0]).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        insert.setLong(5, Long.parseLong(row[1]));
        insert.executeUpdate();
      }
      // A delete and re-create moves k-b to the newest place, as in the reference.
      statement.executeUpdate("DELETE FROM vss_db WHERE key = 'k-b'");
      insert.setString(3, "k-b");
      insert.setBytes(4, new byte[] {1, 2, 3});
      insert.setLong(5, 9);
      insert.executeUpdate();
      // The reference leaves value NULL nowhere but tolerates it; an empty value is a value.
      statement.executeUpdate("UPDATE vss_db SET value = NULL WHERE key = 'k-0'");
    }
    Path work = Files.createTempDirectory("vss-pg-reference");
    try {
      Path export = work.resolve("reference.vssexport");
      run(
          "export",
          "--store",
          "postgres",
          "--postgres-url",
          jdbcUrl(database),
          "--out",
          export.toString());
      Path sqlite = work.resolve("sqlite");
      run(
          "import",
          "--store",
          "sqlite",
          "--data-dir",
          sqlite.toString(),
          "--in",
          export.toString());
      Keyspace keyspace = new Keyspace("reference-user", "wallet");
      List<String> migrated =
          AdminFixture.visible(Kind.SQLITE, sqlite, List.of(keyspace)).get(keyspace);
      assertThat(migrated)
          .containsExactly(
              "global_version=5",
              "k-b@9=010203",
              "k-0@7=",
              "k-c@3=" + hex("value of k-c"),
              "k-a@1=" + hex("value of k-a"));
      try (PostgresStorage postgres = PostgresStorage.open(POSTGRES.options(database))) {
        assertThat(AdminFixture.visible(postgres, List.of(keyspace)).get(keyspace))
            .isEqualTo(migrated);
      }
      AdminFixture.Run stats =
          admin("stats", "--store", "postgres", "--postgres-url", jdbcUrl(database));
      assertThat(stats.out()).contains("users        1", "keyspaces    1", "records      4");
      // The reference wrote behind the counters' back: a recount puts them right.
      try (PostgresStorage postgres = PostgresStorage.open(POSTGRES.options(database))) {
        assertThat(postgres.usage(keyspace))
            .as("stale before the recount")
            .isEqualTo(dev.vss.core.spi.Usage.ZERO);
      }
      run("recount-usage", "--store", "postgres", "--postgres-url", jdbcUrl(database));
      try (PostgresStorage postgres = PostgresStorage.open(POSTGRES.options(database))) {
        assertThat(postgres.usage(keyspace))
            .isEqualTo(new dev.vss.core.spi.Usage(27, 4))
            .isEqualTo(dev.vss.testkit.UsageScan.of(postgres, keyspace));
      }
      run(
          "delete-user",
          "--store",
          "postgres",
          "--postgres-url",
          jdbcUrl(database),
          "--user",
          "reference-user");
      try (PostgresStorage postgres = PostgresStorage.open(POSTGRES.options(database))) {
        assertThat(AdminFixture.visible(postgres, List.of(keyspace)).get(keyspace))
            .containsExactly("global_version=0");
      }
    } finally {
      AdminFixture.deleteTree(work);
    }
  }

  private static String hex(String text) {
    return java.util.HexFormat.of()
        .formatHex(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static void run(String... args) {
    AdminFixture.Run run = admin(args);
    assertThat(run.status()).as(run.out() + run.err()).isZero();
  }
}
