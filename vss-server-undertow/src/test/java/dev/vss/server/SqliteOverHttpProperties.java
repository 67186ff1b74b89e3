package dev.vss.server;

/** The model property over HTTP with the SQLite store. */
class SqliteOverHttpProperties extends HttpModelProperties {
  @Override
  TestStore store() {
    return TestStore.SQLITE;
  }
}
