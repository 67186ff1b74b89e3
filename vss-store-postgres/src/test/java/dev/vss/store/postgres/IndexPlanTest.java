package dev.vss.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * No statement the store's pools run scans {@code vss_db} whole, even on a table PostgreSQL has
 * never analyzed, which is what a new database has until autovacuum's first visit, and whose
 * generic plans a connection keeps. Without {@link PostgresStorage#INDEX_PLANS_SQL} the planner
 * picks a hash join over a sequential scan for the write batch's read (the control below shows it
 * does on this server). Once the table is analyzed, every lookup by key uses the primary key.
 */
class IndexPlanTest {
  private static final TestPostgres POSTGRES = TestPostgres.shared();

  /** The statements of the store's pools that read or write {@code vss_db}. */
  private static List<String> statements() {
    List<String> all = new ArrayList<>();
    all.addAll(split(WriteBatch.LOCK_AND_READ_SQL));
    all.addAll(split(WriteBatch.WRITE_AND_COMMIT_SQL));
    all.add(GetBatcher.GET_BATCH_SQL);
    all.add(PostgresStorage.GLOBAL_VERSION_SQL);
    all.add(PostgresStorage.LIST_SQL);
    all.add(PostgresStorage.LIST_PREFIX_SQL);
    return all.stream()
        .map(String::strip)
        .filter(sql -> !sql.equals("COMMIT") && sql.contains("vss_db"))
        .map(IndexPlanTest::numbered)
        .toList();
  }

  @Test
  void theStoresStatementsUseIndexesOnATableNeverAnalyzed() throws Exception {
    String database = TestPostgres.uniqueDatabase("plans");
    PostgresStorage.open(POSTGRES.options(database)).close();
    POSTGRES.execute(database, "ALTER TABLE vss_db SET (autovacuum_enabled = false)");
    // Simple query mode: EXPLAIN (GENERIC_PLAN) takes $1, $2, ... with no values bound.
    Properties properties = POSTGRES.options(database).driverProperties();
    properties.setProperty("preferQueryMode", "simple");
    try (Connection connection =
            DriverManager.getConnection(POSTGRES.options(database).jdbcUrl(database), properties);
        Statement statement = connection.createStatement()) {
      assertThat(neverAnalyzed(statement)).isTrue();
      String batchRead =
          statements().stream()
              .filter(sql -> sql.contains("octet_length"))
              .findFirst()
              .orElseThrow();
      String readPlan = plan(statement, batchRead);
      assertThat(readPlan)
          .as(
              "control: without the store's settings, the batch read's generic plan on an empty"
                  + " table that was never analyzed scans vss_db")
          .contains("Seq Scan on vss_db");

      statement.execute(PostgresStorage.CONNECTION_INIT_SQL);
      assertIndexPlans(statement);
      // Grown without ANALYZE, as under load before autovacuum's first visit.
      statement.execute(
          "INSERT INTO vss_db (user_token, store_id, key, value, version)"
              + " SELECT 'u' || (i % 100), 's', 'k' || i, '\\x00'::bytea, 1"
              + " FROM generate_series(1, 20000) AS i");
      assertThat(neverAnalyzed(statement)).isTrue();
      assertIndexPlans(statement);

      statement.execute("ANALYZE vss_db");
      assertIndexPlans(statement);
      for (String sql : statements()) {
        if (sql.contains("d.key = r.k")
            || sql.contains("key = r.k")
            || sql.contains("AND key = '")) {
          assertThat(plan(statement, sql))
              .as("generic plan of %s, analyzed", sql)
              .contains("using vss_db_pkey");
        }
      }
    }
  }

