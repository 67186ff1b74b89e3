package dev.vss.store.rocksdb;

import dev.vss.core.spi.Storage;
import dev.vss.testkit.StorageQuotaSuite;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/** The testkit's quota scenarios over a RocksDB store. */
class RocksDbStorageQuotaTest extends StorageQuotaSuite {
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
