package dev.vss.store.postgres;

import dev.vss.core.spi.Storage;
import dev.vss.testkit.StorageQuotaSuite;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;

/**
 * The testkit's quota scenarios against {@link PostgresStorage} on a real PostgreSQL: one database
 * and one store for the class, emptied before each test (see {@link TestDatabases}).
 */
class PostgresStorageQuotaTest extends StorageQuotaSuite {
  private static final TestDatabases STORES = new TestDatabases("quota");

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

  /** A process restart: close the store and open the same database again. */
  @Override
  protected Optional<Storage> reopenStorage(Storage storage) {
    return Optional.of(STORES.reopen(storage));
  }
}
