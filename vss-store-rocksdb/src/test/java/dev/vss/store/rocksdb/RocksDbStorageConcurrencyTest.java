package dev.vss.store.rocksdb;

import dev.vss.core.spi.Storage;
import dev.vss.testkit.StorageConcurrencySuite;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The testkit's concurrency suite, unchanged, over a RocksDB store in a fresh directory. */
class RocksDbStorageConcurrencyTest extends StorageConcurrencySuite {
  @TempDir Path dir;

  @Override
  protected Storage newStorage() {
    return RocksDbStorage.open(dir);
  }
}
