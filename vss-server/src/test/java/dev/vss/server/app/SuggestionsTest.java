package dev.vss.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The "did you mean" hint for mistyped config keys and flags. */
class SuggestionsTest {
  private static final List<String> KEYS =
      List.of("bind_address", "max_request_body_size", "store", "data_dir", "tls_cert", "tls_key");

  @Test
  void distanceCountsSingleCharacterEdits() {
    assertThat(Suggestions.distance("", "")).isZero();
    assertThat(Suggestions.distance("store", "store")).isZero();
    assertThat(Suggestions.distance("stor", "store")).isEqualTo(1);
    assertThat(Suggestions.distance("stores", "store")).isEqualTo(1);
    assertThat(Suggestions.distance("stpre", "store")).isEqualTo(1);
    assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(Suggestions.distance("", "abc")).isEqualTo(3);
  }

  @Test
  void hintsTheNearestKnownNameWithinTwoEdits() {
    assertThat(Suggestions.didYouMean("bind_adress", KEYS, "server_config.", ""))
        .isEqualTo(" (did you mean server_config.bind_address?)");
    assertThat(Suggestions.didYouMean("DATA_DIR", KEYS, "", ""))
        .isEqualTo(" (did you mean data_dir?)");
    assertThat(Suggestions.didYouMean("tls_kye", KEYS, "", ""))
        .isEqualTo(" (did you mean tls_key?)");
    // Equally near: the first in alphabetical order, so the hint does not depend on set order.
    assertThat(Suggestions.didYouMean("tls_ce", List.of("tls_key", "tls_cert"), "", ""))
        .isEqualTo(" (did you mean tls_cert?)");
  }

  @Test
  void noHintForAnUnrelatedName() {
    assertThat(Suggestions.didYouMean("workers", KEYS, "", "")).isEmpty();
    assertThat(Suggestions.didYouMean("bind_adr", KEYS, "", "")).as("three edits away").isEmpty();
    assertThat(Suggestions.didYouMean("x", List.of(), "", "")).isEmpty();
  }
}
