package dev.vss.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * {@link RetryPolicy#ldkNode()} against a model of the policy LDK Node builds from {@code
 * vss-client-ng} 0.6.0 ({@code ldk-node/src/io/vss_store.rs} {@code retry_policy()}): {@code
 * ExponentialBackoffRetryPolicy::new(10ms).with_max_attempts(100)
 * .with_max_total_delay(180s).with_max_jitter(100ms)}, written here from the Rust decorators'
 * source, not from the Java policy.
 */
class LdkNodeRetryPresetTest {
  private static final long BASE_NANOS = 10_000_000L;
  private static final long MAX_TOTAL_DELAY_NANOS = 180_000_000_000L;
  private static final long MAX_JITTER_NANOS = 100_000_000L;
  private static final int MAX_ATTEMPTS = 100;

  /**
   * The Rust composition, innermost first: the exponential base delay {@code base * (2^n - 1)}
   * ({@code n} = attempts made), {@code MaxAttemptsRetryPolicy} (none when {@code n == max}),
   * {@code MaxTotalDelayRetryPolicy} (none when {@code max < accumulated + delay}), then {@code
   * JitteredRetryPolicy} adding a random jitter below the maximum.
   */
  private static Optional<Long> rustNextDelayNanos(
      int attemptsMade, long accumulatedNanos, double random) {
    if (attemptsMade == MAX_ATTEMPTS) {
      return Optional.empty();
    }
    if (attemptsMade >= 40) {
      return Optional.empty(); // 10 ms * (2^40 - 1) is far above 180 s (and would overflow here)
    }
    long delay = BASE_NANOS * ((1L << attemptsMade) - 1);
    if (MAX_TOTAL_DELAY_NANOS < accumulatedNanos + delay) {
      return Optional.empty();
    }
    return Optional.of(delay + (long) (MAX_JITTER_NANOS * random));
  }

  @Test
  void theSettingsAreLdkNodes() {
    RetryPolicy policy = RetryPolicy.ldkNode();
    assertThat(policy.initialBackoff()).isEqualTo(Duration.ofMillis(10));
    assertThat(policy.backoff()).isEqualTo(RetryPolicy.Backoff.VSS_CLIENT_NG);
    assertThat(policy.maxAttempts()).isEqualTo(100);
    assertThat(policy.totalBudget()).isEqualTo(Duration.ofSeconds(180));
    assertThat(policy.budgetCountsWaitsOnly()).isTrue();
    assertThat(policy.addedJitter()).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.jitter()).isZero();
    assertThat(policy.toBuilder().build().toString()).isEqualTo(policy.toString());
  }

  /** Without jitter: 10, 30, 70, ... 81 910 ms, then the 180 s budget ends it after 14 attempts. */
  @Test
  void theScheduleWithoutJitterEndsAtTheBudget() {
    List<Duration> waits = new ArrayList<>();
    Duration waited = Duration.ZERO;
    for (int failed = 1; ; failed++) {
      Optional<Duration> next =
          RetryPolicy.ldkNode().delayBeforeRetry(failed, Duration.ofHours(1), waited, 0.0);
      if (next.isEmpty()) {
        break;
      }
      waits.add(next.get());
      waited = waited.plus(next.get());
    }
    assertThat(waits).hasSize(13);
    assertThat(waits.get(0)).isEqualTo(Duration.ofMillis(10));
    assertThat(waits.get(1)).isEqualTo(Duration.ofMillis(30));
    assertThat(waits.get(2)).isEqualTo(Duration.ofMillis(70));
    assertThat(waits.get(12)).isEqualTo(Duration.ofMillis(81_910));
    assertThat(waited).isEqualTo(Duration.ofMillis(163_690));
  }

  /** The time spent in attempts does not count: only the waits do, as in vss-client-ng. */
  @Test
  void timeSpentInAttemptsIsNotCountedAgainstTheBudget() {
    assertThat(
            RetryPolicy.ldkNode().delayBeforeRetry(1, Duration.ofMinutes(10), Duration.ZERO, 0.0))
        .contains(Duration.ofMillis(10));
  }

  @Property(tries = 2000)
  void everyWaitMatchesTheRustComposition(
      @ForAll @IntRange(min = 1, max = 120) int attemptsMade,
      @ForAll @LongRange(min = 0, max = 200_000_000_000L) long accumulatedNanos,
      @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double random) {
    Optional<Duration> java =
        RetryPolicy.ldkNode()
            .delayBeforeRetry(
                attemptsMade, Duration.ofDays(1), Duration.ofNanos(accumulatedNanos), random);

    assertThat(java.map(Duration::toNanos))
        .isEqualTo(rustNextDelayNanos(attemptsMade, accumulatedNanos, random));
  }

  /** Whole calls: the same random draws give the same waits and the same number of attempts. */
  @Property(tries = 200)
  void wholeSchedulesMatchTheRustComposition(
      @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double random) {
    long javaWaited = 0;
    long rustWaited = 0;
    for (int failed = 1; failed <= 120; failed++) {
      Optional<Duration> java =
          RetryPolicy.ldkNode()
              .delayBeforeRetry(failed, Duration.ZERO, Duration.ofNanos(javaWaited), random);
      Optional<Long> rust = rustNextDelayNanos(failed, rustWaited, random);
      assertThat(java.map(Duration::toNanos)).isEqualTo(rust);
      if (rust.isEmpty()) {
        assertThat(failed).isEqualTo(14);
        return;
      }
      javaWaited += java.orElseThrow().toNanos();
      rustWaited += rust.get();
    }
    throw new AssertionError("the schedule never ended");
  }
}
