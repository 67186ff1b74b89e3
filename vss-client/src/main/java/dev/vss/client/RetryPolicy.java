package dev.vss.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * When and how long the client waits before repeating a failed call (CLIENT-FORMATS, "Retries").
 *
 * <p>Rules, in order:
 *
 * <ol>
 *   <li>Only {@linkplain VssClientException#isRetryable() retryable} failures are repeated:
 *       transport failures and INTERNAL_SERVER answers with HTTP 500, 429 or 503. A CONFLICT,
 *       INVALID_REQUEST, NO_SUCH_KEY or AUTH answer and a protocol version mismatch are never
 *       repeated, whatever the policy.
 *   <li>At most {@link #maxAttempts()} attempts are made, the first one included.
 *   <li>The wait before attempt {@code n + 1} follows the {@link #backoff()} curve: {@link
 *       Backoff#GEOMETRIC} {@code initialBackoff * multiplier^(n-1)} or {@link
 *       Backoff#VSS_CLIENT_NG} {@code initialBackoff * (2^n - 1)}, capped at {@link #maxBackoff()};
 *       then it is shortened by a random fraction of at most {@link #jitter()} of itself, so that
 *       clients failing together do not retry together.
 *   <li>A retry is scheduled only if the budget stays within {@link #totalBudget()} with its wait
 *       added: by default the budget counts the time elapsed since the call began (an attempt
 *       already in flight is bounded by the request timeout, not by the budget); with {@link
 *       #budgetCountsWaitsOnly()} it counts only the waits between attempts, as {@code
 *       vss-client-ng}'s {@code MaxTotalDelayRetryPolicy} does.
 *   <li>When the server said how long to wait ({@code Retry-After} on a 429 or 503), the wait is at
 *       least that long, but never longer than {@link #maxBackoff()}: the server's word can
 *       lengthen a wait up to the policy's cap, never beyond it. The budget check of rule 4 applies
 *       to the lengthened wait.
 *   <li>Finally a random {@link #addedJitter()} of up to that duration is added to the wait (as
 *       {@code vss-client-ng}'s {@code JitteredRetryPolicy} does); it is not counted against the
 *       budget check of this retry, only of the following ones. Default zero.
 * </ol>
 *
 * <p>Both jitters use the same random draw. {@link #ldkNode()} is the policy LDK Node configures.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class RetryPolicy {
  private static final RetryPolicy DEFAULTS = builder().build();

  /**
   * The policy LDK Node's {@code VssStore} gives {@code vss-client-ng} (see {@link #ldkNode()}).
   */
  private static final RetryPolicy LDK_NODE =
      builder()
          .backoff(Backoff.VSS_CLIENT_NG)
          .initialBackoff(Duration.ofMillis(10))
          // vss-client-ng has no cap. A cap far above the budget changes nothing: a capped wait is
          // still refused by the budget, as the uncapped one is.
          .maxBackoff(Duration.ofDays(1))
          .maxAttempts(100)
          .totalBudget(Duration.ofSeconds(180))
          .budgetCountsWaitsOnly(true)
          .jitter(0)
          .addedJitter(Duration.ofMillis(100))
          .build();

  /** How the wait grows with the number of failed attempts. */
  public enum Backoff {
    /** {@code initialBackoff * multiplier^(n-1)} before attempt {@code n + 1}: 1, m, m², ... */
    GEOMETRIC,
    /**
     * {@code initialBackoff * (2^n - 1)} before attempt {@code n + 1}: 1, 3, 7, 15, ... times the
     * initial backoff, the curve of {@code vss-client-ng}'s {@code ExponentialBackoffRetryPolicy}.
     * The multiplier is not used.
     */
    VSS_CLIENT_NG
  }

  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final double multiplier;
  private final double jitter;
  private final Duration totalBudget;
  private final Backoff backoff;
  private final boolean budgetCountsWaitsOnly;
  private final Duration addedJitter;

  private RetryPolicy(Builder builder) {
    this.maxAttempts = builder.maxAttempts;
    this.initialBackoff = builder.initialBackoff;
    this.maxBackoff = builder.maxBackoff;
    this.multiplier = builder.multiplier;
    this.jitter = builder.jitter;
    this.totalBudget = builder.totalBudget;
    this.backoff = builder.backoff;
    this.budgetCountsWaitsOnly = builder.budgetCountsWaitsOnly;
    this.addedJitter = builder.addedJitter;
  }

  /**
   * The default policy: 8 attempts, backoff from 100 ms doubling up to 5 s, jitter 0.5, total
   * budget 30 s.
   */
  public static RetryPolicy defaults() {
    return DEFAULTS;
  }

  /**
   * The retry settings LDK Node's {@code VssStore} gives the deployed Rust client ({@code
   * ldk-node/src/io/vss_store.rs}, {@code retry_policy()}), reproduced exactly: waits of 10 ms
   * &times; (2^n - 1) after the n-th failure (10, 30, 70, 150 ms, ...), at most 100 attempts, at
   * most 180 s of waiting in total (the time spent in attempts is not counted), and up to 100 ms of
   * random time added to each wait. The 180 s budget is what ends the retries: the 14th attempt is
   * the last (about 164 s of waits before it). As in LDK Node, only transport failures and
   * retryable server errors are repeated; LDK Node additionally refuses NO_SUCH_KEY,
   * INVALID_REQUEST, CONFLICT and version mismatches, which this client never retries anyway.
   */
  public static RetryPolicy ldkNode() {
    return LDK_NODE;
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
        .totalBudget(totalBudget)
        .backoff(backoff)
        .budgetCountsWaitsOnly(budgetCountsWaitsOnly)
        .addedJitter(addedJitter);
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

  /** The budget after which no further attempt starts (see {@link #budgetCountsWaitsOnly()}). */
  public Duration totalBudget() {
    return totalBudget;
  }

  /** How the wait grows with the number of failed attempts. */
  public Backoff backoff() {
    return backoff;
  }

  /**
   * Whether the {@link #totalBudget()} counts only the waits between attempts (true) or the whole
   * time since the call began, attempts included (false, the default).
   */
  public boolean budgetCountsWaitsOnly() {
    return budgetCountsWaitsOnly;
  }

  /** The largest random duration added to each wait (zero by default). */
  public Duration addedJitter() {
    return addedJitter;
  }

  /**
   * The wait before the next attempt, or empty when the call must give up, for a caller that does
   * not track its waits separately: the elapsed time stands in for them (it includes them).
   *
   * @see #delayBeforeRetry(int, Duration, Duration, double)
   */
  public Optional<Duration> delayBeforeRetry(int failedAttempts, Duration elapsed, double random) {
    return delayBeforeRetry(failedAttempts, elapsed, elapsed, random);
  }

  /**
   * The wait before the next attempt, or empty when the call must give up.
   *
   * @param failedAttempts how many attempts have failed so far (at least 1)
   * @param elapsed the time since the call began
   * @param waited the sum of the waits between the attempts so far (at most {@code elapsed})
   * @param random a uniformly random number in {@code [0, 1)} that picks the jitter
   * @return the wait before attempt {@code failedAttempts + 1}, or empty when that attempt would
   *     exceed {@link #maxAttempts()} or the {@link #totalBudget()}
   */
  public Optional<Duration> delayBeforeRetry(
      int failedAttempts, Duration elapsed, Duration waited, double random) {
    return delayBeforeRetry(failedAttempts, elapsed, waited, random, null);
  }

  /**
   * The wait before the next attempt after an answer that said how long to wait ({@code
   * Retry-After}), or empty when the call must give up.
   *
   * @param retryAfter the server's {@code Retry-After}, or null when it gave none; the wait is at
   *     least this, capped at {@link #maxBackoff()}
   * @see #delayBeforeRetry(int, Duration, Duration, double)
   */
  public Optional<Duration> delayBeforeRetry(
      int failedAttempts,
      Duration elapsed,
      Duration waited,
      double random,
      @Nullable Duration retryAfter) {
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
    double growth =
        backoff == Backoff.GEOMETRIC
            ? Math.pow(multiplier, failedAttempts - 1)
            : Math.pow(2, failedAttempts) - 1;
    double backoffNanos = nanos(initialBackoff) * growth;
    double cappedNanos = Math.min(backoffNanos, nanos(maxBackoff));
    Duration delay = Duration.ofNanos((long) (cappedNanos * (1 - jitter * random)));
    if (retryAfter != null && !retryAfter.isNegative()) {
      Duration asked = retryAfter.compareTo(maxBackoff) > 0 ? maxBackoff : retryAfter;
      if (asked.compareTo(delay) > 0) {
        delay = asked;
      }
    }
    Duration spent = budgetCountsWaitsOnly ? waited : elapsed;
    if (spent.plus(delay).compareTo(totalBudget) > 0) {
      return Optional.empty();
    }
    return Optional.of(delay.plusNanos((long) (nanos(addedJitter) * random)));
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
    return "RetryPolicy{maxAttempts="
        + maxAttempts
        + ", backoff="
        + backoff
        + ", initialBackoff="
        + initialBackoff
        + ", maxBackoff="
        + maxBackoff
        + ", multiplier="
        + multiplier
        + ", jitter="
        + jitter
        + ", addedJitter="
        + addedJitter
        + ", totalBudget="
        + totalBudget
        + ", budgetCountsWaitsOnly="
        + budgetCountsWaitsOnly
        + "}";
  }

  /** Builds a {@link RetryPolicy}; every setting starts at its default. */
  public static final class Builder {
    private int maxAttempts = 8;
    private Duration initialBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(5);
    private double multiplier = 2.0;
    private double jitter = 0.5;
    private Duration totalBudget = Duration.ofSeconds(30);
    private Backoff backoff = Backoff.GEOMETRIC;
    private boolean budgetCountsWaitsOnly;
    private Duration addedJitter = Duration.ZERO;

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
        throw new IllegalArgumentException(
            "multiplier must be a finite number >= 1: " + multiplier);
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

    /** The budget after which no further attempt starts (see {@link #budgetCountsWaitsOnly}). */
    public Builder totalBudget(Duration totalBudget) {
      this.totalBudget = nonNegative(totalBudget, "totalBudget");
      return this;
    }

    /** How the wait grows with the number of failed attempts; default {@link Backoff#GEOMETRIC}. */
    public Builder backoff(Backoff backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /**
     * Whether the budget counts only the waits between attempts (as {@code vss-client-ng} does)
     * instead of the whole time since the call began; default false.
     */
    public Builder budgetCountsWaitsOnly(boolean waitsOnly) {
      this.budgetCountsWaitsOnly = waitsOnly;
      return this;
    }

    /** The largest random duration added to each wait (zero or positive); default zero. */
    public Builder addedJitter(Duration addedJitter) {
      this.addedJitter = nonNegative(addedJitter, "addedJitter");
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
