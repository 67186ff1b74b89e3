package dev.vss.server;

/** The model property over HTTP with the memory store. */
class MemoryOverHttpProperties extends HttpModelProperties {
  @Override
  TestStore store() {
    return TestStore.MEMORY;
  }
}
