package dev.vss.protocol.auth;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.BigIntegers;

/**
 * The client side of the signature authentication scheme (SPEC section 5, CLIENT-FORMATS "Signature
 * auth header"): builds the {@value #HEADER_NAME} header value that {@code SignatureAuthorizer}
 * accepts.
 *
 * <p>The value is {@code hex(pubkey33) || hex(sig64) || t}, where
 *
 * <ol>
 *   <li>{@code pubkey33} is the compressed secp256k1 public key of the signing key;
 *   <li>{@code t} is the signing time in decimal unix seconds, in ASCII;
 *   <li>{@code sig64} is the compact {@code r || s} ECDSA signature, with low {@code s}, over
 *       {@link #messageDigest SHA-256(C || pubkey33 || t)} where {@code C} is the 64-byte {@link
 *       #signingConstant() signing constant};
 *   <li>hex is lowercase.
 * </ol>
 *
 * <p>Signatures are deterministic (RFC 6979 with HMAC-SHA256), so no randomness source is needed
 * and the same key and time always give the same header, byte for byte the value libsecp256k1
 * produces. The server accepts a header for 24 hours either side of its clock; make a fresh one per
 * request.
 *
 * <p>Instances are immutable and thread-safe. They hold the private key: do not log them ({@link
 * #toString()} shows only the public key).
 */
public final class SignatureAuthHeader {
  /** The name of the header that carries the value. */
  public static final String HEADER_NAME = "Authorization";

  /** Number of hex characters of the compressed public key at the start of the value. */
  public static final int PUBLIC_KEY_HEX_CHARS = 2 * Secp256k1.PUBLIC_KEY_BYTES;

  /** Number of hex characters of the compact signature that follow the public key. */
  public static final int SIGNATURE_HEX_CHARS = 2 * Secp256k1.SIGNATURE_BYTES;

  /** Length of a private key in bytes. */
  public static final int PRIVATE_KEY_BYTES = 32;

  /** The text of the signing constant before it is padded with {@code '.'} to 64 bytes. */
  private static final String SIGNING_CONSTANT_TEXT =
      "VSS Signature Authorizer Signing Salt Constant";

  private static final int SIGNING_CONSTANT_BYTES = 64;

  private static final byte[] SIGNING_CONSTANT = padSigningConstant();

  private static final HexFormat HEX = HexFormat.of();

  private final ECPrivateKeyParameters privateKey;
  private final byte[] publicKey;
  private final String publicKeyHex;

  private SignatureAuthHeader(BigInteger secret) {
    this.privateKey = new ECPrivateKeyParameters(secret, Secp256k1.DOMAIN);
    // A fixed-point comb is the constant-time multiplier Bouncy Castle recommends for k * G.
    this.publicKey =
        new FixedPointCombMultiplier()
            .multiply(Secp256k1.DOMAIN.getG(), secret)
            .normalize()
            .getEncoded(true);
    this.publicKeyHex = HEX.formatHex(publicKey);
  }

  /**
   * A header builder for a secp256k1 private key.
   *
   * @param privateKey the 32-byte big-endian private key; copied, so the caller may wipe it
   * @return a builder signing with that key
   * @throws IllegalArgumentException if the key is not 32 bytes or not in {@code [1, n-1]}
   */
  public static SignatureAuthHeader forPrivateKey(byte[] privateKey) {
    Objects.requireNonNull(privateKey, "privateKey");
    if (privateKey.length != PRIVATE_KEY_BYTES) {
      throw new IllegalArgumentException(
          "a secp256k1 private key is " + PRIVATE_KEY_BYTES + " bytes, not " + privateKey.length);
    }
    BigInteger secret = BigIntegers.fromUnsignedByteArray(privateKey);
    if (secret.signum() == 0 || secret.compareTo(Secp256k1.N) >= 0) {
      throw new IllegalArgumentException("a secp256k1 private key must be in [1, n-1]");
    }
    return new SignatureAuthHeader(secret);
  }

  /**
   * The header value for {@code privateKey} signed at {@code unixSeconds}; shorthand for {@code
   * forPrivateKey(privateKey).valueAt(unixSeconds)}.
   *
   * @param privateKey the 32-byte big-endian private key
   * @param unixSeconds the signing time in seconds since the epoch, not negative
   * @return the header value
   * @throws IllegalArgumentException on a bad key or a negative time
   */
  public static String create(byte[] privateKey, long unixSeconds) {
    return forPrivateKey(privateKey).valueAt(unixSeconds);
  }

