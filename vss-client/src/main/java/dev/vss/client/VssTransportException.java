package dev.vss.client;

/**
 * The request or its response did not make it: the connection was refused, reset or dropped, the
 * request timed out, or the calling thread was interrupted. No server answer was received, so the
 * server may or may not have applied a write: a retried conditional write can therefore answer
 * CONFLICT even though its first attempt committed.
 */
public final class VssTransportException extends VssClientException {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  /**
   * Creates a transport failure.
   *
   * @param message what failed, for humans
   * @param cause the I/O failure, or the interruption
   * @param retryable false only when retrying makes no sense (the caller was interrupted)
   */
  public VssTransportException(String message, Throwable cause, boolean retryable) {
    super(message, cause);
    this.retryable = retryable;
  }

  @Override
  public boolean isRetryable() {
    return retryable;
  }
}
