package dev.vss.client.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JwtExpiryTest {
  static String jwt(String payloadJson) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString(
            "{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
        + "."
        + b64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8))
        + ".c2lnbmF0dXJl";
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"sub\":\"alice\",\"exp\":1700000000}                          | 1700000000",
        "{ \"exp\" : 1700000000 , \"sub\" : \"alice\" }                   | 1700000000",
        "{\"exp\":1700000000.75}                                        | 1700000000",
        "{\"exp\":1.7e9}                                                | 1700000000",
        "{\"exp\":0}                                                    | 0",
        "{\"note\":\"\\\"exp\\\":1\",\"exp\":1700000000}                  | 1700000000",
        "{\"nested\":{\"exp\":1},\"list\":[{\"exp\":2},\"]\"],\"exp\":3}   | 3",
        "{\"\\u0065xp\":1700000000}                                       | 1700000000",
        "{\"a\":true,\"b\":null,\"c\":-1.5e3,\"exp\":1700000000}           | 1700000000",
      })
  void findsTheTopLevelExpClaim(String payload, long expected) {
    assertThat(JwtExpiry.of(jwt(payload.strip()))).isEqualTo(Instant.ofEpochSecond(expected));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"sub\":\"alice\"}",
        "{\"nested\":{\"exp\":1}}",
        "{\"exp\":\"1700000000\"}",
        "{\"exp\":1700000000",
        "{\"exp\":1e400}",
        "{\"exp\":99999999999999999999}",
        "{\"exp\":1,\"exp\":2}",
        "{\"exp\":01}",
        "{\"exp\":}",
        "[1,2]",
        "{\"exp\":1} trailing",
        "",
      })
  void refusesPayloadsWithoutOneNumericTopLevelExp(String payload) {
    assertThatThrownBy(() -> JwtExpiry.of(jwt(payload)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("JWT");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "a.b", "a.b.c.d", "a.!!!.c"})
  void refusesStringsThatAreNotCompactJwts(String token) {
    assertThatThrownBy(() -> JwtExpiry.of(token)).isInstanceOf(IllegalArgumentException.class);
  }
}
