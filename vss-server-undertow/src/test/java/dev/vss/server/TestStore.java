package dev.vss.server;

import dev.vss.core.memory.InMemoryStorage;
import dev.vss.core.spi.Storage;
import dev.vss.store.rocksdb.RocksDbStorage;
import dev.vss.store.sqlite.SqliteStorage;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The stores the HTTP tests run the testkit over. The library holds no store (the application's
 * {@code dev.vss.server.app.StoreKind} chooses one from the configuration); its tests open them
 * directly, each with its defaults, as an embedder does.
 */
enum TestStore {
  /** vss-core's memory store. */
  MEMORY {
    @Override
    Storage open(Path dataDir) {
      return new InMemoryStorage();
    }
  },
  /** One SQLite database file in the data directory. */
  SQLITE {
    @Override
    Storage open(Path dataDir) {
      return SqliteStorage.open(dataDir);
    }
  },
  /** A RocksDB database in the data directory. */
  ROCKSDB {
    @Override
    Storage open(Path dataDir) {
      return RocksDbStorage.open(dataDir);
    }
  };

  /** Opens (creating if needed) the store kept in {@code dataDir}. */
  abstract Storage open(Path dataDir);

  /** The name for temporary directories and test descriptions, such as {@code sqlite}. */
  String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
