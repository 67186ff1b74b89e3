package dev.vss.server;

import org.junit.jupiter.api.Nested;

/** The full testkit over HTTP with the RocksDB store. */
class RocksDbOverHttpTest {
  @Nested
  class Scenarios extends HttpScenarioSuite {
    @Override
    TestStore store() {
      return TestStore.ROCKSDB;
    }
  }

  @Nested
  class Races extends HttpRaceSuite {
    @Override
    TestStore store() {
      return TestStore.ROCKSDB;
    }
  }
}
