package dev.vss.testkit;

import dev.vss.core.memory.InMemoryStorage;
import dev.vss.core.spi.Storage;
import java.util.Optional;

/**
 * The conformance kit against {@link InMemoryStorage}, behind a {@link RestartableStorage} handle
 * so that the durability scenario runs as well.
 */
class InMemoryStorageConformanceTest extends StorageConformanceSuite {
  @Override
  protected Storage newStorage() {
    return new RestartableStorage(new InMemoryStorage());
  }

  @Override
  protected Optional<Storage> reopenStorage(Storage storage) {
    return Optional.of(((RestartableStorage) storage).restart());
  }

  @Override
  protected void closeStorage(Storage storage) {
    ((RestartableStorage) storage).destroy();
  }
}
