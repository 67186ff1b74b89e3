package dev.vss.core.spi;

import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

/**
 * What a {@link WriteDecision} sees: the current versions of the keys it declared and the keyspace's
 * global version, consistent with each other and serialized against every other write to the same
 * keyspace.
 */
public interface WriteView {
  /**
   * The stored version of {@code key}, or empty when the key does not exist.
   *
   * @throws IllegalArgumentException if {@code key} was not among the keys declared to {@link
   *     Storage#write}
   */
  OptionalLong version(String key);

  /** The keyspace's global version; 0 when never set. */
  long globalVersion();

  /**
   * A view over {@code declaredKeys} whose versions come from {@code versions}; asking for an
   * undeclared key fails, which catches a decision reading outside what the adapter locked.
   */
  static WriteView of(Set<String> declaredKeys, Function<String, OptionalLong> versions,
      long globalVersion) {
    return new WriteView() {
      @Override
      public OptionalLong version(String key) {
        if (!declaredKeys.contains(key)) {
          throw new IllegalArgumentException("key not declared to write: " + key);
        }
        return versions.apply(key);
      }

      @Override
      public long globalVersion() {
        return globalVersion;
      }
    };
  }
}
