package dev.vss.store.sqlite;

import dev.vss.core.spi.Storage;
import dev.vss.testkit.StorageQuotaSuite;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/** The testkit's quota scenarios against {@link SqliteStorage}. */
class SqliteStorageQuotaTest extends StorageQuotaSuite {
  @TempDir Path dir;

  @Override
  protected Storage newStorage() {
    return SqliteStorage.open(dir);
  }

  @Override
  protected Optional<Storage> reopenStorage(Storage storage) {
    storage.close();
    return Optional.of(SqliteStorage.open(dir));
  }
}
