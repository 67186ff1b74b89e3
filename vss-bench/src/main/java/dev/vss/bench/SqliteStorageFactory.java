package dev.vss.bench;

import dev.vss.store.sqlite.SqliteOptions;
import dev.vss.store.sqlite.SqliteStorage;
import java.util.List;

/**
 * SQLite, durable ({@code synchronous=FULL}), with group commit and with one transaction per put.
 */
final class SqliteStorageFactory implements StorageFactory {
  @Override
  public String name() {
    return "sqlite";
  }

  @Override
  public List<Configuration> configurations() {
    return List.of(
        new Configuration(
            "group commit",
            "concurrent writes share one transaction and one fsync (the default)",
            directory -> SqliteStorage.open(directory, SqliteOptions.DEFAULTS)),
        new Configuration(
            "one transaction per put",
            "every write is its own transaction and fsync (group commit off)",
            directory ->
                SqliteStorage.open(directory, SqliteOptions.DEFAULTS.withGroupCommit(false))));
  }
}
