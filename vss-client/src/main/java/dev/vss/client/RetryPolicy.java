package dev.vss.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * When and how long the client waits before repeating a failed call (CLIENT-FORMATS, "Retries").
 *
 * <p>Rules, in order:
 *
 * <ol>
 *   <li>Only {@linkplain VssClientException#isRetryable() retryable} failures are repeated:
 *       transport failures and INTERNAL_SERVER answers with HTTP 500, 429 or 503. A CONFLICT,
 *       INVALID_REQUEST, NO_SUCH_KEY or AUTH answer is never repeated.
 *   <li>At most {@link #maxAttempts()} attempts are made, the first one included.
 *   <li>The wait before attempt {@code n + 1} is {@code min(maxBackoff, initialBackoff *
 *       multiplier^(n-1))}, then shortened by a random fraction of at most {@link #jitter()} of
 *       itself, so that clients failing together do not retry together.
 *   <li>No attempt starts once {@link #totalBudget()} has elapsed since the call began: a retry is
 *       scheduled only if the time elapsed so far plus its wait stays within the budget. An attempt
 *       already in flight is bounded by the request timeout, not by the budget.
 * </ol>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class RetryPolicy {
  private static final RetryPolicy DEFAULTS = builder().build();

  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final double multiplier;
  private final double jitter;
  private final Duration totalBudget;

  private RetryPolicy(Builder builder) {
    this.maxAttempts = builder.maxAttempts;
    this.initialBackoff = builder.initialBackoff;
    this.maxBackoff = builder.maxBackoff;
    this.multiplier = builder.multiplier;
    this.jitter = builder.jitter;
    this.totalBudget = builder.totalBudget;
  }

  /**
   * The default policy: 8 attempts, backoff from 100 ms doubling up to 5 s, jitter 0.5, total
   * budget 30 s.
   */
  public static RetryPolicy defaults() {
    return DEFAULTS;
  }

  /** A policy that never retries: every call makes exactly one attempt. */
  public static RetryPolicy noRetries() {
    return builder().maxAttempts(1).build();
  }

  /** A builder starting from the {@linkplain #defaults() defaults}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this policy's settings. */
  public Builder toBuilder() {
    return new Builder()
        .maxAttempts(maxAttempts)
        .initialBackoff(initialBackoff)
        .maxBackoff(maxBackoff)
        .multiplier(multiplier)
        .jitter(jitter)
        .totalBudget(totalBudget);
  }

  /** The largest number of attempts per call, the first attempt included (at least 1). */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** The wait before the first retry, before jitter. */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /** The longest wait between two attempts, before jitter. */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** The factor by which the wait grows after each failed attempt (at least 1). */
  public double multiplier() {
    return multiplier;
  }

  /** The largest fraction (0 to 1) by which a wait is randomly shortened. */
  public double jitter() {
    return jitter;
  }

  /** The time since the call began after which no further attempt starts. */
  public Duration totalBudget() {
    return totalBudget;
  }

  /**
   * The wait before the next attempt, or empty when the call must give up.
   *
   * @param failedAttempts how many attempts have failed so far (at least 1)
   * @param elapsed the time since the call began
   * @param random a uniformly random number in {@code [0, 1)} that picks the jitter
   * @return the wait before attempt {@code failedAttempts + 1}, or empty when that attempt would
   *     exceed {@link #maxAttempts()} or the {@link #totalBudget()}
   */
  public Optional<Duration> delayBeforeRetry(int failedAttempts, Duration elapsed, double random) {
    if (failedAttempts < 1) {
      throw new IllegalArgumentException("failedAttempts must be at least 1: " + failedAttempts);
    }
    if (!(random >= 0 && random < 1)) {
      throw new IllegalArgumentException("random must be in [0, 1): " + random);
    }
    if (failedAttempts >= maxAttempts) {
      return Optional.empty();
    }
    // Doubles, not longs: the exponential overflows a long long before it is capped; the final cast
    // saturates at Long.MAX_VALUE nanoseconds (292 years) for absurd settings.
    double backoffNanos = nanos(initialBackoff) * Math.pow(multiplier, failedAttempts - 1);
    double cappedNanos = Math.min(backoffNanos, nanos(maxBackoff));
    Duration delay = Duration.ofNanos((long) (cappedNanos * (1 - jitter * random)));
    if (elapsed.plus(delay).compareTo(totalBudget) > 0) {
      return Optional.empty();
    }
    return Optional.of(delay);
  }

  private static double nanos(Duration duration) {
    return duration.getSeconds() * 1e9 + duration.getNano();
  }

  /** The HTTP statuses a retry is allowed for: 500, 429 and 503. */
  static boolean isRetryableStatus(int httpStatus) {
    return httpStatus == 500 || httpStatus == 429 || httpStatus == 503;
  }

  @Override
  public String toString() {
    return "RetryPolicy{maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff
        + ", maxBackoff=" + maxBackoff + ", multiplier=" + multiplier + ", jitter=" + jitter
        + ", totalBudget=" + totalBudget + "}";
  }

  /** Builds a {@link RetryPolicy}; every setting starts at its default. */
  public static final class Builder {
    private int maxAttempts = 8;
    private Duration initialBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(5);
    private double multiplier = 2.0;
    private double jitter = 0.5;
    private Duration totalBudget = Duration.ofSeconds(30);

    private Builder() {}

    /** The largest number of attempts per call, the first included; 1 disables retries. */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** The wait before the first retry, before jitter (zero or positive). */
    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff = nonNegative(initialBackoff, "initialBackoff");
      return this;
    }

    /** The longest wait between two attempts, before jitter (zero or positive). */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = nonNegative(maxBackoff, "maxBackoff");
      return this;
    }

    /** The factor by which the wait grows after each failed attempt (at least 1). */
    public Builder multiplier(double multiplier) {
      if (!(multiplier >= 1 && Double.isFinite(multiplier))) {
        throw new IllegalArgumentException("multiplier must be a finite number >= 1: " + multiplier);
      }
      this.multiplier = multiplier;
      return this;
    }

    /** The largest fraction (0 to 1) by which a wait is randomly shortened; 0 disables jitter. */
    public Builder jitter(double jitter) {
      if (!(jitter >= 0 && jitter <= 1)) {
        throw new IllegalArgumentException("jitter must be in [0, 1]: " + jitter);
      }
      this.jitter = jitter;
      return this;
    }

    /** The time since the call began after which no further attempt starts. */
    public Builder totalBudget(Duration totalBudget) {
      this.totalBudget = nonNegative(totalBudget, "totalBudget");
      return this;
    }

    /** The policy. */
    public RetryPolicy build() {
      return new RetryPolicy(this);
    }

    private static Duration nonNegative(Duration duration, String name) {
      Objects.requireNonNull(duration, name);
      if (duration.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative: " + duration);
      }
      return duration;
    }
  }
}
