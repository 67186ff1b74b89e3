/**
 * Durable RocksDB storage adapter: {@link dev.vss.store.rocksdb.RocksDbStorage}, opened on a
 * directory with {@link dev.vss.store.rocksdb.RocksDbOptions}. Everything else in this package is
 * the engine behind it (layout, string encoding, write queues and group commit, native handles) and
 * package-private.
 */
package dev.vss.store.rocksdb;
