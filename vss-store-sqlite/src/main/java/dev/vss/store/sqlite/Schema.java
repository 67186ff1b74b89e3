package dev.vss.store.sqlite;

import dev.vss.core.spi.StorageException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
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
 *   <li>A file whose recorded version is newer than this build knows is refused rather than guessed
 *       at; so is a non-empty file that is not a VSS database.
 * </ol>
 */
final class Schema {
  private static final Logger LOG = System.getLogger(Schema.class.getName());

  /** One step of a migration, run inside the migration's transaction. */
  @FunctionalInterface
  interface Step {
    /** Runs the step on the migrating connection. */
    void run(Connection connection) throws SQLException;

    /** A step that executes one SQL statement. */
    static Step sql(String statement) {
      Objects.requireNonNull(statement, "statement");
      return connection -> {
        try (Statement s = connection.createStatement()) {
          s.execute(statement);
        }
      };
    }
  }

  /** One schema change: SQL statements and, where SQL cannot do it, Java steps, in order. */
  record Migration(int version, String description, List<Step> steps) {
    Migration {
      Objects.requireNonNull(description, "description");
      steps = List.copyOf(steps);
    }

    /** A migration made of SQL statements only. */
    static Migration ofSql(int version, String description, List<String> statements) {
      return new Migration(version, description, statements.stream().map(Step::sql).toList());
    }
  }

  /** The outcome of {@link #migrate}: the version found and the version left. */
  record MigrationResult(int fromVersion, int toVersion) {}

