package dev.vss.testkit;

import dev.vss.core.memory.InMemoryStorage;
import dev.vss.core.spi.Storage;

/** The model property against {@link InMemoryStorage}. */
class InMemoryStorageModelProperties extends StorageModelPropertySuite {
  @Override
  protected Storage newStorage() {
    return new InMemoryStorage();
  }
}
