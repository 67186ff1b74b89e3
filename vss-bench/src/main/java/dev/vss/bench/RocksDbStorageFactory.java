package dev.vss.bench;

import dev.vss.store.rocksdb.RocksDbOptions;
import dev.vss.store.rocksdb.RocksDbStorage;
import java.util.List;

/** RocksDB, durable (every batch synced to the WAL), with its default options. */
final class RocksDbStorageFactory implements StorageFactory {
  @Override
  public String name() {
    return "rocksdb";
  }

  @Override
  public List<Configuration> configurations() {
    return List.of(
        new Configuration(
            "default",
            "one synced WriteBatch per put; concurrent puts share WAL fsyncs (RocksDB write groups)",
            directory -> RocksDbStorage.open(directory, RocksDbOptions.DEFAULTS)));
  }
}
