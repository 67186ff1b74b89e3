package dev.vss.testkit;

import dev.vss.core.spi.Storage;
import java.util.Optional;

/**
 * The conformance kit against {@link ReferenceStorage}, behind a {@link RestartableStorage} handle
 * so that the reopen scenarios run as well: the reference an integrator diffs against passes every
 * scenario itself.
 */
class ReferenceStorageConformanceTest extends StorageConformanceSuite {
  @Override
  protected Storage newStorage() {
    return new RestartableStorage(new ReferenceStorage());
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
