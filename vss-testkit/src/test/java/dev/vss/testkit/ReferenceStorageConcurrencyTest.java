package dev.vss.testkit;

import dev.vss.core.spi.Storage;

/** The concurrency suite against {@link ReferenceStorage}. */
class ReferenceStorageConcurrencyTest extends StorageConcurrencySuite {
  @Override
  protected Storage newStorage() {
    return new ReferenceStorage();
  }
}
