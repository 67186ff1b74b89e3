package dev.vss.store.postgres;

import dev.vss.core.spi.Storage;
import dev.vss.testkit.StorageConcurrencySuite;
import org.junit.jupiter.api.AfterAll;

/**
 * The testkit's concurrency suite, unchanged, against {@link PostgresStorage} with group commit:
 * one store for the class, emptied before each test (see {@link TestDatabases}).
 */
class PostgresStorageConcurrencyTest extends StorageConcurrencySuite {
  private static final TestDatabases STORES = new TestDatabases("concurrency");

  @AfterAll
  static void closeStore() throws Exception {
    STORES.close();
  }

  @Override
  protected Storage newStorage() throws Exception {
    return STORES.openEmpty();
  }

  @Override
  protected void closeStorage(Storage storage) {
    STORES.release(storage);
  }
}
