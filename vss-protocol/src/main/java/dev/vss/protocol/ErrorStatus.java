package dev.vss.protocol;

import dev.vss.proto.ErrorCode;
import java.util.Optional;

/**
 * The protocol's ErrorCode-to-HTTP-status table (docs/protocol.md, Transport), written once for the
 * server, the conformance kit's HTTP runner and the benchmarks.
 */
public final class ErrorStatus {
  /**
   * The status of a request refused by a per-user rate limit; sent with {@code Retry-After} and an
   * {@code ErrorResponse} of {@link #RETRY_LATER_CODE}.
   */
  public static final int TOO_MANY_REQUESTS = 429;

  /**
   * The status of a request the server is too busy (or draining) to take; sent with {@code
   * Retry-After} when the load is the reason, and an {@code ErrorResponse} of {@link
   * #RETRY_LATER_CODE}.
   */
  public static final int SERVICE_UNAVAILABLE = 503;

  /**
   * The {@code ErrorCode} of a 429 or 503: {@code INTERNAL_SERVER_EXCEPTION}, since the deployed
   * clients retry only that code (LDK Node gives up at once on {@code INVALID_REQUEST_EXCEPTION}).
   */
  public static final ErrorCode RETRY_LATER_CODE = ErrorCode.INTERNAL_SERVER_EXCEPTION;

  private ErrorStatus() {}

  /**
   * The HTTP status of {@code code}: 409, 400, 404, 401; {@code INTERNAL_SERVER_EXCEPTION}, {@code
   * UNKNOWN} and unrecognized codes are 500 (they never leave a server as such).
   */
  public static int of(ErrorCode code) {
    switch (code) {
      case CONFLICT_EXCEPTION:
        return 409;
      case INVALID_REQUEST_EXCEPTION:
        return 400;
      case NO_SUCH_KEY_EXCEPTION:
        return 404;
      case AUTH_EXCEPTION:
        return 401;
      case INTERNAL_SERVER_EXCEPTION:
      default:
        return 500;
    }
  }

  /**
   * The inverse, for an answer without a decodable {@code ErrorResponse} (a proxy's error page, an
   * older server): the code a status stands for. 409 is a conflict; 400 and 413 invalid requests;
   * 401 and 403 auth failures; 429 and every 5xx the retryable {@code INTERNAL_SERVER_EXCEPTION}.
   * Other statuses, 404 included (without a body it means a wrong URL, not a missing key), stand
   * for no VSS answer: empty.
   */
  public static Optional<ErrorCode> codeOf(int status) {
    if (status == 409) {
      return Optional.of(ErrorCode.CONFLICT_EXCEPTION);
    }
    if (status == 400 || status == 413) {
      return Optional.of(ErrorCode.INVALID_REQUEST_EXCEPTION);
    }
    if (status == 401 || status == 403) {
      return Optional.of(ErrorCode.AUTH_EXCEPTION);
    }
    if (status == TOO_MANY_REQUESTS || (status >= 500 && status <= 599)) {
      return Optional.of(RETRY_LATER_CODE);
    }
    return Optional.empty();
  }
}
