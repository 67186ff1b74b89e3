package dev.vss.server;

/** The model property over HTTP with the RocksDB store. */
class RocksDbOverHttpProperties extends HttpModelProperties {
  @Override
  TestStore store() {
    return TestStore.ROCKSDB;
  }
}
