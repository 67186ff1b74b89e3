package dev.vss.client;

import dev.vss.proto.ErrorCode;

/**
 * The write was refused because a key's version or the store's global version is not the one the
 * request expected (SPEC section 4). Never retried: re-read the key, then decide.
 */
public final class ConflictException extends VssServerException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception for an answer with the given HTTP status and server message. */
  public ConflictException(int httpStatus, String serverMessage) {
    super(ErrorCode.CONFLICT_EXCEPTION, httpStatus, serverMessage);
  }
}
