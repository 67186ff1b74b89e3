package dev.vss.store.sqlite;

import dev.vss.core.spi.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;

/**
 * The database schema as an append-only list of migrations, and the runner that brings a file up to
 * date.
 *
 * <p>Rules, so that a newer build always opens an older file:
 *
 * <ol>
 *   <li>Migration {@code n} is at index {@code n - 1} of {@link #MIGRATIONS}; a released migration
 *       is never edited or removed, a change is a new migration at the end.
 *   <li>Every applied migration is recorded in {@code schema_migrations} in the same transaction as
 *       its statements, so a crash leaves the file either before or after it.
 *   <li>A file whose recorded version is newer than this build knows is refused rather than
 *       guessed at; so is a non-empty file that is not a VSS database.
 * </ol>
 */
final class Schema {
  /** One schema change. */
  record Migration(int version, String description, List<String> statements) {
    Migration {
      Objects.requireNonNull(description, "description");
      statements = List.copyOf(statements);
    }
  }

  /** The outcome of {@link #migrate}: the version found and the version left. */
  record MigrationResult(int fromVersion, int toVersion) {}

  /**
   * The schema of this build.
   *
   * <ul>
   *   <li>{@code keyspaces}: one row per {@code (user_token, store_id)} with its global version,
   *       so records carry a small integer instead of repeating both strings (and the global
   *       version is never a record).
   *   <li>{@code records}: the creation sequence is the rowid, so it is unique store-wide and new
   *       records append at the end of the table. Keys and both keyspace strings are stored as
   *       UTF-8 BLOBs: comparisons are byte-wise and no SQL text function ever sees them.
   *   <li>{@code records_by_key}: point lookups for get and for the write view.
   *   <li>{@code records_by_sequence}: serves listing newest-first; it also holds key and version,
   *       so a page is read from the index alone, whatever the size of the values.
   *   <li>{@code sequence_counter}: the last creation sequence handed out; it only grows, so a
   *       sequence is never reused even after the newest record is deleted and the store reopened.
   * </ul>
   */
  static final List<Migration> MIGRATIONS = List.of(
      new Migration(1, "keyspaces, records, indexes by key and by creation sequence, sequence counter",
          List.of(
              "CREATE TABLE keyspaces ("
                  + " id INTEGER PRIMARY KEY,"
                  + " user_token BLOB NOT NULL,"
                  + " store_id BLOB NOT NULL,"
                  + " global_version INTEGER NOT NULL DEFAULT 0,"
                  + " UNIQUE (user_token, store_id))",
              "CREATE TABLE records ("
                  + " sequence INTEGER PRIMARY KEY,"
                  + " keyspace_id INTEGER NOT NULL REFERENCES keyspaces (id),"
                  + " key BLOB NOT NULL,"
                  + " version INTEGER NOT NULL,"
                  + " value BLOB NOT NULL)",
              "CREATE UNIQUE INDEX records_by_key ON records (keyspace_id, key)",
              "CREATE INDEX records_by_sequence ON records (keyspace_id, sequence, key, version)",
              "CREATE TABLE sequence_counter ("
                  + " id INTEGER PRIMARY KEY CHECK (id = 1),"
                  + " last_sequence INTEGER NOT NULL)",
              "INSERT INTO sequence_counter (id, last_sequence) VALUES (1, 0)")));

  private Schema() {}

  /**
   * Applies every migration of {@code migrations} that {@code connection}'s file lacks, in one
   * immediate transaction, and returns the versions before and after.
   *
   * @throws StorageException if the file is newer than {@code migrations}, is not a VSS database,
   *     or SQLite fails
   */
  static MigrationResult migrate(Connection connection, List<Migration> migrations) {
    for (int i = 0; i < migrations.size(); i++) {
      if (migrations.get(i).version() != i + 1) {
        throw new IllegalStateException("migration at index " + i + " must have version " + (i + 1));
      }
    }
    try (Statement statement = connection.createStatement()) {
      statement.execute("BEGIN IMMEDIATE");
      try {
        int found = currentVersion(statement);
        if (found > migrations.size()) {
          throw new StorageException("the database has schema version " + found
              + " but this build only knows versions up to " + migrations.size()
              + "; it was written by a newer build");
        }
        if (found == 0) {
          statement.execute("CREATE TABLE schema_migrations ("
              + " version INTEGER PRIMARY KEY,"
              + " description TEXT NOT NULL,"
              + " applied_at_epoch_ms INTEGER NOT NULL)");
        }
        for (Migration migration : migrations.subList(found, migrations.size())) {
          for (String sql : migration.statements()) {
            statement.execute(sql);
          }
          try (PreparedStatement record = connection.prepareStatement(
              "INSERT INTO schema_migrations (version, description, applied_at_epoch_ms)"
                  + " VALUES (?, ?, ?)")) {
            record.setInt(1, migration.version());
            record.setString(2, migration.description());
            record.setLong(3, System.currentTimeMillis());
            record.executeUpdate();
          }
        }
        statement.execute("COMMIT");
        return new MigrationResult(found, migrations.size());
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(statement, e);
        throw e;
      }
    } catch (SQLException e) {
      throw new StorageException("migrating the database schema failed", e);
    }
  }

  /** The recorded schema version; 0 for an empty file. */
  private static int currentVersion(Statement statement) throws SQLException {
    boolean hasMigrationTable;
    int otherTables;
    try (ResultSet tables = statement.executeQuery(
        "SELECT count(*) FILTER (WHERE name = 'schema_migrations'),"
            + " count(*) FILTER (WHERE name <> 'schema_migrations')"
            + " FROM sqlite_schema WHERE type = 'table' AND substr(name, 1, 7) <> 'sqlite_'")) {
      tables.next();
      hasMigrationTable = tables.getInt(1) > 0;
      otherTables = tables.getInt(2);
    }
    if (!hasMigrationTable) {
      if (otherTables > 0) {
        throw new StorageException(
            "the database file has tables but no schema_migrations table; it is not a VSS database");
      }
      return 0;
    }
    try (ResultSet max = statement.executeQuery("SELECT max(version) FROM schema_migrations")) {
      max.next();
      return max.getInt(1);
    }
  }

  private static void rollbackQuietly(Statement statement, Exception cause) {
    try {
      statement.execute("ROLLBACK");
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
