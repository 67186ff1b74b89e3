package dev.vss.store.postgres;

/** Opens stores on the shared test server. */
final class TestDatabases {
  private TestDatabases() {}

  /** Opens a store on {@code database} (created on first use) and removes every row first. */
  static PostgresStorage openEmpty(String database) {
    PostgresStorage storage = PostgresStorage.open(TestPostgres.shared().options(database));
    // DELETE, not TRUNCATE: on the small tables of a test it is much cheaper
    TestPostgres.shared().execute(database, "DELETE FROM vss_db");
    return storage;
  }
}
