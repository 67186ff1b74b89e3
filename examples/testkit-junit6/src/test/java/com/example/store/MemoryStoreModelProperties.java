package com.example.store;

import dev.vss.core.memory.InMemoryStorage;
import dev.vss.core.spi.Storage;
import dev.vss.testkit.StorageModelPropertySuite;
import net.jqwik.api.PropertyDefaults;

/** The kit's model property (jqwik) against a store held in memory. */
@PropertyDefaults(tries = 20)
class MemoryStoreModelProperties extends StorageModelPropertySuite {
  @Override
  protected Storage newStorage() {
    return new InMemoryStorage();
  }
}
