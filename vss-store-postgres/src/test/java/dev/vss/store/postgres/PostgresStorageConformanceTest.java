package dev.vss.store.postgres;

import dev.vss.core.spi.Storage;
import dev.vss.testkit.StorageConformanceSuite;
import java.util.Optional;

/**
 * The testkit's conformance suite, unchanged, against {@link PostgresStorage} on a real PostgreSQL:
 * one database for the class, emptied before each test.
 */
class PostgresStorageConformanceTest extends StorageConformanceSuite {
  private static final String DATABASE = TestPostgres.uniqueDatabase("conformance");

  @Override
  protected Storage newStorage() {
    return TestDatabases.openEmpty(DATABASE);
  }

  /** A process restart: close the store and open the same database again. */
  @Override
  protected Optional<Storage> reopenStorage(Storage storage) {
    PostgresOptions options = ((PostgresStorage) storage).options();
    storage.close();
    return Optional.of(PostgresStorage.open(options));
  }
}
