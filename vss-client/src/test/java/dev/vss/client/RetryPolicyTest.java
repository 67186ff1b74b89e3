package dev.vss.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The retry schedule as a pure function: no clock, no sleeping. */
class RetryPolicyTest {
  private static final RetryPolicy NO_JITTER = RetryPolicy.builder().jitter(0).build();

  @Test
  void defaultsAreDocumented() {
    RetryPolicy policy = RetryPolicy.defaults();
    assertThat(policy.maxAttempts()).isEqualTo(8);
    assertThat(policy.initialBackoff()).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.maxBackoff()).isEqualTo(Duration.ofSeconds(5));
    assertThat(policy.multiplier()).isEqualTo(2.0);
    assertThat(policy.jitter()).isEqualTo(0.5);
    assertThat(policy.totalBudget()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void backoffDoublesUpToTheCapThenStopsAtMaxAttempts() {
    long[] expectedMillis = {100, 200, 400, 800, 1600, 3200, 5000};
    for (int failed = 1; failed <= expectedMillis.length; failed++) {
      assertThat(NO_JITTER.delayBeforeRetry(failed, Duration.ZERO, 0.0))
          .contains(Duration.ofMillis(expectedMillis[failed - 1]));
    }
    assertThat(NO_JITTER.delayBeforeRetry(8, Duration.ZERO, 0.0)).isEmpty();
    assertThat(RetryPolicy.noRetries().delayBeforeRetry(1, Duration.ZERO, 0.0)).isEmpty();
  }

  @Test
  void retryAfterLengthensTheWaitUpToTheCapAndCountsAgainstTheBudget() {
    // First wait 100 ms; the server asks for 2 s: 2 s.
    assertThat(
            NO_JITTER.delayBeforeRetry(1, Duration.ZERO, Duration.ZERO, 0.0, Duration.ofSeconds(2)))
        .contains(Duration.ofSeconds(2));
    // Asking for less than the policy's own wait changes nothing.
    assertThat(
            NO_JITTER.delayBeforeRetry(3, Duration.ZERO, Duration.ZERO, 0.0, Duration.ofMillis(1)))
        .contains(Duration.ofMillis(400));
    // Capped at the maximum backoff (5 s).
    assertThat(
            NO_JITTER.delayBeforeRetry(1, Duration.ZERO, Duration.ZERO, 0.0, Duration.ofHours(1)))
        .contains(Duration.ofSeconds(5));
    // 27 s of the 30 s budget spent: a 5 s wait does not fit, the policy's own 100 ms would.
    assertThat(
            NO_JITTER.delayBeforeRetry(
                1, Duration.ofSeconds(27), Duration.ofSeconds(27), 0.0, Duration.ofSeconds(5)))
        .isEmpty();
    assertThat(
            NO_JITTER.delayBeforeRetry(
                1, Duration.ofSeconds(27), Duration.ofSeconds(27), 0.0, null))
        .contains(Duration.ofMillis(100));
    // Still never more attempts than allowed.
    assertThat(
            NO_JITTER.delayBeforeRetry(8, Duration.ZERO, Duration.ZERO, 0.0, Duration.ofSeconds(1)))
        .isEmpty();
    // LDK Node's policy has no real cap: its 180 s budget bounds the wait.
    assertThat(
            RetryPolicy.ldkNode()
                .delayBeforeRetry(1, Duration.ZERO, Duration.ZERO, 0.0, Duration.ofSeconds(30)))
        .contains(Duration.ofSeconds(30));
  }

  @Test
  void jitterShortensTheWaitByAtMostItsFraction() {
    RetryPolicy policy = RetryPolicy.builder().jitter(0.5).build();
    assertThat(policy.delayBeforeRetry(1, Duration.ZERO, 0.0)).contains(Duration.ofMillis(100));
    assertThat(policy.delayBeforeRetry(1, Duration.ZERO, 0.5)).contains(Duration.ofMillis(75));
    assertThat(policy.delayBeforeRetry(1, Duration.ZERO, 0.999_999).orElseThrow())
        .isGreaterThan(Duration.ofMillis(50))
        .isLessThan(Duration.ofMillis(51));
  }

  @Test
  void noRetryStartsBeyondTheBudget() {
    RetryPolicy policy = NO_JITTER.toBuilder().totalBudget(Duration.ofSeconds(1)).build();
    assertThat(policy.delayBeforeRetry(1, Duration.ofMillis(900), 0.0))
        .contains(Duration.ofMillis(100));
    assertThat(policy.delayBeforeRetry(1, Duration.ofMillis(901), 0.0)).isEmpty();
    assertThat(policy.delayBeforeRetry(2, Duration.ofMillis(801), 0.0)).isEmpty();
  }

  @Test
  void survivesAbsurdSettingsWithoutOverflow() {
    RetryPolicy huge =
        RetryPolicy.builder()
            .maxAttempts(Integer.MAX_VALUE)
            .initialBackoff(Duration.ofDays(365_000))
            .maxBackoff(Duration.ofDays(365_000_000))
            .multiplier(1e300)
            .totalBudget(Duration.ofSeconds(Long.MAX_VALUE))
            .jitter(0)
            .build();
    assertThat(huge.delayBeforeRetry(1000, Duration.ZERO, 0.0)).isPresent();
  }

  @Test
  void refusesInvalidSettings() {
    assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetryPolicy.builder().jitter(1.5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetryPolicy.builder().multiplier(0.5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetryPolicy.builder().initialBackoff(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetryPolicy.defaults().delayBeforeRetry(0, Duration.ZERO, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetryPolicy.defaults().delayBeforeRetry(1, Duration.ZERO, 1.0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void onlyTransportFailuresAndInternalErrorsWith500_429_503AreRetryable() {
    assertThat(new VssTransportException("x", null, true).isRetryable()).isTrue();
    assertThat(new InternalServerException(500, "").isRetryable()).isTrue();
    assertThat(new InternalServerException(429, "").isRetryable()).isTrue();
    assertThat(new InternalServerException(503, "").isRetryable()).isTrue();
    assertThat(new InternalServerException(502, "").isRetryable()).isFalse();
    assertThat(new ConflictException(409, "").isRetryable()).isFalse();
    assertThat(new ConflictException(500, "").isRetryable()).isFalse();
    assertThat(new InvalidRequestException(400, "").isRetryable()).isFalse();
    assertThat(new NoSuchKeyException(404, "").isRetryable()).isFalse();
    assertThat(new AuthException(401, "").isRetryable()).isFalse();
    assertThat(new UnexpectedResponseException(503, "").isRetryable()).isFalse();
    assertThat(new HeaderProviderException("", null).isRetryable()).isFalse();
  }

  @Property
  void everyWaitIsWithinTheJitterBandTheCapAndTheBudget(
      @ForAll @IntRange(min = 1, max = 12) int maxAttempts,
      @ForAll @IntRange(min = 1, max = 20) int failed,
      @ForAll @LongRange(min = 0, max = 10_000) long initialMillis,
      @ForAll @LongRange(min = 0, max = 60_000) long capMillis,
      @ForAll @DoubleRange(min = 1, max = 4) double multiplier,
      @ForAll @DoubleRange(min = 0, max = 1) double jitter,
      @ForAll @LongRange(min = 0, max = 120_000) long budgetMillis,
      @ForAll @LongRange(min = 0, max = 120_000) long elapsedMillis,
      @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double random) {
    RetryPolicy policy =
        RetryPolicy.builder()
            .maxAttempts(maxAttempts)
            .initialBackoff(Duration.ofMillis(initialMillis))
            .maxBackoff(Duration.ofMillis(capMillis))
            .multiplier(multiplier)
            .jitter(jitter)
            .totalBudget(Duration.ofMillis(budgetMillis))
            .build();

    Optional<Duration> delay =
        policy.delayBeforeRetry(failed, Duration.ofMillis(elapsedMillis), random);

    double unjittered = Math.min(initialMillis * Math.pow(multiplier, failed - 1), capMillis);
    if (failed >= maxAttempts || elapsedMillis + unjittered * (1 - jitter) > budgetMillis + 1) {
      assertThat(delay).isEmpty();
    }
    delay.ifPresent(
        d -> {
          double millis = d.toNanos() / 1e6;
          assertThat(millis).isBetween(unjittered * (1 - jitter) - 1e-3, unjittered + 1e-3);
          assertThat(millis).isLessThanOrEqualTo(capMillis + 1e-3);
          assertThat(Duration.ofMillis(elapsedMillis).plus(d))
              .isLessThanOrEqualTo(Duration.ofMillis(budgetMillis));
        });
  }
}
