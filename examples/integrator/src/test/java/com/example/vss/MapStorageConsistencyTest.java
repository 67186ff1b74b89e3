package com.example.vss;

import dev.vss.core.spi.Storage;
import dev.vss.testkit.Capability;
import dev.vss.testkit.StorageConsistencySuite;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * Atomic visibility and linearizable histories of {@link MapStorage}; the kill test is skipped,
 * with a reason naming DURABLE, because the store keeps nothing on disk.
 */
class MapStorageConsistencyTest extends StorageConsistencySuite {
  @Override
  protected Storage openStorage(Path directory) {
    return new MapStorage();
  }

  @Override
  protected Set<Capability> capabilities() {
    return EnumSet.of(Capability.SEVERAL_USERS, Capability.EXACT_MESSAGES);
  }
}
