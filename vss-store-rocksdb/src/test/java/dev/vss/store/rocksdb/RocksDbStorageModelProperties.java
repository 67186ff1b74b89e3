package dev.vss.store.rocksdb;

import dev.vss.core.spi.Storage;
import dev.vss.testkit.StorageModelPropertySuite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The testkit's stateful model property, unchanged, over a RocksDB store in a new directory per
 * try; the directory is deleted after the try.
 */
class RocksDbStorageModelProperties extends StorageModelPropertySuite {
  private final Map<Storage, Path> directories = new IdentityHashMap<>();

  @Override
  protected Storage newStorage() throws IOException {
    Path dir = Files.createTempDirectory("vss-rocksdb-model");
    Storage storage = RocksDbStorage.open(dir);
    synchronized (directories) {
      directories.put(storage, dir);
    }
    return storage;
  }

  @Override
  protected void closeStorage(Storage storage) throws IOException {
    storage.close();
    Path dir;
    synchronized (directories) {
      dir = directories.remove(storage);
    }
    if (dir != null) {
      deleteRecursively(dir);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(dir)) {
      paths = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path path : paths) {
      Files.delete(path);
    }
  }
}
