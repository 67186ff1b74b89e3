package dev.vss.store.rocksdb;

import dev.vss.core.spi.Storage;
import dev.vss.testkit.StorageConformanceSuite;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/** The testkit's conformance suite, unchanged, over a RocksDB store in a fresh directory. */
class RocksDbStorageConformanceTest extends StorageConformanceSuite {
  @TempDir Path dir;

  @Override
  protected Storage newStorage() {
    return RocksDbStorage.open(dir);
  }

  /** A real restart: close the database (releasing its lock) and open the directory again. */
  @Override
  protected Optional<Storage> reopenStorage(Storage storage) {
    storage.close();
    return Optional.of(RocksDbStorage.open(dir));
  }
}
