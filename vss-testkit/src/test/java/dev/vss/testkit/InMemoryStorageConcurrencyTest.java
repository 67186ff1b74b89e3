package dev.vss.testkit;

import dev.vss.core.memory.InMemoryStorage;
import dev.vss.core.spi.Storage;

/** The concurrency suite against {@link InMemoryStorage}. */
class InMemoryStorageConcurrencyTest extends StorageConcurrencySuite {
  @Override
  protected Storage newStorage() {
    return new InMemoryStorage();
  }
}
