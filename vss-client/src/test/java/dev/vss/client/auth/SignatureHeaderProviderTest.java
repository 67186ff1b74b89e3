package dev.vss.client.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vss.client.auth.JwtBearerHeaderProviderTest.ManualClock;
import dev.vss.core.VssException;
import dev.vss.core.auth.SignatureAuthorizer;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignatureHeaderProviderTest {
  private static final byte[] PRIVATE_KEY =
      HexFormat.of().parseHex("0101010101010101010101010101010101010101010101010101010101010101");

  @Test
  void theServersAuthorizerAcceptsTheHeaderAndNamesThePublicKey() {
    ManualClock clock = new ManualClock();
    SignatureHeaderProvider provider = SignatureHeaderProvider.of(PRIVATE_KEY, clock);

    Map<String, String> headers = provider.headers();

    assertThat(headers).containsOnlyKeys("Authorization");
    String value = headers.get("Authorization");
    assertThat(value).matches("[0-9a-f]{194}" + clock.now.getEpochSecond());
    assertThat(new SignatureAuthorizer(clock).authorize(headers))
        .isEqualTo(provider.userToken())
        .isEqualTo(value.substring(0, 66));
  }

  @Test
  void signsAfreshWithTheCurrentTimeForEveryRequest() {
    ManualClock clock = new ManualClock();
    SignatureHeaderProvider provider = SignatureHeaderProvider.of(PRIVATE_KEY, clock);
    String first = provider.headers().get("Authorization");

    clock.now = clock.now.plus(Duration.ofHours(25));
    String later = provider.headers().get("Authorization");

    assertThat(later).isNotEqualTo(first).endsWith(Long.toString(clock.now.getEpochSecond()));
    SignatureAuthorizer server = new SignatureAuthorizer(clock);
    assertThat(server.authorize(Map.of("Authorization", later))).isEqualTo(provider.userToken());
    // The old header is now beyond the server's 24 h window.
    assertThatThrownBy(() -> server.authorize(Map.of("Authorization", first)))
        .isInstanceOf(VssException.class);
  }

  @Test
  void refusesInvalidKeysAndNeverPrintsThem() {
    assertThatThrownBy(() -> SignatureHeaderProvider.of(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SignatureHeaderProvider.of(new byte[32]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(SignatureHeaderProvider.of(PRIVATE_KEY).toString()).doesNotContain("0101010101");
  }
}
