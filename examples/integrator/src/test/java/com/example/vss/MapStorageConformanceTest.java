package com.example.vss;

import dev.vss.core.spi.Storage;
import dev.vss.testkit.Capability;
import dev.vss.testkit.StorageConformanceSuite;
import java.util.EnumSet;
import java.util.Set;

/** Every conformance scenario of the kit against {@link MapStorage}. */
class MapStorageConformanceTest extends StorageConformanceSuite {
  @Override
  protected Storage newStorage() {
    return new MapStorage();
  }

  /**
   * In memory: it cannot be reopened over its data, so the reopen scenarios are skipped. In
   * process: requests reach VssService unencoded, so the lone-surrogate scenario runs.
   */
  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.SEVERAL_USERS, Capability.EXACT_MESSAGES,
        Capability.IN_PROCESS);
  }
}
