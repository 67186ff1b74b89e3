package com.example.store;

import dev.vss.core.memory.InMemoryStorage;
import dev.vss.core.spi.Storage;
import dev.vss.testkit.Capability;
import dev.vss.testkit.StorageConformanceSuite;
import java.util.EnumSet;
import java.util.Set;

/** The kit's conformance scenarios against a store held in memory. */
class MemoryStoreConformanceTest extends StorageConformanceSuite {
  @Override
  protected Storage newStorage() {
    return new InMemoryStorage();
  }

  /**
   * Held in memory: it cannot be reopened over its data, so the reopen scenarios are skipped. Its
   * calls go straight to {@code VssService} in this JVM ({@code IN_PROCESS}), so the scenarios with
   * strings no wire encoding keeps (a lone surrogate) run too.
   */
  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.SEVERAL_USERS, Capability.EXACT_MESSAGES, Capability.IN_PROCESS);
  }
}
