package dev.vss.client;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The answer did not carry the protocol version this client speaks: the response header {@value
 * VssClient#PROTOCOL_VERSION_HEADER} was missing or was not {@value VssClient#PROTOCOL_VERSION}
 * (SPEC section 1). The client checks it on every answer, errors included, before it looks at the
 * status or the body, as the deployed Rust client ({@code vss-client-ng} 0.6.0 and later) does. A
 * server that omits it is older than the reference server's 0.1 releases (or not a VSS server, or a
 * proxy stripped the header); one that sends another value speaks another protocol version.
 *
 * <p>Never retried: repeating the request cannot change the server's version. A missing header
 * (never a different one) can be accepted with {@link
 * VssClient.Builder#acceptMissingProtocolVersion(boolean)}.
 */
public final class ProtocolVersionMismatchException extends VssClientException {
  private static final long serialVersionUID = 1L;

  private final @Nullable String servedVersion;
  private final String expectedVersion;
  private final int httpStatus;

  /**
   * Creates the exception.
   *
   * @param servedVersion the header's value as served, or null when the header was missing
   * @param expectedVersion the version this client speaks
   * @param httpStatus the HTTP status of the answer that carried (or lacked) the header
   */
  public ProtocolVersionMismatchException(
      @Nullable String servedVersion, String expectedVersion, int httpStatus) {
    super(describe(servedVersion, expectedVersion, httpStatus), null);
    this.servedVersion = servedVersion;
    this.expectedVersion = Objects.requireNonNull(expectedVersion, "expectedVersion");
    this.httpStatus = httpStatus;
  }

  /** The value of the version header as the server sent it; empty when the header was missing. */
  public Optional<String> servedVersion() {
    return Optional.ofNullable(servedVersion);
  }

  /** The protocol version this client speaks, {@value VssClient#PROTOCOL_VERSION}. */
  public String expectedVersion() {
    return expectedVersion;
  }

  /** The HTTP status of the answer (its body was not looked at). */
  public int httpStatus() {
    return httpStatus;
  }

  private static String describe(@Nullable String served, String expected, int httpStatus) {
    if (served == null) {
      return "the server did not send the "
          + VssClient.PROTOCOL_VERSION_HEADER
          + " header (HTTP "
          + httpStatus
          + "); this client speaks VSS protocol version "
          + expected
          + ": the server is older than the reference server's 0.1 releases, is not a VSS server,"
          + " or a proxy removed the header";
    }
    return "the server speaks VSS protocol version '"
        + served
        + "' (HTTP "
        + httpStatus
        + "), this client speaks version "
        + expected;
  }
}
