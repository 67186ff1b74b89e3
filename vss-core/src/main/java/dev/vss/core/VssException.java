package dev.vss.core;

import dev.vss.proto.ErrorCode;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A protocol-level failure of a VSS operation: it carries the {@link ErrorCode} the client receives
 * and a message that is safe to show to the client.
 *
 * <p>Messages are precise for {@link ErrorCode#INVALID_REQUEST_EXCEPTION}, {@link
 * ErrorCode#CONFLICT_EXCEPTION}, {@link ErrorCode#NO_SUCH_KEY_EXCEPTION} and {@link
 * ErrorCode#AUTH_EXCEPTION}; for {@link ErrorCode#INTERNAL_SERVER_EXCEPTION} the message is generic
 * and the details go to the server log only.
 */
public final class VssException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode errorCode;

  /** The quota a refused write would have exceeded; null for any other failure. */
  private final Quotas.@Nullable Kind quota;

  /**
   * Creates an exception carrying {@code errorCode}.
   *
   * @param errorCode the protocol error code; never {@link ErrorCode#UNKNOWN}
   * @param message the client-visible message
   */
  public VssException(ErrorCode errorCode, String message) {
    this(errorCode, message, null);
  }

  private VssException(ErrorCode errorCode, String message, Quotas.@Nullable Kind quota) {
    super(Objects.requireNonNull(message, "message"), null, false, false);
    this.quota = quota;
    if (errorCode == null
        || errorCode == ErrorCode.UNKNOWN
        || errorCode == ErrorCode.UNRECOGNIZED) {
      throw new IllegalArgumentException("a VSS error needs a concrete error code: " + errorCode);
    }
    this.errorCode = errorCode;
  }

  /** The protocol error code the client receives. */
  public ErrorCode errorCode() {
    return errorCode;
  }

  /** An INVALID_REQUEST failure with the given precise message. */
  public static VssException invalidRequest(String message) {
    return new VssException(ErrorCode.INVALID_REQUEST_EXCEPTION, message);
  }

  /**
   * An INVALID_REQUEST failure refusing a write that would exceed {@code quota}; the message says
   * which quota and by how much.
   */
  public static VssException quotaExceeded(Quotas.Kind quota, String message) {
    return new VssException(
        ErrorCode.INVALID_REQUEST_EXCEPTION, message, Objects.requireNonNull(quota, "quota"));
  }

  /** The quota this failure refused a write for, if it is a quota refusal. */
  public java.util.Optional<Quotas.Kind> quotaExceeded() {
    return java.util.Optional.ofNullable(quota);
  }

  /** A CONFLICT failure with the given message. */
  public static VssException conflict(String message) {
    return new VssException(ErrorCode.CONFLICT_EXCEPTION, message);
  }

  /** A NO_SUCH_KEY failure with the given message. */
  public static VssException noSuchKey(String message) {
    return new VssException(ErrorCode.NO_SUCH_KEY_EXCEPTION, message);
  }

  /** An AUTH failure with the given message. */
  public static VssException auth(String message) {
    return new VssException(ErrorCode.AUTH_EXCEPTION, message);
  }

  /** The generic INTERNAL failure: the message never reveals what went wrong inside. */
  public static VssException internal() {
    return new VssException(ErrorCode.INTERNAL_SERVER_EXCEPTION, "internal server error");
  }

  @Override
  public String toString() {
    return "VssException{" + errorCode + ": " + getMessage() + "}";
  }
}
