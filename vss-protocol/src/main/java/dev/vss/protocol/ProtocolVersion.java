package dev.vss.protocol;

/**
 * The VSS protocol version header (SPEC section 1): every server response on the API paths carries
 * {@value #HEADER}{@code : }{@value #VALUE}, errors included. The deployed Rust client ({@code
 * vss-client-ng} 0.6.0, used by LDK Node) checks it on every response before it looks at the status
 * or the body, and fails the call with a version-mismatch error when it is missing or different.
 * Requests need not carry it.
 */
public final class ProtocolVersion {
  /** The header name, lower case as the client spells it (HTTP header names ignore case). */
  public static final String HEADER = "vss-protocol-version";

  /** The protocol version this implementation speaks: exactly the string {@code 0}. */
  public static final String VALUE = "0";

  private ProtocolVersion() {}
}
