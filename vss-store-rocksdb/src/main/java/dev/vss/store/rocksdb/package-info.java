/**
 * Durable RocksDB storage adapter: {@link dev.vss.store.rocksdb.RocksDbStorage}, opened on a
 * directory with {@link dev.vss.store.rocksdb.RocksDbOptions}. Everything else in this package is
 * the engine behind it (layout, string encoding, locks, native handles) and package-private.
 */
package dev.vss.store.rocksdb;
