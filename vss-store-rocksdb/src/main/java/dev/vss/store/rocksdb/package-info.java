/** Durable RocksDB storage adapter. */
package dev.vss.store.rocksdb;
