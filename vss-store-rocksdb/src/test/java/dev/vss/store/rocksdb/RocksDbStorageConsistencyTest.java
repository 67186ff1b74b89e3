package dev.vss.store.rocksdb;

import dev.vss.core.spi.Storage;
import dev.vss.testkit.StorageConsistencySuite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The testkit's consistency suite against {@link RocksDbStorage} with its default options: atomic
 * visibility, linearizability, and the kit's kill test, whose child JVM opens the store through
 * this class.
 */
class RocksDbStorageConsistencyTest extends StorageConsistencySuite {
  @Override
  protected Storage openStorage(Path directory) {
    return RocksDbStorage.open(directory);
  }

  @Override
  protected void configureCrashChild(ProcessBuilder child, Path scratch) {
    // RocksDB extracts its native library per process; a killed process cannot delete its copy,
    // so let it land in the test's scratch directory, which the suite deletes.
    try {
      Path libraries = Files.createDirectories(scratch.resolve("native"));
      child.environment().put("ROCKSDB_SHAREDLIB_DIR", libraries.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
