package dev.vss.server.admin;

/**
 * A command that cannot go on: its one-line message is printed, and the process exits with {@link
 * #status()}.
 */
final class AdminException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  AdminException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  AdminException(int status, String message, Throwable cause) {
    super(message, cause, false, false);
    this.status = status;
  }

  /** The exit status. */
  int status() {
    return status;
  }
}