  /**
   * The store's connections run the generic plans checked above, planned once per statement, and
   * never plan a statement again for its parameters; a plain connection does (the control).
   */
  @Test
  void theStoresConnectionsRunTheGenericPlans() throws Exception {
    String database = TestPostgres.uniqueDatabase("generic");
    PostgresOptions options = POSTGRES.options(database);
    PostgresStorage.open(options).close();
    POSTGRES.execute(
        database,
        "INSERT INTO vss_db (user_token, store_id, key, value, version)"
            + " SELECT 'u', 's', 'k' || i, '\\x00'::bytea, 1 FROM generate_series(1, 2000) AS i",
        "ANALYZE vss_db");
    try (Connection control = POSTGRES.connect(database)) {
      assertThat(plansOfGets(control).custom())
          .as("control: a plain connection plans the get batch for its parameters")
          .isPositive();
    }
    try (HikariDataSource pool = PostgresStorage.pool(options, "plans", 1, true);
        Connection connection = pool.getConnection()) {
      Plans plans = plansOfGets(connection);
      assertThat(plans.custom()).isZero();
      assertThat(plans.generic()).isPositive();
    }
  }

  private record Plans(long generic, long custom) {}

  /**
   * Runs the get batch, prepared, 20 times with 1 to 20 keys, and reads how its server-side
   * prepared statement was planned (the driver prepares it on the server from its fifth run on).
   */
  private static Plans plansOfGets(Connection connection) throws SQLException {
    try (PreparedStatement gets = connection.prepareStatement(GetBatcher.GET_BATCH_SQL)) {
      for (int size = 1; size <= 20; size++) {
        String[] users = new String[size];
        String[] stores = new String[size];
        String[] keys = new String[size];
        for (int i = 0; i < size; i++) {
          users[i] = "u";
          stores[i] = "s";
          keys[i] = "k" + (i * 97 + size);
        }
        gets.setArray(1, connection.createArrayOf("varchar", users));
        gets.setArray(2, connection.createArrayOf("varchar", stores));
        gets.setArray(3, connection.createArrayOf("varchar", keys));
        try (ResultSet rows = gets.executeQuery()) {
          while (rows.next()) {
            rows.getLong(1);
          }
        }
      }
    }
    try (Statement statement = connection.createStatement();
        ResultSet row =
            statement.executeQuery(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
                    + " WHERE statement LIKE '%WITH ORDINALITY%'")) {
      assertThat(row.next()).as("the get batch was prepared on the server").isTrue();
      return new Plans(row.getLong(1), row.getLong(2));
    }
  }

  private static void assertIndexPlans(Statement statement) throws SQLException {
    for (String sql : statements()) {
      String plan = plan(statement, sql);
      assertThat(plan)
          .as("generic plan of %s", sql)
          .doesNotContain("Seq Scan on vss_db")
          .doesNotContain("Hash Join")
          .doesNotContain("Merge Join");
    }
  }

  private static boolean neverAnalyzed(Statement statement) throws SQLException {
    try (ResultSet row =
        statement.executeQuery(
            "SELECT last_analyze IS NULL AND last_autoanalyze IS NULL"
                + " FROM pg_stat_user_tables WHERE relname = 'vss_db'")) {
      row.next();
      return row.getBoolean(1);
    }
  }

  private static String plan(Statement statement, String sql) throws SQLException {
    StringBuilder plan = new StringBuilder();
    try (ResultSet rows = statement.executeQuery("EXPLAIN (GENERIC_PLAN) " + sql)) {
      while (rows.next()) {
        plan.append(rows.getString(1)).append('\n');
      }
    }
    return plan.toString();
  }

  /** The statements of a multi-statement string (a ';' inside a literal does not split). */
  private static List<String> split(String sql) {
    List<String> statements = new ArrayList<>();
    boolean literal = false;
    int start = 0;
    for (int i = 0; i < sql.length(); i++) {
      char c = sql.charAt(i);
      if (c == '\'') {
        literal = !literal;
      } else if (c == ';' && !literal) {
        statements.add(sql.substring(start, i));
        start = i + 1;
      }
    }
    statements.add(sql.substring(start));
    return statements;
  }

  /** JDBC's {@code ?} placeholders as PostgreSQL's {@code $1, $2, ...}, skipping literals. */
  private static String numbered(String sql) {
    StringBuilder out = new StringBuilder();
    boolean literal = false;
    int next = 1;
    for (char c : sql.toCharArray()) {
      if (c == '\'') {
        literal = !literal;
      }
      if (c == '?' && !literal) {
        out.append('$').append(next++);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
