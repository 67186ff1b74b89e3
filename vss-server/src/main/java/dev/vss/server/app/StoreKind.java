package dev.vss.server.app;

import dev.vss.core.memory.InMemoryStorage;
import dev.vss.core.spi.Storage;
import dev.vss.store.postgres.PostgresStorage;
import dev.vss.store.rocksdb.RocksDbStorage;
import dev.vss.store.sqlite.SqliteStorage;
import java.nio.file.Path;
import java.util.Locale;

/** The storage engines the server can run on: the one place that knows them all. */
enum StoreKind {
  /** Nothing survives a restart: development and tests only. */
  MEMORY("memory", false) {
    @Override
    Storage open(Path dataDir) {
      return new InMemoryStorage();
    }
  },
  /** One SQLite database file in the data directory; the default, as durable as the disk. */
  SQLITE("sqlite", true) {
    @Override
    Storage open(Path dataDir) {
      return SqliteStorage.open(dataDir);
    }
  },
  /** A RocksDB database in the data directory, for larger stores and higher write rates. */
  ROCKSDB("rocksdb", true) {
    @Override
    Storage open(Path dataDir) {
      return RocksDbStorage.open(dataDir);
    }
  },
  /**
   * A PostgreSQL database on the reference server's schema (no data directory); several servers may
   * share it.
   */
  POSTGRES("postgres", true) {
    @Override
    Storage open(Path dataDir) {
      throw new IllegalStateException("the postgres store has no data directory");
    }

    @Override
    Storage open(ServerConfig config) {
      return PostgresStorage.open(config.postgres().orElseThrow());
    }

    @Override
    String location(ServerConfig config) {
      return "at " + config.postgres().orElseThrow();
    }
  };

  private final String configName;
  private final boolean durable;

  StoreKind(String configName, boolean durable) {
    this.configName = configName;
    this.durable = durable;
  }

  /** Opens (creating if needed) the store kept in {@code dataDir}. */
  abstract Storage open(Path dataDir);

  /** Opens (creating if needed) the store {@code config} describes. */
  Storage open(ServerConfig config) {
    return open(dataDir(config));
  }

  /** Where the store keeps its data, for logs and errors, such as {@code in /var/lib/vss}. */
  String location(ServerConfig config) {
    return "in " + dataDir(config);
  }

  private static Path dataDir(ServerConfig config) {
    return config.dataDir().toAbsolutePath().normalize();
  }

  /** The name used in flags, environment, config files and logs. */
  String configName() {
    return configName;
  }

  /** Whether the store keeps data in {@code dataDir} across restarts. */
  boolean durable() {
    return durable;
  }

  /** The kind named {@code name} (case-insensitive), or null. */
  static StoreKind named(String name) {
    for (StoreKind kind : values()) {
      if (kind.configName.equals(name.toLowerCase(Locale.ROOT))) {
        return kind;
      }
    }
    return null;
  }

  /**
   * The kind named {@code text} (case-insensitive, blanks around it ignored): the parser of its
   * setting in {@link Setting}.
   *
   * @throws IllegalArgumentException naming the accepted names
   */
  static StoreKind parse(String text) {
    StoreKind kind = named(text.trim());
    if (kind == null) {
      throw new IllegalArgumentException("expected one of " + names());
    }
    return kind;
  }

  /** The accepted names, for error messages. */
  static String names() {
    StringBuilder names = new StringBuilder();
    for (StoreKind kind : values()) {
      names.append(names.length() == 0 ? "" : "|").append(kind.configName);
    }
    return names.toString();
  }
}
