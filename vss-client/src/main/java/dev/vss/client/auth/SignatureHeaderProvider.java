package dev.vss.client.auth;

import dev.vss.protocol.auth.SignatureAuthHeader;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * The signature {@code Authorization} header (SPEC section 5, CLIENT-FORMATS "Signature auth
 * header") from a secp256k1 private key, signed afresh with the current time for every request.
 *
 * <p>The header format lives in one place, vss-core's {@link SignatureAuthHeader}, which the
 * server's {@code SignatureAuthorizer} verifies; this class only asks it for a value per request.
 * The server accepts a signature made within 24 hours of its own clock, and the user token it
 * assigns is {@link #userToken()}, so one key always reaches the same data.
 *
 * <p>Instances are immutable and thread-safe. They hold the private key: never log them.
 */
public final class SignatureHeaderProvider implements HeaderProvider {
  private final SignatureAuthHeader signer;
  private final Clock clock;

  private SignatureHeaderProvider(SignatureAuthHeader signer, Clock clock) {
    this.signer = signer;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * A provider signing with {@code privateKey} at the system clock's time.
   *
   * @param privateKey the 32-byte big-endian secp256k1 private key; copied, so the caller may wipe
   *     it
   * @throws IllegalArgumentException if the key is not 32 bytes or not a valid secp256k1 scalar
   */
  public static SignatureHeaderProvider of(byte[] privateKey) {
    return of(privateKey, Clock.systemUTC());
  }

  /** A provider signing with {@code privateKey} at the time {@code clock} tells. */
  public static SignatureHeaderProvider of(byte[] privateKey, Clock clock) {
    return new SignatureHeaderProvider(SignatureAuthHeader.forPrivateKey(privateKey), clock);
  }

  /** The user token the server assigns to this key: the lowercase hex of its public key. */
  public String userToken() {
    return signer.publicKeyHex();
  }

  /** {@code Authorization: hex(pubkey) || hex(signature) || unix-seconds}, signed now. */
  @Override
  public Map<String, String> headers() {
    return Map.of(SignatureAuthHeader.HEADER_NAME, signer.valueNow(clock));
  }

  /** Names the public key only. */
  @Override
  public String toString() {
    return "SignatureHeaderProvider{publicKey=" + signer.publicKeyHex() + "}";
  }
}
