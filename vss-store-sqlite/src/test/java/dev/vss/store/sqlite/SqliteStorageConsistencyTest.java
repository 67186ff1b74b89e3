package dev.vss.store.sqlite;

import dev.vss.core.spi.Storage;
import dev.vss.testkit.StorageConsistencySuite;
import java.nio.file.Path;

/**
 * The testkit's consistency suite against {@link SqliteStorage} with its default options (group
 * commit, {@code synchronous=FULL}): atomic visibility, linearizability, and the kit's kill test,
 * whose child JVM opens the store through this class.
 */
class SqliteStorageConsistencyTest extends StorageConsistencySuite {
  @Override
  protected Storage openStorage(Path directory) {
    return SqliteStorage.open(directory);
  }
}
