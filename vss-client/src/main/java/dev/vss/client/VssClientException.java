package dev.vss.client;

import org.jspecify.annotations.Nullable;

/**
 * Base of every failure the VSS client reports. Catch a subclass to tell the cases apart:
 *
 * <ul>
 *   <li>{@link VssTransportException}: the request or its response never made it (connection
 *       refused or dropped, timeout); the server may or may not have applied the request;
 *   <li>{@link VssServerException} and its subclasses: the server answered with an error (one
 *       subclass per protocol {@code ErrorCode}, plus {@link UnexpectedResponseException});
 *   <li>{@link ProtocolVersionMismatchException}: the answer did not carry the protocol version
 *       this client speaks (its status and body were not looked at);
 *   <li>{@link HeaderProviderException}: the configured header provider could not produce
 *       credentials, so nothing was sent;
 *   <li>{@link dev.vss.client.crypto.DecryptionException}: data read from the server could not be
 *       decrypted or de-obfuscated (wrong key or tampered data).
 * </ul>
 *
 * <p>When a call was retried, the exception thrown is the last attempt's failure; the earlier
 * attempts' failures are attached as {@linkplain #getSuppressed() suppressed} exceptions.
 */
public abstract class VssClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message and an optional cause. */
  protected VssClientException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /**
   * Whether repeating the same request may succeed. True only for transport failures and for
   * INTERNAL_SERVER answers with HTTP 500, 429 or 503 (CLIENT-FORMATS, "Retries"); never for a
   * CONFLICT, INVALID_REQUEST, NO_SUCH_KEY or AUTH answer, nor a protocol version mismatch.
   */
  public boolean isRetryable() {
    return false;
  }
}
