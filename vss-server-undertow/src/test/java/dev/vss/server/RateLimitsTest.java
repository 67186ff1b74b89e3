package dev.vss.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The rate limits' own checks, the one place they live: a configuration layer (the standalone
 * server's loader) reports these refusals with its setting names in place of the components'.
 */
class RateLimitsTest {
  @Test
  void aLimitThatIsOnNeedsABurstOfAtLeastOne() {
    assertThatThrownBy(() -> new RateLimits(5, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("requestBurst 0 must be at least 1 when requestsPerSecond is 5");
    assertThatThrownBy(() -> new RateLimits(0, 0, 100, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("writeBytesBurst 0 must be at least 1 when writeBytesPerSecond is 100");
    assertThat(new RateLimits(5, 1, 100, 1).enabled()).isTrue();
    assertThat(new RateLimits(0, 0, 0, 0)).isEqualTo(RateLimits.OFF);
  }

  @Test
  void noComponentIsNegative() {
    assertThatThrownBy(() -> new RateLimits(0, 0, -1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("writeBytesPerSecond -1 must not be negative");
    assertThatThrownBy(() -> new RateLimits(1, -2, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("requestBurst -2 must not be negative");
  }
}
