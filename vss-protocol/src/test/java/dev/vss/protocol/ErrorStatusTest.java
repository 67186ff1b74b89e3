package dev.vss.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vss.proto.ErrorCode;
import org.junit.jupiter.api.Test;

class ErrorStatusTest {
  @Test
  void everyCodeASeverSendsMapsBackToItselfFromItsStatus() {
    for (ErrorCode code :
        new ErrorCode[] {
          ErrorCode.CONFLICT_EXCEPTION,
          ErrorCode.INVALID_REQUEST_EXCEPTION,
          ErrorCode.AUTH_EXCEPTION,
          ErrorCode.INTERNAL_SERVER_EXCEPTION
        }) {
      assertThat(ErrorStatus.codeOf(ErrorStatus.of(code))).as(code.name()).contains(code);
    }
    // 404 is NO_SUCH_KEY only with its ErrorResponse; a bare 404 is a wrong URL.
    assertThat(ErrorStatus.of(ErrorCode.NO_SUCH_KEY_EXCEPTION)).isEqualTo(404);
    assertThat(ErrorStatus.codeOf(404)).isEmpty();
  }

  @Test
  void loadAnswersAreTheRetryableCode() {
    assertThat(ErrorStatus.codeOf(ErrorStatus.TOO_MANY_REQUESTS))
        .contains(ErrorCode.INTERNAL_SERVER_EXCEPTION);
    assertThat(ErrorStatus.codeOf(ErrorStatus.SERVICE_UNAVAILABLE))
        .contains(ErrorCode.INTERNAL_SERVER_EXCEPTION);
    assertThat(ErrorStatus.codeOf(413)).contains(ErrorCode.INVALID_REQUEST_EXCEPTION);
    assertThat(ErrorStatus.codeOf(403)).contains(ErrorCode.AUTH_EXCEPTION);
    assertThat(ErrorStatus.codeOf(200)).isEmpty();
    assertThat(ErrorStatus.codeOf(302)).isEmpty();
    assertThat(ErrorStatus.of(ErrorCode.UNKNOWN)).isEqualTo(500);
  }
}
