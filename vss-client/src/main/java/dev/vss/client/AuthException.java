package dev.vss.client;

import dev.vss.proto.ErrorCode;

/**
 * The server rejected the credentials (missing, expired or invalid Authorization header). Never
 * retried.
 */
public final class AuthException extends VssServerException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception for an answer with the given HTTP status and server message. */
  public AuthException(int httpStatus, String serverMessage) {
    super(ErrorCode.AUTH_EXCEPTION, httpStatus, serverMessage);
  }
}
