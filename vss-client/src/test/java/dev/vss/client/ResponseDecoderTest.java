package dev.vss.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vss.proto.ErrorCode;
import dev.vss.proto.ErrorResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseDecoderTest {
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
    byte[] body = ErrorResponse.newBuilder().setErrorCodeValue(42).setMessage("future").build()
        .toByteArray();

    assertThat(ResponseDecoder.error(409, body)).isInstanceOf(ConflictException.class);
    assertThat(ResponseDecoder.error(500, body)).isInstanceOf(InternalServerException.class);
  }

  @Test
  void theErrorCodeWinsOverTheStatus() {
    byte[] body = ErrorResponse.newBuilder().setErrorCode(ErrorCode.INVALID_REQUEST_EXCEPTION)
        .setMessage("request body too large").build().toByteArray();

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
