package dev.vss.server;

import org.junit.jupiter.api.Nested;

/** The full testkit over HTTP with the memory store. */
class MemoryOverHttpTest {
  @Nested
  class Scenarios extends HttpScenarioSuite {
    @Override
    TestStore store() {
      return TestStore.MEMORY;
    }
  }

  @Nested
  class Races extends HttpRaceSuite {
    @Override
    TestStore store() {
      return TestStore.MEMORY;
    }
  }
}
