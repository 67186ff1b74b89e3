package dev.vss.core.auth;

import dev.vss.core.VssException;
import dev.vss.protocol.auth.Secp256k1;
import dev.vss.protocol.auth.SignatureAuthHeader;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.math.ec.ECPoint;

/**
 * The default authorizer of the reference server (SPEC section 5): the caller proves it holds a
 * secp256k1 private key, and its user token is the public key.
 *
 * <p>The {@code Authorization} header is {@code hex(pubkey33) || hex(sig64) || t} as built by
 * {@link SignatureAuthHeader}. A request is accepted only if all of these hold, checked in this
 * order:
 *
 * <ol>
 *   <li>the header is present and longer than 194 characters (66 of public key, 128 of signature,
 *       at least one of time);
 *   <li>the public key and signature parts are hex (either case);
 *   <li>{@code t} is ASCII decimal digits and fits a {@code long};
 *   <li>{@code t} is at most the {@linkplain #maxClockDifference() time window} from the server
 *       clock, in either direction: {@link #MAX_CLOCK_DIFFERENCE 24 hours} as the reference unless
 *       configured narrower;
 *   <li>the public key is a compressed point on secp256k1 (prefix 02 or 03, x below p, on the
 *       curve);
 *   <li>the signature's {@code r} and {@code s} are in {@code [1, n-1]} and {@code s} is low
 *       ({@code s <= n/2}), as libsecp256k1 requires;
 *   <li>the signature verifies over {@link SignatureAuthHeader#messageDigest SHA-256(C || pubkey33
 *       || t)}, with {@code t} exactly as sent.
 * </ol>
 *
 * <p>The user token is the lowercase hex of the public key, so the same key always maps to the same
 * keyspace whatever case the client used. Any failure is a {@link VssException} with AUTH and a
 * message naming the failed rule; the message never echoes the header.
 *
 * <p>Anyone can create a key pair, so this authorizer admits any number of new users: deployments
 * must rate-limit or otherwise restrict who can reach the server. The scheme has no replay
 * protection inside the time window: a captured header works for anything its key may do until
 * {@code t} leaves the window. It relies on TLS to keep headers secret; a narrower window (for
 * example 5 minutes, if clients' clocks are kept in time) is the way to limit how long a captured
 * header can be replayed.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class SignatureAuthorizer implements Authorizer {
  /**
   * How far the signing time may be from the server clock, in either direction, by default (the
   * reference's {@code MAX_CLOCK_DIFFERENCE}); also the widest window that can be configured.
   */
  public static final Duration MAX_CLOCK_DIFFERENCE = Duration.ofHours(24);

  /** The narrowest window that can be configured. */
  public static final Duration MIN_CLOCK_DIFFERENCE = Duration.ofSeconds(1);

  private static final int PUBLIC_KEY_END = SignatureAuthHeader.PUBLIC_KEY_HEX_CHARS;
  private static final int SIGNATURE_END = PUBLIC_KEY_END + SignatureAuthHeader.SIGNATURE_HEX_CHARS;
  private static final HexFormat HEX = HexFormat.of();

  private final Clock clock;
  private final long maxDifferenceSeconds;

  /** An authorizer that reads the time from the system clock, with the 24-hour window. */
  public SignatureAuthorizer() {
    this(Clock.systemUTC());
  }

  /**
   * An authorizer that reads the time from {@code clock}, with the 24-hour window.
   *
   * @param clock the clock the signing time is compared with
   */
  public SignatureAuthorizer(Clock clock) {
    this(clock, MAX_CLOCK_DIFFERENCE);
  }

  /**
   * An authorizer that reads the time from {@code clock} and accepts signing times at most {@code
   * maxClockDifference} from it, in either direction.
   *
   * @param clock the clock the signing time is compared with
   * @param maxClockDifference whole seconds from {@link #MIN_CLOCK_DIFFERENCE 1 second} to {@link
   *     #MAX_CLOCK_DIFFERENCE 24 hours}; narrower limits how long a captured header can be
   *     replayed, but must still cover the clock error of the clients
   * @throws IllegalArgumentException if the window is outside those bounds or not whole seconds
   */
  public SignatureAuthorizer(Clock clock, Duration maxClockDifference) {
    this.clock = Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(maxClockDifference, "maxClockDifference");
    if (maxClockDifference.compareTo(MIN_CLOCK_DIFFERENCE) < 0
        || maxClockDifference.compareTo(MAX_CLOCK_DIFFERENCE) > 0
        || maxClockDifference.getNano() != 0) {
      throw new IllegalArgumentException(
          "the signature time window must be whole seconds from "
              + MIN_CLOCK_DIFFERENCE.toSeconds()
              + " to "
              + MAX_CLOCK_DIFFERENCE.toSeconds()
              + " (24 hours), got "
              + maxClockDifference);
    }
    this.maxDifferenceSeconds = maxClockDifference.toSeconds();
  }

  /** How far the signing time may be from the server clock, in either direction. */
  public Duration maxClockDifference() {
    return Duration.ofSeconds(maxDifferenceSeconds);
  }

  /** {@inheritDoc} It only parses a header and checks a signature. */
  @Override
  public boolean mayBlock() {
    return false;
  }

  @Override
  public String authorize(Map<String, String> headers) {
    String header =
        Authorizer.header(headers, SignatureAuthHeader.HEADER_NAME)
            .orElseThrow(() -> VssException.auth("Authorization header not found"));
    if (header.length() <= SIGNATURE_END) {
      throw VssException.auth(
          "Authorization header has the wrong length: expected 66 hex characters of public key,"
              + " 128 of signature and a decimal time");
    }
    String publicKeyHex = header.substring(0, PUBLIC_KEY_END);
    String signatureHex = header.substring(PUBLIC_KEY_END, SIGNATURE_END);
    String time = header.substring(SIGNATURE_END);
    if (!isHex(publicKeyHex)) {
      throw VssException.auth("Authorization header public key is not hex");
    }
    if (!isHex(signatureHex)) {
      throw VssException.auth("Authorization header signature is not hex");
    }
    checkTime(time);

    byte[] publicKey = HEX.parseHex(publicKeyHex);
    byte[] signature = HEX.parseHex(signatureHex);
    ECPublicKeyParameters verificationKey = decodePublicKey(publicKey);
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, 32));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
    if (!inScalarRange(r) || !inScalarRange(s)) {
      throw VssException.auth(
          "Authorization header signature is malformed: r and s must be in [1, n-1]");
    }
    if (s.compareTo(Secp256k1.HALF_N) > 0) {
      throw VssException.auth(
          "Authorization header signature has a high s value: sign with low s (s <= n/2)");
    }

    ECDSASigner verifier = new ECDSASigner();
    verifier.init(false, verificationKey);
    if (!verifier.verifySignature(SignatureAuthHeader.messageDigest(publicKey, time), r, s)) {
      throw VssException.auth("Authorization header signature is invalid");
    }
    return publicKeyHex.toLowerCase(Locale.ROOT);
  }

  private void checkTime(String time) {
    if (!SignatureAuthHeader.isDecimal(time)) {
      throw VssException.auth("Authorization header time is not a decimal number of seconds");
    }
    long signedAt;
    try {
      signedAt = Long.parseLong(time);
    } catch (NumberFormatException e) {
      // Only digits reach here, so the number is too large for a long: far beyond any window.
      throw VssException.auth("Authorization header time is out of range");
    }
    long now = clock.instant().getEpochSecond();
    long maxDifference = maxDifferenceSeconds;
    // signedAt >= 0 and now is a realistic clock, yet an injected clock may be anywhere: compare
    // without overflow.
    boolean tooFar =
        signedAt > now ? signedAt - maxDifference > now : now - maxDifference > signedAt;
    if (tooFar) {
      throw VssException.auth(
          "Authorization header time is more than " + windowText() + " from now");
    }
  }

  /** The window in the largest whole unit: "24 hours", "5 minutes", "90 seconds". */
  private String windowText() {
    long seconds = maxDifferenceSeconds;
    if (seconds % 3600 == 0) {
      return plural(seconds / 3600, "hour");
    }
    return seconds % 60 == 0 ? plural(seconds / 60, "minute") : plural(seconds, "second");
  }

  private static String plural(long count, String unit) {
    return count + " " + unit + (count == 1 ? "" : "s");
  }

  private static ECPublicKeyParameters decodePublicKey(byte[] publicKey) {
    // decodePoint would also accept other encodings of the right length in principle; only the
    // compressed forms are part of the format.
    if (publicKey[0] != 0x02 && publicKey[0] != 0x03) {
      throw VssException.auth(
          "Authorization header public key is not a compressed secp256k1 key (prefix 02 or 03)");
    }
    try {
      ECPoint point = Secp256k1.CURVE.decodePoint(publicKey);
      return new ECPublicKeyParameters(point, Secp256k1.DOMAIN);
    } catch (IllegalArgumentException | ArithmeticException e) {
      // Bouncy Castle reports x >= p and x without a matching y this way.
      throw VssException.auth("Authorization header public key is not a point on secp256k1");
    }
  }

  private static boolean inScalarRange(BigInteger value) {
    return value.signum() > 0 && value.compareTo(Secp256k1.N) < 0;
  }

  private static boolean isHex(String text) {
    for (int i = 0; i < text.length(); i++) {
      // HexFormat.isHexDigit accepts ASCII only, unlike Character.digit which takes any script.
      if (!HexFormat.isHexDigit(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
