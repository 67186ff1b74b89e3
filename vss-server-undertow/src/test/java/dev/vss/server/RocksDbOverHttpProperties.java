package dev.vss.server;

/** The model property over HTTP with the RocksDB store. */
class RocksDbOverHttpProperties extends HttpModelProperties {
  @Override
  StoreKind store() {
    return StoreKind.ROCKSDB;
  }
}
