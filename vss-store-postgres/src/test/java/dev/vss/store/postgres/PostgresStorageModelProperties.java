package dev.vss.store.postgres;

import dev.vss.core.spi.Storage;
import dev.vss.testkit.AbstractStorageModelProperties;

/**
 * The testkit's stateful property, unchanged: {@link PostgresStorage} must answer every random
 * request sequence exactly as the reference model does. Each try starts from an empty table.
 */
class PostgresStorageModelProperties extends AbstractStorageModelProperties {
  private static final String DATABASE = TestPostgres.uniqueDatabase("model");

  @Override
  protected Storage newStorage() {
    return TestDatabases.openEmpty(DATABASE);
  }
}
