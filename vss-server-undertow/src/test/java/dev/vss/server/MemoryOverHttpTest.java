package dev.vss.server;

import org.junit.jupiter.api.Nested;

/** The full testkit over HTTP with the memory store. */
class MemoryOverHttpTest {
  @Nested
  class Scenarios extends HttpScenarioSuite {
    @Override
    StoreKind store() {
      return StoreKind.MEMORY;
    }
  }

  @Nested
  class Races extends HttpRaceSuite {
    @Override
    StoreKind store() {
      return StoreKind.MEMORY;
    }
  }
}
