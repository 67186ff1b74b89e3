package dev.vss.testkit;

import dev.vss.core.spi.Storage;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/** The consistency suite against {@link ReferenceStorage}; the kill test is skipped (no files). */
class ReferenceStorageConsistencyTest extends StorageConsistencySuite {
  @Override
  protected Storage openStorage(Path directory) {
    return new ReferenceStorage();
  }

  @Override
  protected Set<Capability> capabilities() {
    return EnumSet.of(Capability.SEVERAL_USERS, Capability.EXACT_MESSAGES, Capability.IN_PROCESS);
  }
}
