package dev.vss.store.postgres;

import dev.vss.core.spi.Storage;
import dev.vss.testkit.StorageModelPropertySuite;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The testkit's stateful property, unchanged: {@link PostgresStorage} must answer every random
 * request sequence exactly as the reference model does. Each try starts from an empty table of the
 * class's store (see {@link TestDatabases}).
 */
class PostgresStorageModelProperties extends StorageModelPropertySuite {
  private static final TestDatabases STORES = new TestDatabases("model");

  @AfterContainer
  static void closeStore() throws Exception {
    STORES.close();
  }

  @Override
  protected Storage newStorage() throws Exception {
    return STORES.openEmpty();
  }

  @Override
  protected void closeStorage(Storage storage) {
    STORES.release(storage);
  }
}
