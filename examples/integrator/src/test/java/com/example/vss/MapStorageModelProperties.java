package com.example.vss;

import dev.vss.core.spi.Storage;
import dev.vss.testkit.StorageModelPropertySuite;
import net.jqwik.api.PropertyDefaults;

/** The kit's model property: random request sequences answered exactly as the reference model. */
@PropertyDefaults(tries = 25)
class MapStorageModelProperties extends StorageModelPropertySuite {
  @Override
  protected Storage newStorage() {
    return new MapStorage();
  }
}
