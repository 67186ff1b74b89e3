package dev.vss.server;

import org.junit.jupiter.api.Nested;

/** The full testkit over HTTP with the SQLite store. */
class SqliteOverHttpTest {
  @Nested
  class Scenarios extends HttpScenarioSuite {
    @Override
    TestStore store() {
      return TestStore.SQLITE;
    }
  }

  @Nested
  class Races extends HttpRaceSuite {
    @Override
    TestStore store() {
      return TestStore.SQLITE;
    }
  }
}
