package dev.vss.core.spi;

/**
 * A storage fault (I/O error, busy database, full disk, corruption). {@code VssService} turns it
 * into a generic INTERNAL error for the client and logs the details; the message may therefore
 * contain paths or SQL, which never reach a client.
 */
public final class StorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates a storage fault with a detail message for the server log. */
  public StorageException(String message) {
    super(message);
  }

  /** Creates a storage fault wrapping its cause. */
  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
