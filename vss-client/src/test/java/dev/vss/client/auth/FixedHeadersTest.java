package dev.vss.client.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FixedHeadersTest {
  @Test
  void returnsACopyOfTheGivenHeaders() {
    Map<String, String> source = new HashMap<>(Map.of("Authorization", "key", "X-App", "wallet"));
    FixedHeaders headers = FixedHeaders.of(source);
    source.put("Authorization", "changed");

    assertThat(headers.headers()).isEqualTo(Map.of("Authorization", "key", "X-App", "wallet"));
    assertThat(FixedHeaders.authorization("t").headers()).isEqualTo(Map.of("Authorization", "t"));
  }

  @Test
  void refusesHeadersThatCouldSmuggleAnotherHeader() {
    assertThatThrownBy(() -> FixedHeaders.of(Map.of("X", "a\r\nEvil: 1")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FixedHeaders.of(Map.of("", "a")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void combinesProvidersWithTheLaterOneWinning() {
    HeaderProvider combined =
        FixedHeaders.of(Map.of("A", "1", "B", "1")).with(FixedHeaders.of(Map.of("B", "2")));

    assertThat(combined.headers()).isEqualTo(Map.of("A", "1", "B", "2"));
    assertThat(HeaderProvider.none().headers()).isEmpty();
  }
}
