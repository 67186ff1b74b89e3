package dev.vss.bench;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** The adapters the benchmark knows, by name. Add an adapter here to benchmark it. */
public final class StorageFactories {
  private static final Map<String, Supplier<StorageFactory>> FACTORIES =
      new TreeMap<>(
          Map.of(
              "sqlite", SqliteStorageFactory::new,
              "rocksdb", RocksDbStorageFactory::new));

  private StorageFactories() {}

  /**
   * Every known adapter name.
   *
   * @return the names, sorted
   */
  public static List<String> names() {
    return List.copyOf(FACTORIES.keySet());
  }

  /**
   * The adapter called {@code name}.
   *
   * @param name the adapter's name, as given to {@code --store}
   * @return its factory
   * @throws IllegalArgumentException if no adapter has that name
   */
  public static StorageFactory named(String name) {
    Supplier<StorageFactory> factory = FACTORIES.get(name);
    if (factory == null) {
      throw new IllegalArgumentException("unknown store '" + name + "'; known: " + names());
    }
    return factory.get();
  }
}
