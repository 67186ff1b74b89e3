package dev.vss.testkit;

import dev.vss.core.spi.Storage;

/** The quota scenarios against {@link ReferenceStorage}, whose usage is counted on demand. */
class ReferenceStorageQuotaTest extends StorageQuotaSuite {
  @Override
  protected Storage newStorage() {
    return new ReferenceStorage();
  }
}
