package dev.vss.testkit;

import dev.vss.core.spi.Storage;

/** The model property against {@link ReferenceStorage}. */
class ReferenceStorageModelProperties extends StorageModelPropertySuite {
  @Override
  protected Storage newStorage() {
    return new ReferenceStorage();
  }
}
