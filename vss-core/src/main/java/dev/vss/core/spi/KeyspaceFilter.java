package dev.vss.core.spi;

import dev.vss.core.Keyspace;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * Which keyspaces a {@link SnapshotSource} streams: every keyspace, every keyspace of one user, or
 * one keyspace.
 *
 * @param userToken only this user's keyspaces, when present
 * @param storeId only keyspaces with this store id, when present (needs {@code userToken})
 */
public record KeyspaceFilter(Optional<String> userToken, Optional<String> storeId) {
  /** Every keyspace of the store. */
  public static final KeyspaceFilter ALL = new KeyspaceFilter(Optional.empty(), Optional.empty());

  /**
   * The order in which snapshots stream keyspaces: by user token, then by store id, each compared
   * as unsigned UTF-8 bytes (not as Java strings, whose UTF-16 order differs beyond U+FFFF). Every
   * source uses it, so two snapshots can be compared side by side.
   */
  public static final Comparator<Keyspace> ORDER =
      Comparator.comparing((Keyspace k) -> utf8(k.userToken()), Arrays::compareUnsigned)
          .thenComparing(k -> utf8(k.storeId()), Arrays::compareUnsigned);

  /** Validates that a store id filter comes with a user. */
  public KeyspaceFilter {
    Objects.requireNonNull(userToken, "userToken");
    Objects.requireNonNull(storeId, "storeId");
    if (storeId.isPresent() && userToken.isEmpty()) {
      throw new IllegalArgumentException("a store id filter needs a user token");
    }
  }

  /** Every keyspace of {@code userToken}. */
  public static KeyspaceFilter user(String userToken) {
    return new KeyspaceFilter(Optional.of(userToken), Optional.empty());
  }

  /** The one keyspace {@code keyspace}. */
  public static KeyspaceFilter keyspace(Keyspace keyspace) {
    return new KeyspaceFilter(Optional.of(keyspace.userToken()), Optional.of(keyspace.storeId()));
  }

  /** Whether {@code keyspace} passes the filter. */
  public boolean matches(Keyspace keyspace) {
    return userToken.map(keyspace.userToken()::equals).orElse(true)
        && storeId.map(keyspace.storeId()::equals).orElse(true);
  }

  /** For messages: {@code all keyspaces}, {@code user "u"} or {@code keyspace "u"/"s"}. */
  public String describe() {
    if (userToken.isEmpty()) {
      return "all keyspaces";
    }
    return storeId.isEmpty()
        ? "user \"" + userToken.get() + "\""
        : "keyspace \"" + userToken.get() + "\"/\"" + storeId.get() + "\"";
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
