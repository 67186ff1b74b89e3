package dev.vss.client;

import dev.vss.proto.ErrorCode;
import java.util.Objects;

/**
 * The server answered a call with an error. There is one subclass per protocol {@link ErrorCode}
 * (SPEC section 1) and {@link UnexpectedResponseException} for answers that are not VSS answers at
 * all; each carries the HTTP status and the server's own message.
 */
public abstract class VssServerException extends VssClientException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode errorCode;
  private final int httpStatus;
  private final String serverMessage;

  /**
   * Creates the exception.
   *
   * @param errorCode the protocol error code ({@link ErrorCode#UNKNOWN} when the answer carried
   *     none)
   * @param httpStatus the HTTP status of the answer
   * @param serverMessage the message the server sent (may be empty)
   */
  protected VssServerException(ErrorCode errorCode, int httpStatus, String serverMessage) {
    super(errorCode + " (HTTP " + httpStatus + "): " + serverMessage, null);
    this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
    this.httpStatus = httpStatus;
    this.serverMessage = Objects.requireNonNull(serverMessage, "serverMessage");
  }

  /** The protocol error code, or {@link ErrorCode#UNKNOWN} when the answer carried none. */
  public ErrorCode errorCode() {
    return errorCode;
  }

  /** The HTTP status of the answer. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The message the server sent, exactly as received (may be empty). */
  public String serverMessage() {
    return serverMessage;
  }
}
