package dev.vss.store.sqlite;

import dev.vss.core.spi.Storage;
import dev.vss.testkit.StorageConcurrencySuite;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The testkit's concurrency suite, unchanged, against {@link SqliteStorage} with group commit. */
class SqliteStorageConcurrencyTest extends StorageConcurrencySuite {
  @TempDir Path dir;

  @Override
  protected Storage newStorage() {
    return SqliteStorage.open(dir);
  }
}
