package dev.vss.server;

import org.jspecify.annotations.NullMarked;

/**
 * Per-user rate limits of the VSS API: token buckets keyed by the authenticated user token. Each
 * limit is off when its rate is 0 (the default, {@link #OFF}).
 *
 * <p>A bucket holds up to its burst and refills continuously at its rate; a request takes one token
 * from the requests bucket and a write (putObjects, deleteObject) takes its body's bytes from the
 * written-bytes bucket. A request that finds too few tokens gets 429 with {@code Retry-After}.
 *
 * @param requestsPerSecond requests each user may make per second on average; 0 for no limit
 * @param requestBurst how many requests a user may make at once after being idle (at least 1 when
 *     the limit is on)
 * @param writeBytesPerSecond request-body bytes of writes each user may send per second on average;
 *     0 for no limit
 * @param writeBytesBurst how many written bytes a user may send at once after being idle; a write
 *     larger than this can never pass, so it should be at least the body limit
 */
@NullMarked
public record RateLimits(
    long requestsPerSecond, long requestBurst, long writeBytesPerSecond, long writeBytesBurst) {

  /** No rate limits. */
  public static final RateLimits OFF = new RateLimits(0, 0, 0, 0);

  /**
   * Checks the values. A refusal names the components as this record does ({@code requestBurst 0
   * must be at least 1 when requestsPerSecond is 5}), so that a configuration layer can put its own
   * setting names in their place.
   *
   * @throws IllegalArgumentException for a negative value, or a limit that is on with a burst below
   *     1
   */
  public RateLimits {
    requireNonNegative("requestsPerSecond", requestsPerSecond);
    requireNonNegative("requestBurst", requestBurst);
    requireNonNegative("writeBytesPerSecond", writeBytesPerSecond);
    requireNonNegative("writeBytesBurst", writeBytesBurst);
    if (requestsPerSecond > 0 && requestBurst < 1) {
      throw new IllegalArgumentException(
          "requestBurst "
              + requestBurst
              + " must be at least 1 when requestsPerSecond is "
              + requestsPerSecond);
    }
    if (writeBytesPerSecond > 0 && writeBytesBurst < 1) {
      throw new IllegalArgumentException(
          "writeBytesBurst "
              + writeBytesBurst
              + " must be at least 1 when writeBytesPerSecond is "
              + writeBytesPerSecond);
    }
  }

  private static void requireNonNegative(String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " " + value + " must not be negative");
    }
  }

  /** Whether requests per second are limited. */
  public boolean limitsRequests() {
    return requestsPerSecond > 0;
  }

  /** Whether written bytes per second are limited. */
  public boolean limitsWriteBytes() {
    return writeBytesPerSecond > 0;
  }

  /** Whether any limit is on. */
  public boolean enabled() {
    return limitsRequests() || limitsWriteBytes();
  }
}
