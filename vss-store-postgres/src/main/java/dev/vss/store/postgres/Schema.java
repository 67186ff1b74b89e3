package dev.vss.store.postgres;

import dev.vss.core.spi.StorageException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The reference server's schema and its bookkeeping, run exactly as the reference runs them, so
 * that either server opens a database the other created or upgraded.
 *
 * <ul>
 *   <li>{@code vss_db_version(db_version)}: one row, how many statements of {@link #MIGRATIONS}
 *       have run;
 *   <li>{@code vss_db_upgrades(upgrade_from)}: a write-only log, one row per upgrade, holding the
 *       version it started from;
 *   <li>{@link #MIGRATIONS}: the reference's append-only list, in its order, with its statements.
 * </ul>
 *
 * <p>Differences, none visible to the reference: the upgrade runs under a transaction-scoped
 * advisory lock, so servers starting together on a new database do not race; a database whose
 * version is above what this list knows is refused instead of crashing; and one table of this
 * server's own, {@code vss_jvm_meta}, holds the page-token secret, and another, {@code
 * vss_jvm_usage}, the usage counters for quotas (counted from {@code vss_db} when missing).
 */
final class Schema {
  /**
   * The reference server's migrations (its {@code MIGRATIONS} list): statement <i>n</i> brings a
   * database from version <i>n</i> to <i>n + 1</i>. Append-only; never edit a released entry.
   */
  static final List<String> MIGRATIONS =
      List.of(
          "CREATE TABLE vss_db_version (db_version INTEGER);",
          "INSERT INTO vss_db_version VALUES(1);",
          "CREATE TABLE vss_db_upgrades (upgrade_from INTEGER);",
          "CREATE TABLE IF NOT EXISTS vss_db (\n"
              + "    user_token character varying(120) NOT NULL CHECK (user_token <> ''),\n"
              + "    store_id character varying(120) NOT NULL,\n"
              + "    key character varying(600) NOT NULL,\n"
              + "    value bytea NULL,\n"
              + "    version bigint NOT NULL,\n"
              + "    created_at TIMESTAMP WITH TIME ZONE,\n"
              + "    last_updated_at TIMESTAMP WITH TIME ZONE,\n"
              + "    PRIMARY KEY (user_token, store_id, key)\n"
              + ");",
          "ALTER TABLE vss_db DROP CONSTRAINT IF EXISTS vss_db_store_id_check;",
          "ALTER TABLE vss_db ADD COLUMN IF NOT EXISTS sort_order BIGSERIAL NOT NULL UNIQUE;",
          "CREATE INDEX IF NOT EXISTS idx_vss_db_sort_order ON vss_db (user_token, store_id,"
              + " sort_order DESC) INCLUDE (key, version);");

  /** Serializes schema upgrades of servers starting at once (an arbitrary, fixed lock id). */
  static final long MIGRATION_LOCK_ID = 0x5653535f4d494752L; // "VSS_MIGR"

  /** This server's own table; the reference neither reads nor minds it. */
  static final String META_TABLE = "vss_jvm_meta";

  /**
   * This server's usage counters for quotas: one row per keyspace (stored forms of the user token
   * and store id, as in {@code vss_db}), its value bytes and records, kept by every write in the
   * same transaction as its rows. The reference server does not know it.
   */
  static final String USAGE_TABLE = "vss_jvm_usage";

  /** Present in {@link #META_TABLE} once {@link #USAGE_TABLE} was counted from {@code vss_db}. */
  static final String USAGE_COUNTED = "usage_counted";

  private static final System.Logger LOG = System.getLogger(Schema.class.getName());
  private static final String SECRET_NAME = "page_token_secret";
  private static final int SECRET_BYTES = 32;

  /** What opening found and did. */
  record Opened(int fromVersion, int toVersion, boolean createdDatabase, byte[] pageTokenSecret) {}

  private Schema() {}

  /**
   * Connects to the VSS database, creating it from the default database when it is missing (as the
   * reference does), brings its schema up to date and reads the page-token secret.
   *
   * @throws StorageException with one line saying what is wrong
   */
  static Opened open(PostgresOptions options) {
    boolean created = false;
    Connection connection;
    try {
      connection = connect(options, options.vssDatabase());
    } catch (SQLException e) {
      if (!"3D000".equals(e.getSQLState())) { // invalid_catalog_name: the database is missing
        throw oneLineFailure(cannotConnect(options, options.vssDatabase(), e), e);
      }
      created = createDatabase(options);
      try {
        connection = connect(options, options.vssDatabase());
      } catch (SQLException again) {
        throw oneLineFailure(cannotConnect(options, options.vssDatabase(), again), again);
      }
    }
    try (Connection open = connection) {
      return migrate(open, created);
    } catch (SQLException e) {
      throw oneLineFailure(
          "cannot bring the schema of PostgreSQL database "
              + options.vssDatabase()
              + " up to date: "
              + oneLine(e.getMessage()),
          e);
    }
  }

  /**
   * A start-up failure whose message says it all, in one line: the driver's exception is logged
   * here at debug level and not attached, so that the server prints this message and not the
   * innermost cause's ("Connection refused").
   */
  static StorageException oneLineFailure(String message, SQLException cause) {
    LOG.log(System.Logger.Level.DEBUG, message, cause);
    return new StorageException(message);
  }

  static String cannotConnect(PostgresOptions options, String database, SQLException e) {
    return "cannot connect to PostgreSQL at "
        + options.address()
        + " (database "
        + database
        + ", user "
        + options.user()
        + "): "
        + reason(e);
  }

  /**
   * The driver's message, except for an untrusted TLS certificate, where the JVM's message names
   * internal classes ("PKIX path building failed: sun.security...") rather than the remedy.
   */
  private static String reason(SQLException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.security.cert.CertPathBuilderException
          || cause instanceof java.security.cert.CertPathValidatorException) {
        return "the server's TLS certificate is not trusted: it does not chain to the JVM's"
            + " trusted roots or to the configured root certificate (crt_pem)";
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return oneLine(e.getMessage());
  }

  static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
  }

  private static Connection connect(PostgresOptions options, String database) throws SQLException {
    return DriverManager.getConnection(options.jdbcUrl(database), options.driverProperties());
  }

  private static boolean createDatabase(PostgresOptions options) {
    try (Connection connection = connect(options, options.defaultDatabase())) {
      try (PreparedStatement exists =
          connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
        exists.setString(1, options.vssDatabase());
        try (ResultSet row = exists.executeQuery()) {
          if (row.next()) {
            return false;
          }
        }
      }
      try (Statement create = connection.createStatement()) {
        create.execute("CREATE DATABASE " + quoteIdentifier(options.vssDatabase()));
        return true;
      } catch (SQLException e) {
        // duplicate_database, or the catalog's unique index when both ran at the same moment:
        // another server created it first
        if ("42P04".equals(e.getSQLState()) || "23505".equals(e.getSQLState())) {
          return false;
        }
        throw oneLineFailure(
            "PostgreSQL database "
                + options.vssDatabase()
                + " does not exist and cannot be created: "
                + oneLine(e.getMessage()),
            e);
      }
    } catch (SQLException e) {
      throw oneLineFailure(
          "PostgreSQL database "
              + options.vssDatabase()
              + " does not exist and cannot be created: "
              + cannotConnect(options, options.defaultDatabase(), e),
          e);
    }
  }

  static String quoteIdentifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /** What a recount found. */
  record Recount(long keyspaces, long records, long millis) {}

  /**
   * Counts every keyspace's usage from {@code vss_db} into {@link #USAGE_TABLE}, replacing what it
   * held, and marks the database counted, in the caller's transaction (commit it). Safe while
   * servers write: the table lock (EXCLUSIVE, which writers' counter updates wait for, reads do
   * not) is held until the commit, so a write either committed before the count and is in it, or
   * adds its change to the new counters after.
   */
  static Recount recountUsage(Connection connection) throws SQLException {
    long started = System.nanoTime();
    try (Statement statement = connection.createStatement()) {
      statement.execute("LOCK TABLE " + USAGE_TABLE + " IN EXCLUSIVE MODE");
      statement.execute("DELETE FROM " + USAGE_TABLE);
      // The global version is a row of vss_db under the reserved key, never a record; a NULL
      // value (the reference allows it) is read as empty, 0 bytes.
      statement.executeUpdate(
          "INSERT INTO "
              + USAGE_TABLE
              + " (user_token, store_id, stored_bytes, record_count)"
              + " SELECT user_token, store_id, coalesce(sum(octet_length(value)), 0), count(*)"
              + " FROM vss_db WHERE key <> 'global_version' GROUP BY user_token, store_id");
      long keyspaces;
      long records;
      try (ResultSet row =
          statement.executeQuery(
              "SELECT count(*), coalesce(sum(record_count), 0) FROM " + USAGE_TABLE)) {
        row.next();
        keyspaces = row.getLong(1);
        records = row.getLong(2);
      }
      try (PreparedStatement mark =
          connection.prepareStatement(
              "INSERT INTO "
                  + META_TABLE
                  + " (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
        mark.setString(1, USAGE_COUNTED);
        mark.setBytes(2, new byte[] {1});
        mark.executeUpdate();
      }
      return new Recount(keyspaces, records, (System.nanoTime() - started) / 1_000_000);
    }
  }

  private static Opened migrate(Connection connection, boolean created) throws SQLException {
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK_ID + ")");
      int version = 0;
      boolean hasVersionTable;
      try (ResultSet row =
          statement.executeQuery("SELECT to_regclass('vss_db_version') IS NOT NULL")) {
        row.next();
        hasVersionTable = row.getBoolean(1);
      }
      if (hasVersionTable) {
        try (ResultSet row = statement.executeQuery("SELECT db_version FROM vss_db_version")) {
          if (!row.next()) {
            throw new StorageException(
                "vss_db_version has no row: not a database the VSS servers laid out");
          }
          version = row.getInt(1);
        }
      }
      if (version > MIGRATIONS.size() || version < 0) {
        throw new StorageException(
            "PostgreSQL database schema version "
                + version
                + " is newer than this server knows ("
                + MIGRATIONS.size()
                + "); refusing to open it: upgrade this server, or go back to the server that"
                + " upgraded the database");
      }
      if (version < MIGRATIONS.size()) {
        for (String migration : MIGRATIONS.subList(version, MIGRATIONS.size())) {
          statement.execute(migration);
        }
        try (PreparedStatement log =
            connection.prepareStatement("INSERT INTO vss_db_upgrades VALUES(?)")) {
          log.setInt(1, version);
          log.executeUpdate();
        }
        try (PreparedStatement update =
            connection.prepareStatement("UPDATE vss_db_version SET db_version=?")) {
          update.setInt(1, MIGRATIONS.size());
          if (update.executeUpdate() != 1) {
            throw new StorageException("vss_db_version does not hold exactly one row");
          }
        }
      }
      statement.execute(
          "CREATE TABLE IF NOT EXISTS "
              + META_TABLE
              + " (name text PRIMARY KEY, value bytea NOT NULL)");
      byte[] fresh = new byte[SECRET_BYTES];
      new SecureRandom().nextBytes(fresh);
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO "
                  + META_TABLE
                  + " (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
        insert.setString(1, SECRET_NAME);
        insert.setBytes(2, fresh);
        insert.executeUpdate();
      }
      byte[] secret;
      try (PreparedStatement read =
          connection.prepareStatement("SELECT value FROM " + META_TABLE + " WHERE name = ?")) {
        read.setString(1, SECRET_NAME);
        try (ResultSet row = read.executeQuery()) {
          row.next();
          secret = row.getBytes(1);
        }
      }
      if (secret == null || secret.length != SECRET_BYTES) {
        throw new StorageException(
            META_TABLE
                + "."
                + SECRET_NAME
                + " is not "
                + SECRET_BYTES
                + " bytes: the database is damaged");
      }
      statement.execute(
          "CREATE TABLE IF NOT EXISTS "
              + USAGE_TABLE
              + " (user_token character varying(120) NOT NULL,"
              + " store_id character varying(120) NOT NULL,"
              + " stored_bytes bigint NOT NULL, record_count bigint NOT NULL,"
              + " PRIMARY KEY (user_token, store_id))");
      boolean counted;
      try (PreparedStatement read =
          connection.prepareStatement("SELECT 1 FROM " + META_TABLE + " WHERE name = ?")) {
        read.setString(1, USAGE_COUNTED);
        try (ResultSet row = read.executeQuery()) {
          counted = row.next();
        }
      }
      if (!counted) {
        // A database the reference server wrote, or one from before usage was tracked.
        Recount recount = recountUsage(connection);
        LOG.log(
            System.Logger.Level.INFO,
            "counted the usage (stored bytes, records) of "
                + recount.keyspaces()
                + " keyspace(s), "
                + recount.records()
                + " record(s), for"
                + " quotas in "
                + recount.millis()
                + " ms");
      }
      connection.commit();
      return new Opened(version, MIGRATIONS.size(), created, secret);
    } catch (SQLException | RuntimeException e) {
      try {
        connection.rollback();
      } catch (SQLException rollback) {
        e.addSuppressed(rollback);
      }
      throw e;
    }
  }
}
