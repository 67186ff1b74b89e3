package dev.vss.client;

import org.jspecify.annotations.Nullable;

/**
 * The configured {@link dev.vss.client.auth.HeaderProvider} could not produce the request headers
 * (for example the JWT supplier failed or returned a token without an {@code exp} claim). Nothing
 * was sent to the server.
 */
public final class HeaderProviderException extends VssClientException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message and an optional cause. */
  public HeaderProviderException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
