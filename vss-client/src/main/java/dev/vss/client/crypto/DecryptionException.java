package dev.vss.client.crypto;

import dev.vss.client.VssClientException;

/**
 * Data read back from the server could not be decrypted or de-obfuscated: it was encrypted with
 * another key, bound to another storage key, truncated, or tampered with. The client never returns
 * unauthenticated bytes in that case.
 */
public final class DecryptionException extends VssClientException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message saying what did not verify. */
  public DecryptionException(String message) {
    super(message, null);
  }

  /** Creates the exception with a message and the underlying failure. */
  public DecryptionException(String message, Throwable cause) {
    super(message, cause);
  }
}
