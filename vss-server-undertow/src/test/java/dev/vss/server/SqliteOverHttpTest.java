package dev.vss.server;

import org.junit.jupiter.api.Nested;

/** The full testkit over HTTP with the SQLite store. */
class SqliteOverHttpTest {
  @Nested
  class Scenarios extends HttpScenarioSuite {
    @Override
    StoreKind store() {
      return StoreKind.SQLITE;
    }
  }

  @Nested
  class Races extends HttpRaceSuite {
    @Override
    StoreKind store() {
      return StoreKind.SQLITE;
    }
  }
}
