package dev.vss.client;

import dev.vss.proto.ErrorCode;

/** getObject named a key that does not exist. */
public final class NoSuchKeyException extends VssServerException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception for an answer with the given HTTP status and server message. */
  public NoSuchKeyException(int httpStatus, String serverMessage) {
    super(ErrorCode.NO_SUCH_KEY_EXCEPTION, httpStatus, serverMessage);
  }
}
