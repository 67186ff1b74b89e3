package dev.vss.testkit;

import dev.vss.core.spi.Storage;
import java.nio.file.Path;

/**
 * The consistency suite, kill test included, against the kit's own durable test store ({@link
 * FileLogStorage}): a correct durable store passes it, which {@link
 * ConsistencySabotageDetectionTest} pairs with a store that acknowledges too early and fails.
 */
class FileLogStorageConsistencyTest extends StorageConsistencySuite {
  @Override
  protected Storage openStorage(Path directory) {
    return FileLogStorage.open(directory, false);
  }
}
