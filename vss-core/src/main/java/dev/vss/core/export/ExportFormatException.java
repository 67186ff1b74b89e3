package dev.vss.core.export;

/**
 * An export that cannot be read as a whole and valid export: truncated, damaged (checksum, framing,
 * order), of an unknown format version, or not an export at all. The message is one line meant for
 * an operator, starting with what is wrong.
 */
public final class ExportFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a one-line message. */
  public ExportFormatException(String message) {
    super(message);
  }

  /** Creates the exception with a one-line message and its cause. */
  public ExportFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