  /**
   * The 33-byte compressed public key of the signing key.
   *
   * @return a fresh copy
   */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /**
   * The lowercase hex of the compressed public key: the user token the server will assign.
   *
   * @return 66 lowercase hex characters
   */
  public String publicKeyHex() {
    return publicKeyHex;
  }

  /**
   * The header value signed at {@code unixSeconds}.
   *
   * @param unixSeconds the signing time in seconds since the epoch, not negative
   * @return {@code hex(pubkey33) || hex(sig64) || decimal(unixSeconds)}, lowercase hex
   * @throws IllegalArgumentException if {@code unixSeconds} is negative
   */
  public String valueAt(long unixSeconds) {
    if (unixSeconds < 0) {
      throw new IllegalArgumentException("the signing time must not be negative: " + unixSeconds);
    }
    String time = Long.toString(unixSeconds);
    byte[] digest = messageDigest(publicKey, time);

    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    signer.init(true, privateKey);
    BigInteger[] rs = signer.generateSignature(digest);
    BigInteger r = rs[0];
    BigInteger s = rs[1];
    // (r, s) and (r, n - s) are both valid; libsecp256k1 only accepts the low one.
    if (s.compareTo(Secp256k1.HALF_N) > 0) {
      s = Secp256k1.N.subtract(s);
    }
    byte[] signature = new byte[Secp256k1.SIGNATURE_BYTES];
    BigIntegers.asUnsignedByteArray(r, signature, 0, 32);
    BigIntegers.asUnsignedByteArray(s, signature, 32, 32);
    return publicKeyHex + HEX.formatHex(signature) + time;
  }

  /**
   * The header value signed at the current second of {@code clock}.
   *
   * @param clock the clock to read the signing time from
   * @return the header value
   */
  public String valueNow(Clock clock) {
    return valueAt(clock.instant().getEpochSecond());
  }

  /**
   * The 64-byte signing constant {@code C}: {@code "VSS Signature Authorizer Signing Salt
   * Constant"} in ASCII, padded with {@code '.'} to 64 bytes.
   *
   * @return a fresh copy
   */
  public static byte[] signingConstant() {
    return SIGNING_CONSTANT.clone();
  }

  /**
   * The 32-byte digest that gets signed: {@code SHA-256(C || publicKey || ascii(time))}.
   *
   * @param publicKey the 33-byte compressed public key, exactly as it appears in the header
   * @param time the decimal signing time exactly as it appears in the header (leading zeros, if
   *     any, are part of what was signed)
   * @return the SHA-256 digest
   * @throws IllegalArgumentException if the key is not 33 bytes or {@code time} is not a non-empty
   *     string of ASCII digits
   */
  public static byte[] messageDigest(byte[] publicKey, String time) {
    Objects.requireNonNull(publicKey, "publicKey");
    Objects.requireNonNull(time, "time");
    if (publicKey.length != Secp256k1.PUBLIC_KEY_BYTES) {
      throw new IllegalArgumentException(
          "a compressed public key is 33 bytes, not " + publicKey.length);
    }
    if (!isDecimal(time)) {
      throw new IllegalArgumentException("the time must be decimal ASCII digits");
    }
    MessageDigest sha256 = sha256();
    sha256.update(SIGNING_CONSTANT);
    sha256.update(publicKey);
    sha256.update(time.getBytes(StandardCharsets.US_ASCII));
    return sha256.digest();
  }

  /** Whether {@code text} is one or more ASCII digits (not any Unicode digit, not a sign). */
  public static boolean isDecimal(String text) {
    if (text.isEmpty()) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide SHA-256 (java.security.MessageDigest javadoc).
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  private static byte[] padSigningConstant() {
    byte[] constant = new byte[SIGNING_CONSTANT_BYTES];
    Arrays.fill(constant, (byte) '.');
    byte[] text = SIGNING_CONSTANT_TEXT.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(text, 0, constant, 0, text.length);
    return constant;
  }

  /** Shows the public key only; never the private key. */
  @Override
  public String toString() {
    return "SignatureAuthHeader{publicKey=" + publicKeyHex + "}";
  }
}
