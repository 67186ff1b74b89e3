package dev.vss.client;

import dev.vss.proto.ErrorCode;

/**
 * The server rejected the request as malformed or beyond its limits; the message says which
 * argument. Never retried.
 */
public final class InvalidRequestException extends VssServerException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception for an answer with the given HTTP status and server message. */
  public InvalidRequestException(int httpStatus, String serverMessage) {
    super(ErrorCode.INVALID_REQUEST_EXCEPTION, httpStatus, serverMessage);
  }
}
