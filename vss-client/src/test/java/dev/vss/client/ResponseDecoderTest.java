package dev.vss.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vss.proto.ErrorCode;
import dev.vss.proto.ErrorResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseDecoderTest {
  private static java.net.http.HttpHeaders headers(String... nameValues) {
    java.util.Map<String, java.util.List<String>> map = new java.util.HashMap<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      map.put(nameValues[i], java.util.List.of(nameValues[i + 1]));
    }
    return java.net.http.HttpHeaders.of(map, (name, value) -> true);
  }

  @Test
  void retryAfterIsReadFrom429And503AsSecondsOrADate() {
    java.time.Duration oneSecond = java.time.Duration.ofSeconds(1);
    assertThat(ResponseDecoder.retryAfter(429, headers("Retry-After", "1"))).isEqualTo(oneSecond);
    assertThat(ResponseDecoder.retryAfter(503, headers("retry-after", " 7 ")))
        .isEqualTo(java.time.Duration.ofSeconds(7));
    assertThat(ResponseDecoder.retryAfter(500, headers("Retry-After", "1"))).isNull();
    assertThat(ResponseDecoder.retryAfter(429, headers())).isNull();
    assertThat(ResponseDecoder.retryAfter(429, headers("Retry-After", "soon"))).isNull();
    assertThat(ResponseDecoder.retryAfter(429, headers("Retry-After", "-1"))).isNull();
    assertThat(
            ResponseDecoder.retryAfter(
                503, headers("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")))
        .as("a date in the past")
        .isEqualTo(java.time.Duration.ZERO);
    String inAMinute =
        java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
            java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(60));
    assertThat(ResponseDecoder.retryAfter(503, headers("Retry-After", inAMinute)))
        .isGreaterThan(java.time.Duration.ofSeconds(30))
        .isLessThanOrEqualTo(java.time.Duration.ofSeconds(60));
  }

  @Test
  void plainTextIsClassifiedByStatus() {
    byte[] text = "Invalid request body".getBytes(StandardCharsets.US_ASCII);

    VssServerException e = ResponseDecoder.error(400, text);

    assertThat(e).isInstanceOf(InvalidRequestException.class);
    assertThat(e.serverMessage()).isEqualTo("Invalid request body");
  }

  @Test
  void aBodyThatParsesWithoutAnErrorCodeIsClassifiedByStatus() {
    // Arbitrary bytes can parse as an ErrorResponse whose code is UNKNOWN (0).
    byte[] body = ErrorResponse.newBuilder().setMessage("no code").build().toByteArray();

    assertThat(ResponseDecoder.error(400, body)).isInstanceOf(InvalidRequestException.class);
    assertThat(ResponseDecoder.error(404, body)).isInstanceOf(UnexpectedResponseException.class);
  }

  @Test
  void anUnknownErrorCodeFallsBackToTheStatus() {
    byte[] body =
        ErrorResponse.newBuilder().setErrorCodeValue(42).setMessage("future").build().toByteArray();

    assertThat(ResponseDecoder.error(409, body)).isInstanceOf(ConflictException.class);
    assertThat(ResponseDecoder.error(500, body)).isInstanceOf(InternalServerException.class);
  }

  @Test
  void theErrorCodeWinsOverTheStatus() {
    byte[] body =
        ErrorResponse.newBuilder()
            .setErrorCode(ErrorCode.INVALID_REQUEST_EXCEPTION)
            .setMessage("request body too large")
            .build()
            .toByteArray();

    VssServerException e = ResponseDecoder.error(413, body);

    assertThat(e).isInstanceOf(InvalidRequestException.class);
    assertThat(e.httpStatus()).isEqualTo(413);
    assertThat(e.serverMessage()).isEqualTo("request body too large");
  }

  @Test
  void quotesOnlyAPrintablePrefixOfForeignBodies() {
    byte[] body = new byte[1000];
    java.util.Arrays.fill(body, (byte) 'x');
    body[0] = 0x07;

    String message = ResponseDecoder.error(502, body).serverMessage();

    assertThat(message).startsWith("?xxx").endsWith("...").hasSizeLessThan(210);
    assertThat(ResponseDecoder.error(503, new byte[0]).serverMessage()).isEqualTo("(empty body)");
  }
}
