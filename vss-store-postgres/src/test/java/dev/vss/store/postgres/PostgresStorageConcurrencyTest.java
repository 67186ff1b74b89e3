package dev.vss.store.postgres;

import dev.vss.core.spi.Storage;
import dev.vss.testkit.StorageConcurrencySuite;

/** The testkit's concurrency suite, unchanged, against {@link PostgresStorage} with group commit. */
class PostgresStorageConcurrencyTest extends StorageConcurrencySuite {
  private static final String DATABASE = TestPostgres.uniqueDatabase("concurrency");

  @Override
  protected Storage newStorage() {
    return TestDatabases.openEmpty(DATABASE);
  }
}
