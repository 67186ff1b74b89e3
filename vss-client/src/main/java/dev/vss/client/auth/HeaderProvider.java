package dev.vss.client.auth;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Supplies the HTTP headers (usually {@code Authorization}) for one request. The client asks again
 * for every attempt, so a provider can hand out a fresh signature or a refreshed token each time.
 *
 * <p>Implementations are thread-safe. A provider that cannot produce headers throws any runtime
 * exception; the client reports it as a {@link dev.vss.client.HeaderProviderException} and sends
 * nothing. The client calls a provider on the thread that starts the attempt, so a provider that
 * blocks (for example to fetch a token) delays that attempt only.
 */
@FunctionalInterface
public interface HeaderProvider {
  /** The headers to add to the next request (names are case-insensitive in HTTP). */
  Map<String, String> headers();

  /** A provider that adds no header: for servers running with {@code none} auth. */
  static HeaderProvider none() {
    return Map::of;
  }

  /**
   * A provider that adds this provider's headers, then {@code other}'s; on a name present in both,
   * {@code other}'s value wins.
   */
  default HeaderProvider with(HeaderProvider other) {
    Objects.requireNonNull(other, "other");
    return () -> {
      Map<String, String> merged = new LinkedHashMap<>(headers());
      merged.putAll(other.headers());
      return merged;
    };
  }
}
