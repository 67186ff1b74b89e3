package dev.vss.core.spi;

import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What a {@link WriteDecision} sees: the current versions of the keys it declared and the
 * keyspace's global version, consistent with each other and serialized against every other write to
 * the same keyspace; and, from a store that {@linkplain Storage#tracksUsage() tracks usage}, the
 * stored bytes of the declared keys and the usage of the keyspace and of its user.
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
   * The {@linkplain Usage stored bytes} of the record under {@code key}, or empty when the key does
   * not exist.
   *
   * @throws IllegalArgumentException if {@code key} was not declared
   * @throws UnsupportedOperationException if the store does not track usage
   */
  default OptionalLong storedBytes(String key) {
    throw new UnsupportedOperationException("this store does not track usage");
  }

  /**
   * The keyspace's usage before this write, consistent with the rest of the view.
   *
   * @throws UnsupportedOperationException if the store does not track usage
   */
  default Usage keyspaceUsage() {
    throw new UnsupportedOperationException("this store does not track usage");
  }

  /**
   * The usage of the keyspace's user, over all its store ids, before this write. Consistent with
   * the rest of the view and serialized against every other write of the user whose decision
   * {@linkplain WriteDecision#readsUsage() reads usage}, so two such writes to different store ids
   * of one user never both see the usage before the other.
   *
   * @throws UnsupportedOperationException if the store does not track usage
   */
  default Usage userUsage() {
    throw new UnsupportedOperationException("this store does not track usage");
  }

  /**
   * A view over {@code declaredKeys} whose versions come from {@code versions}; asking for an
   * undeclared key fails, which catches a decision reading outside what the adapter locked.
   */
  static WriteView of(
      Set<String> declaredKeys, Function<String, OptionalLong> versions, long globalVersion) {
    return new WriteView() {
      @Override
      public OptionalLong version(String key) {
        return versions.apply(declared(declaredKeys, key));
      }

      @Override
      public long globalVersion() {
        return globalVersion;
      }
    };
  }

  /**
   * A view of a store that tracks usage: as {@link #of(Set, Function, long)}, plus the stored bytes
   * of the declared keys and the usages, each read only when the decision asks for it.
   */
  static WriteView of(
      Set<String> declaredKeys,
      Function<String, OptionalLong> versions,
      Function<String, OptionalLong> storedBytes,
      LongSupplier globalVersion,
      Supplier<Usage> keyspaceUsage,
      Supplier<Usage> userUsage) {
    return new WriteView() {
      @Override
      public OptionalLong version(String key) {
        return versions.apply(declared(declaredKeys, key));
      }

      @Override
      public long globalVersion() {
        return globalVersion.getAsLong();
      }

      @Override
      public OptionalLong storedBytes(String key) {
        return storedBytes.apply(declared(declaredKeys, key));
      }

      @Override
      public Usage keyspaceUsage() {
        return keyspaceUsage.get();
      }

      @Override
      public Usage userUsage() {
        return userUsage.get();
      }
    };
  }

  private static String declared(Set<String> declaredKeys, String key) {
    if (!declaredKeys.contains(key)) {
      throw new IllegalArgumentException("key not declared to write: " + key);
    }
    return key;
  }
}
