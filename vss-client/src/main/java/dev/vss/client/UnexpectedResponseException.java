package dev.vss.client;

import dev.vss.proto.ErrorCode;

/**
 * The answer was not a VSS answer: a status with no VSS meaning and no decodable {@code
 * ErrorResponse} (typically a wrong base URL: 404 or 405 from something that is not a VSS server),
 * or a 200 whose body is not the expected response message. Never retried.
 */
public final class UnexpectedResponseException extends VssServerException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception for an answer with the given HTTP status and a description of it. */
  public UnexpectedResponseException(int httpStatus, String description) {
    super(ErrorCode.UNKNOWN, httpStatus, description);
  }
}
