package dev.vss.testkit;

import dev.vss.core.memory.InMemoryStorage;
import dev.vss.core.spi.Storage;

/** The quota scenarios against {@link InMemoryStorage}. */
class InMemoryStorageQuotaTest extends StorageQuotaSuite {
  @Override
  protected Storage newStorage() {
    return new InMemoryStorage();
  }
}
