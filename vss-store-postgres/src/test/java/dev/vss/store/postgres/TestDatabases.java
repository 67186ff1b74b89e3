package dev.vss.store.postgres;

import dev.vss.core.spi.Storage;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Stores on the shared test server for the testkit's suites: one database and one open store per
 * test class, emptied before each test (or try), instead of a new store per test. Opening a store
 * costs a schema check and six new server connections (a process each on the server); emptying the
 * table costs one statement. The suites draw fresh user tokens or need an empty table, and nothing
 * a test does to the store outlives the table's rows except what the store is meant to keep across
 * tests anyway (the page-token secret, the creation sequence, which only grows).
 *
 * <p>A test that reopens the store (the conformance suite's restart scenario) closes this class's
 * store; the next test opens a new one. A reopened store is closed after its test.
 */
final class TestDatabases implements AutoCloseable {
  private final String database;
  private PostgresStorage storage;
  private Connection admin;

  /** A database of its own on the shared server, named after {@code prefix}. */
  TestDatabases(String prefix) {
    this.database = TestPostgres.uniqueDatabase(prefix);
  }

  /** The class's store, opened on first use (or after a reopen closed it), with no rows. */
  synchronized PostgresStorage openEmpty() throws SQLException {
    if (storage == null) {
      storage = PostgresStorage.open(TestPostgres.shared().options(database));
    }
    if (admin == null || !admin.isValid(5)) {
      admin = TestPostgres.shared().connect(database);
    }
    try (Statement statement = admin.createStatement()) {
      // DELETE, not TRUNCATE: on the small tables of a test it is much cheaper (no new files).
      statement.execute("DELETE FROM vss_db");
      statement.execute("DELETE FROM " + Schema.USAGE_TABLE); // the counters go with the rows
    }
    return storage;
  }

  /** After a test: keeps the class's store open; closes a store that the test reopened. */
  synchronized void release(Storage used) {
    if (used != storage) {
      used.close();
    }
  }

  /** Closes {@code used} for a restart; the class's store is opened again by the next test. */
  synchronized PostgresStorage reopen(Storage used) {
    PostgresOptions options = ((PostgresStorage) used).options();
    used.close();
    if (used == storage) {
      storage = null;
    }
    return PostgresStorage.open(options);
  }

  @Override
  public synchronized void close() throws SQLException {
    if (storage != null) {
      storage.close();
      storage = null;
    }
    if (admin != null) {
      admin.close();
      admin = null;
    }
  }
}
