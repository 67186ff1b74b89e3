package dev.vss.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The token buckets of {@link RateLimits}, one pair per user token, in a bounded map.
 *
 * <p>Buckets are Bucket4j's lock-free local buckets. The map is a Caffeine cache that forgets a
 * user's buckets once they have been idle for as long as their fullest refill takes: by then they
 * are full again, so forgetting them changes nothing and memory stays proportional to the users
 * active in that window. The cache is also capped at {@link #MAX_TRACKED_USERS} entries (least
 * recently used out first): only with more users than that active within the window could a limited
 * user be forgotten and get full buckets early, which bounds memory (a few hundred bytes a user) at
 * the cost of leniency under an extreme user count.
 *
 * <p>Thread-safe.
 */
final class UserRateLimiter {
  /** The most users whose buckets are kept at once. */
  static final long MAX_TRACKED_USERS = 100_000;

  private final RateLimits limits;
  private final TimeMeter clock;
  private final Cache<String, Buckets> buckets;

  /** Both buckets of one user; either is null when its limit is off. */
  private record Buckets(Bucket requests, Bucket writeBytes) {}

  /**
   * A limiter on {@code nanoTime} (System::nanoTime in production, a manual clock in tests).
   *
   * @throws IllegalArgumentException if no limit is on
   */
  UserRateLimiter(RateLimits limits, LongSupplier nanoTime) {
    this.limits = Objects.requireNonNull(limits, "limits");
    if (!limits.enabled()) {
      throw new IllegalArgumentException("no rate limit is on");
    }
    this.clock =
        new TimeMeter() {
          @Override
          public long currentTimeNanos() {
            return nanoTime.getAsLong();
          }

          @Override
          public boolean isWallClockBased() {
            return false;
          }
        };
    this.buckets =
        Caffeine.newBuilder()
            .maximumSize(MAX_TRACKED_USERS)
            .expireAfterAccess(idleExpiry(limits))
            .ticker(nanoTime::getAsLong)
            // Maintenance on the calling thread: no work handed to the common pool.
            .executor(Runnable::run)
            .build();
  }

  /** The longest time an empty bucket takes to refill completely; at least one second. */
  static Duration idleExpiry(RateLimits limits) {
    double seconds = 1;
    if (limits.limitsRequests()) {
      seconds = Math.max(seconds, (double) limits.requestBurst() / limits.requestsPerSecond());
    }
    if (limits.limitsWriteBytes()) {
      seconds = Math.max(seconds, (double) limits.writeBytesBurst() / limits.writeBytesPerSecond());
    }
    return Duration.ofMillis((long) Math.ceil(seconds * 1000));
  }

  /** Whether written bytes are limited. */
  boolean limitsWriteBytes() {
    return limits.limitsWriteBytes();
  }

  /**
   * Takes one request token of {@code userToken}.
   *
   * @return 0 if taken, else the nanoseconds until one is available (nothing was taken)
   */
  long tryRequest(String userToken) {
    Bucket bucket = bucketsOf(userToken).requests();
    return bucket == null ? 0 : take(bucket, 1);
  }

  /**
   * Takes {@code bytes} written-bytes tokens of {@code userToken}.
   *
   * @return 0 if taken, else the nanoseconds until they are available (nothing was taken; {@link
   *     Long#MAX_VALUE} when {@code bytes} exceeds the burst and never will be)
   */
  long tryWriteBytes(String userToken, long bytes) {
    Bucket bucket = bucketsOf(userToken).writeBytes();
    if (bucket == null || bytes <= 0) {
      return 0;
    }
    if (bytes > limits.writeBytesBurst()) {
      return Long.MAX_VALUE;
    }
    return take(bucket, bytes);
  }

  /** Users whose buckets are kept now (an estimate); for metrics. */
  long trackedUsers() {
    return buckets.estimatedSize();
  }

  private static long take(Bucket bucket, long tokens) {
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(tokens);
    return probe.isConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
  }

  private Buckets bucketsOf(String userToken) {
    return buckets.get(
        userToken,
        token ->
            new Buckets(
                limits.limitsRequests()
                    ? bucket(limits.requestBurst(), limits.requestsPerSecond())
                    : null,
                limits.limitsWriteBytes()
                    ? bucket(limits.writeBytesBurst(), limits.writeBytesPerSecond())
                    : null));
  }

  private Bucket bucket(long burst, long perSecond) {
    return Bucket.builder()
        .addLimit(limit -> limit.capacity(burst).refillGreedy(perSecond, Duration.ofSeconds(1)))
        .withCustomTimePrecision(clock)
        .build();
  }
}
