package dev.vss.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LimitsTest {
  @Test
  void defaultsMatchTheSpec() {
    assertThat(Limits.DEFAULTS.maxItemsPerPut()).isEqualTo(1000);
    assertThat(Limits.DEFAULTS.maxKeyLength()).isEqualTo(600);
    assertThat(Limits.DEFAULTS.maxStoreIdLength()).isEqualTo(120);
    assertThat(Limits.DEFAULTS.maxUserTokenLength()).isEqualTo(120);
    assertThat(Limits.DEFAULTS.maxPageSize()).isEqualTo(100);
    assertThat(Limits.DEFAULTS.maxRequestBodyBytes()).isEqualTo(64L * 1024 * 1024);
  }

  @Test
  void rejectsNonsensicalLimits() {
    assertThatThrownBy(() -> Limits.DEFAULTS.withMaxItemsPerPut(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxItemsPerPut");
    assertThatThrownBy(() -> Limits.DEFAULTS.withPageSizes(200, 100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("defaultPageSize");
    // The service asks storage for pageSize + 1 entries; an unbounded maximum would overflow.
    assertThatThrownBy(() -> Limits.DEFAULTS.withPageSizes(100, Integer.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ceiling");
    assertThat(Limits.DEFAULTS.withPageSizes(10, Limits.PAGE_SIZE_CEILING).maxPageSize())
        .isEqualTo(Limits.PAGE_SIZE_CEILING);
  }
}
