package dev.vss.client.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@code Authorization: Bearer <jwt>} (SPEC section 5, JWT) with tokens from an
 * application-supplied source, cached until shortly before they expire.
 *
 * <p>Rules:
 *
 * <ol>
 *   <li>The first request asks the supplier for a token and reads its {@code exp} claim.
 *   <li>Later requests reuse that token while the clock is before {@code exp - refreshMargin}; from
 *       then on the next request asks the supplier for a fresh token.
 *   <li>A token without a numeric {@code exp} claim, or that is not a JWT, is refused with a clear
 *       message (the server would refuse it too) and is not cached; so is a supplier failure.
 *   <li>Concurrent requests needing a fresh token wait for one supplier call; they never call it in
 *       parallel.
 * </ol>
 *
 * <p>The token is not verified here: only the server can do that.
 */
public final class JwtBearerHeaderProvider implements HeaderProvider {
  /** The default margin before {@code exp} at which a token is replaced. */
  public static final Duration DEFAULT_REFRESH_MARGIN = Duration.ofSeconds(60);

  private final Supplier<String> tokens;
  private final Duration refreshMargin;
  private final Clock clock;

  // Guarded by this.
  private String cachedToken;
  private Instant refreshAt;

  private JwtBearerHeaderProvider(Supplier<String> tokens, Duration refreshMargin, Clock clock) {
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.refreshMargin = Objects.requireNonNull(refreshMargin, "refreshMargin");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (refreshMargin.isNegative()) {
      throw new IllegalArgumentException("refreshMargin must not be negative: " + refreshMargin);
    }
  }

  /**
   * A provider that replaces tokens {@linkplain #DEFAULT_REFRESH_MARGIN 60 s} before they expire.
   *
   * @param tokens returns a fresh, signed JWT each time it is called (for example by calling your
   *     authentication service)
   */
  public static JwtBearerHeaderProvider of(Supplier<String> tokens) {
    return new JwtBearerHeaderProvider(tokens, DEFAULT_REFRESH_MARGIN, Clock.systemUTC());
  }

  /**
   * A provider with an explicit refresh margin and clock.
   *
   * @param tokens returns a fresh, signed JWT each time it is called
   * @param refreshMargin how long before {@code exp} a token stops being reused
   * @param clock the clock compared with {@code exp}
   */
  public static JwtBearerHeaderProvider of(
      Supplier<String> tokens, Duration refreshMargin, Clock clock) {
    return new JwtBearerHeaderProvider(tokens, refreshMargin, clock);
  }

  /**
   * The {@code Authorization} header with the cached token, fetching a fresh one first when the
   * cached one is missing or about to expire.
   *
   * @throws IllegalStateException if the supplier fails or returns something that is not a JWT with
   *     an {@code exp} claim
   */
  @Override
  public synchronized Map<String, String> headers() {
    Instant now = clock.instant();
    if (cachedToken == null || !now.isBefore(refreshAt)) {
      String token;
      try {
        token = tokens.get();
      } catch (RuntimeException e) {
        throw new IllegalStateException("the JWT supplier failed: " + e.getMessage(), e);
      }
      if (token == null || token.isBlank()) {
        throw new IllegalStateException("the JWT supplier returned no token");
      }
      token = token.strip();
      Instant expiry;
      try {
        expiry = JwtExpiry.of(token);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(
            "the JWT supplier returned an unusable token: " + e.getMessage(), e);
      }
      cachedToken = token;
      refreshAt = minusSaturating(expiry, refreshMargin);
    }
    return Map.of("Authorization", "Bearer " + cachedToken);
  }

  private static Instant minusSaturating(Instant instant, Duration duration) {
    return instant.isBefore(Instant.MIN.plus(duration)) ? Instant.MIN : instant.minus(duration);
  }
}
