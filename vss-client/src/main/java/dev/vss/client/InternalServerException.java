package dev.vss.client;

import dev.vss.proto.ErrorCode;

/**
 * The server failed internally (INTERNAL_SERVER_EXCEPTION), or answered 429, 503 or another 5xx
 * without a VSS error body. Retried when the HTTP status is 500, 429 or 503 (CLIENT-FORMATS,
 * "Retries"); other statuses (for example a proxy's 502) are not.
 */
public final class InternalServerException extends VssServerException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception for an answer with the given HTTP status and server message. */
  public InternalServerException(int httpStatus, String serverMessage) {
    super(ErrorCode.INTERNAL_SERVER_EXCEPTION, httpStatus, serverMessage);
  }

  @Override
  public boolean isRetryable() {
    return RetryPolicy.isRetryableStatus(httpStatus());
  }
}
