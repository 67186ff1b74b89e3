package dev.vss.client.auth;

import static dev.vss.client.auth.JwtExpiryTest.jwt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class JwtBearerHeaderProviderTest {
  private static final Instant T0 = Instant.ofEpochSecond(1_700_000_000);

  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    Instant now = T0;

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** Hands out the given tokens in order and counts the calls. */
  static final class Tokens implements Supplier<String> {
    final Deque<String> queue;
    final AtomicInteger calls = new AtomicInteger();

    Tokens(String... tokens) {
      this.queue = new ArrayDeque<>(List.of(tokens));
    }

    @Override
    public String get() {
      calls.incrementAndGet();
      return queue.removeFirst();
    }
  }

  static String expiringAt(Instant exp, String subject) {
    return jwt("{\"sub\":\"" + subject + "\",\"exp\":" + exp.getEpochSecond() + "}");
  }

  @Test
  void reusesATokenUntilTheRefreshMarginBeforeExp() {
    String first = expiringAt(T0.plusSeconds(600), "first");
    String second = expiringAt(T0.plusSeconds(1200), "second");
    Tokens tokens = new Tokens(first, second);
    ManualClock clock = new ManualClock();
    JwtBearerHeaderProvider provider =
        JwtBearerHeaderProvider.of(tokens, Duration.ofSeconds(60), clock);

    assertThat(provider.headers()).containsEntry("Authorization", "Bearer " + first);
    clock.now = T0.plusSeconds(539);
    assertThat(provider.headers()).containsEntry("Authorization", "Bearer " + first);
    assertThat(tokens.calls).hasValue(1);

    clock.now = T0.plusSeconds(540); // exp - 60 s: time for a fresh token
    assertThat(provider.headers()).containsEntry("Authorization", "Bearer " + second);
    assertThat(tokens.calls).hasValue(2);
  }

  @Test
  void anAlreadyExpiredTokenIsUsedOnceAndReplacedOnTheNextRequest() {
    String stale = expiringAt(T0.minusSeconds(10), "stale");
    String fresh = expiringAt(T0.plusSeconds(3600), "fresh");
    Tokens tokens = new Tokens(stale, fresh);
    JwtBearerHeaderProvider provider =
        JwtBearerHeaderProvider.of(tokens, Duration.ofSeconds(60), new ManualClock());

    assertThat(provider.headers().get("Authorization")).isEqualTo("Bearer " + stale);
    assertThat(provider.headers().get("Authorization")).isEqualTo("Bearer " + fresh);
    assertThat(provider.headers().get("Authorization")).isEqualTo("Bearer " + fresh);
    assertThat(tokens.calls).hasValue(2);
  }

  @Test
  void aTokenWithoutExpIsRefusedAndNotCached() {
    String noExp = jwt("{\"sub\":\"alice\"}");
    String good = expiringAt(T0.plusSeconds(3600), "good");
    Tokens tokens = new Tokens(noExp, good);
    JwtBearerHeaderProvider provider =
        JwtBearerHeaderProvider.of(tokens, Duration.ofSeconds(60), new ManualClock());

    assertThatThrownBy(provider::headers)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no exp claim");
    assertThat(provider.headers().get("Authorization")).isEqualTo("Bearer " + good);
  }

  @Test
  void aFailingSupplierIsReportedClearly() {
    JwtBearerHeaderProvider provider =
        JwtBearerHeaderProvider.of(
            () -> {
              throw new IllegalStateException("auth service unreachable");
            });
    assertThatThrownBy(provider::headers)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("JWT supplier failed")
        .hasMessageContaining("unreachable");
    assertThatThrownBy(() -> JwtBearerHeaderProvider.of(() -> " ").headers())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no token");
  }
}
