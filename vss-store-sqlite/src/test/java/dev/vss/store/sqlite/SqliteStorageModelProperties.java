package dev.vss.store.sqlite;

import dev.vss.core.spi.Storage;
import dev.vss.testkit.StorageModelPropertySuite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The testkit's stateful property, unchanged: {@link SqliteStorage} (durable, group commit) must
 * answer every random request sequence exactly as the reference model does. Each try gets a fresh
 * directory, deleted afterwards.
 */
class SqliteStorageModelProperties extends StorageModelPropertySuite {
  @Override
  protected Storage newStorage() throws IOException {
    return SqliteStorage.open(Files.createTempDirectory("vss-sqlite-model-"));
  }

  @Override
  protected void closeStorage(Storage storage) throws IOException {
    Path directory = ((SqliteStorage) storage).databaseFile().getParent();
    storage.close();
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
