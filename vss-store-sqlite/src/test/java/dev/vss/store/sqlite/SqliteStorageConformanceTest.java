package dev.vss.store.sqlite;

import dev.vss.core.spi.Storage;
import dev.vss.testkit.StorageConformanceSuite;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/**
 * The testkit's conformance suite, unchanged, against {@link SqliteStorage} in a fresh directory.
 */
class SqliteStorageConformanceTest extends StorageConformanceSuite {
  @TempDir Path dir;

  @Override
  protected Storage newStorage() {
    return SqliteStorage.open(dir);
  }

  /** A process restart: close the store and open the same directory again. */
  @Override
  protected Optional<Storage> reopenStorage(Storage storage) {
    Path directory = ((SqliteStorage) storage).databaseFile().getParent();
    storage.close();
    return Optional.of(SqliteStorage.open(directory));
  }
}
