package dev.vss.core.spi;

import java.util.Objects;

/**
 * One listed entry: a key, its version and its creation sequence, without the value (listing never
 * needs values, so adapters may serve it from an index).
 *
 * @param key the key
 * @param version the stored version
 * @param sequence the creation sequence (see {@link StoredRecord#sequence()})
 */
public record KeyVersion(String key, long version, long sequence) {
  /** Validates the components. */
  public KeyVersion {
    Objects.requireNonNull(key, "key");
  }
}