  /**
   * The schema of this build.
   *
   * <ul>
   *   <li>{@code keyspaces}: one row per {@code (user_token, store_id)} with its global version, so
   *       records carry a small integer instead of repeating both strings (and the global version
   *       is never a record).
   *   <li>{@code records}: the creation sequence is the rowid, so it is unique store-wide and new
   *       records append at the end of the table. Keys and both keyspace strings are stored as
   *       UTF-8 BLOBs: comparisons are byte-wise and no SQL text function ever sees them.
   *   <li>{@code records_by_key}: point lookups for get and for the write view.
   *   <li>{@code records_by_sequence}: serves listing newest-first; it also holds key and version,
   *       so a page is read from the index alone, whatever the size of the values.
   *   <li>{@code keyspaces.stored_bytes}, {@code keyspaces.record_count} (migration 3): the
   *       keyspace's usage for quotas (value bytes and records, {@code dev.vss.core.spi.Usage}),
   *       kept by every write in the same transaction as its records, counted once from the records
   *       when the migration runs.
   *   <li>{@code sequence_counter}: the last creation sequence handed out; it only grows, so a
   *       sequence is never reused even after the newest record is deleted and the store reopened.
   * </ul>
   */
  static final List<Migration> MIGRATIONS =
      List.of(
          Migration.ofSql(
              1,
              "keyspaces, records, indexes by key and by creation sequence, sequence counter",
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
                  "INSERT INTO sequence_counter (id, last_sequence) VALUES (1, 0)")),
          new Migration(
              2,
              "record checksums (entry_crc in records_by_sequence), health_probe table",
              List.of(
                  Step.sql("ALTER TABLE records ADD COLUMN entry_crc INTEGER"),
                  Step.sql("ALTER TABLE records ADD COLUMN record_crc INTEGER"),
                  // Dropped before the backfill so that it is not maintained row by row, and
                  // created again with entry_crc so that a listing verifies its entries from the
                  // index alone.
                  Step.sql("DROP INDEX records_by_sequence"),
                  Schema::backfillChecksums,
                  Step.sql(
                      "CREATE INDEX records_by_sequence"
                          + " ON records (keyspace_id, sequence, key, version, entry_crc)"),
                  Step.sql(
                      "CREATE TABLE health_probe ("
                          + " id INTEGER PRIMARY KEY CHECK (id = 1),"
                          + " probed_at_epoch_ms INTEGER NOT NULL,"
                          + " payload BLOB NOT NULL)"))),
          new Migration(
              3,
              "usage per keyspace (stored_bytes, record_count in keyspaces) for quotas",
              List.of(
                  Step.sql(
                      "ALTER TABLE keyspaces ADD COLUMN stored_bytes INTEGER NOT NULL DEFAULT 0"),
                  Step.sql(
                      "ALTER TABLE keyspaces ADD COLUMN record_count INTEGER NOT NULL DEFAULT 0"),
                  Schema::countUsage)));

  /** Records checksummed per statement round of the backfill. */
  private static final int BACKFILL_CHUNK = 1000;

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
        throw new IllegalStateException(
            "migration at index " + i + " must have version " + (i + 1));
      }
    }
    try (Statement statement = connection.createStatement()) {
      statement.execute("BEGIN IMMEDIATE");
      try {
        int found = currentVersion(statement);
        if (found > migrations.size()) {
          throw new StorageException(
              "the database has schema version "
                  + found
                  + " but this build only knows versions up to "
                  + migrations.size()
                  + "; it was written by a newer build");
        }
        if (found == 0) {
          statement.execute(
              "CREATE TABLE schema_migrations ("
                  + " version INTEGER PRIMARY KEY,"
                  + " description TEXT NOT NULL,"
                  + " applied_at_epoch_ms INTEGER NOT NULL)");
        }
        for (Migration migration : migrations.subList(found, migrations.size())) {
          for (Step step : migration.steps()) {
            step.run(connection);
          }
          try (PreparedStatement record =
              connection.prepareStatement(
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

  /**
   * Migration 2: computes both checksums of every record written before checksums existed, inside
   * the migration's transaction (so a crash leaves the file before migration 2, never with part of
   * the records checksummed). It walks the table by sequence in chunks, so memory stays bounded
   * whatever the size of the store.
   */
  static void backfillChecksums(Connection connection) throws SQLException {
    long started = System.nanoTime();
    long count = 0;
    try (PreparedStatement select =
            connection.prepareStatement(
                "SELECT sequence, keyspace_id, key, version, value FROM records"
                    + " WHERE sequence > ? ORDER BY sequence LIMIT "
                    + BACKFILL_CHUNK);
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE records SET entry_crc = ?, record_crc = ? WHERE sequence = ?")) {
      long after = Long.MIN_VALUE;
      while (true) {
        List<Object[]> chunk = new ArrayList<>(BACKFILL_CHUNK);
        select.setLong(1, after);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            byte[] value = rows.getBytes(5);
            chunk.add(
                new Object[] {
                  rows.getLong(1),
                  rows.getLong(2),
                  rows.getBytes(3),
                  rows.getLong(4),
                  value == null ? new byte[0] : value
                });
          }
        }
        if (chunk.isEmpty()) {
          break;
        }
        for (Object[] row : chunk) {
          long sequence = (Long) row[0];
          RecordChecksum.Sums sums =
              RecordChecksum.of(
                  (Long) row[1], sequence, (Long) row[3], (byte[]) row[2], (byte[]) row[4]);
          update.setInt(1, sums.entry());
          update.setInt(2, sums.record());
          update.setLong(3, sequence);
          update.executeUpdate();
          after = sequence;
        }
        count += chunk.size();
      }
    }
    LOG.log(
        Level.INFO,
        "schema migration 2: computed checksums for "
            + count
            + " existing record(s) in "
            + (System.nanoTime() - started) / 1_000_000
            + " ms");
  }

  /**
   * Migration 3: counts every keyspace's usage from its records, inside the migration's transaction
   * (a crash leaves the file before migration 3, never with part of it counted). {@code length()}
   * of a BLOB reads its size from the row header, not the value.
   */
  static void countUsage(Connection connection) throws SQLException {
    long started = System.nanoTime();
    int keyspaces;
    try (Statement statement = connection.createStatement()) {
      keyspaces =
          statement.executeUpdate(
              "UPDATE keyspaces SET"
                  + " stored_bytes = (SELECT coalesce(sum(length(value)), 0) FROM records"
                  + " WHERE keyspace_id = keyspaces.id),"
                  + " record_count = (SELECT count(*) FROM records WHERE keyspace_id = keyspaces.id)");
    }
    LOG.log(
        Level.INFO,
        "schema migration 3: counted the usage (stored bytes, records) of "
            + keyspaces
            + " existing keyspace(s) for quotas in "
            + (System.nanoTime() - started) / 1_000_000
            + " ms");
  }

  /** The recorded schema version; 0 for an empty file. */
  private static int currentVersion(Statement statement) throws SQLException {
    boolean hasMigrationTable;
    int otherTables;
    try (ResultSet tables =
        statement.executeQuery(
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
