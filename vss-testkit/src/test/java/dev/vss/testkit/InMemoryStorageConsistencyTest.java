package dev.vss.testkit;

import dev.vss.core.memory.InMemoryStorage;
import dev.vss.core.spi.Storage;
import java.nio.file.Path;

/** The consistency suite against {@link InMemoryStorage}; the kill test is skipped (no files). */
class InMemoryStorageConsistencyTest extends StorageConsistencySuite {
  @Override
  protected Storage openStorage(Path directory) {
    return new InMemoryStorage();
  }

  @Override
  protected boolean isDurable() {
    return false;
  }
}
