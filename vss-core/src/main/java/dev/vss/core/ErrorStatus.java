package dev.vss.core;

import dev.vss.proto.ErrorCode;

/**
 * The protocol's ErrorCode-to-HTTP-status table (docs/protocol.md, Transport), written once for
 * the server, the conformance kit's HTTP runner and the benchmarks.
 */
public final class ErrorStatus {
  private ErrorStatus() {}

  /**
   * The HTTP status of {@code code}: 409, 400, 404, 401; {@code INTERNAL_SERVER_EXCEPTION},
   * {@code UNKNOWN} and unrecognized codes are 500 (they never leave a server as such).
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
}
