package dev.vss.core.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.vss.core.VssException;
import java.math.BigInteger;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.Objects;

/**
 * Authorizes requests carrying a JWT issued by a trusted party (SPEC section 5): {@code
 * Authorization: Bearer <jwt>}, where the JWT is signed with RS256 by the holder of the configured
 * RSA key, and its {@code sub} claim becomes the user token.
 *
 * <p>A request is accepted only if all of these hold, checked in this order:
 *
 * <ol>
 *   <li>the header is present and is {@code Bearer <token>} (scheme in any case);
 *   <li>the token is exactly three base64url segments in canonical form (header and signature not
 *       empty, no padding, no other character, nothing after the signature), a compact JWS whose
 *       header names {@code alg} RS256 (never {@code none}, HMAC, other RSA hashes or EC) and no
 *       critical extension;
 *   <li>the signature verifies with the configured public key;
 *   <li>the claims are a JSON object with no {@code aud} claim (this server is not one audience
 *       among several, and a token minted for another service must not unlock this one), and {@code
 *       exp} and {@code nbf}, where present, are numbers of seconds from 0 to {@link
 *       #MAX_TIME_CLAIM} (a larger or negative time is invalid, not "expired");
 *   <li>{@code exp} is present and the clock is before {@code exp} + {@link #CLOCK_SKEW};
 *   <li>{@code nbf}, if present, is at most the clock + {@link #CLOCK_SKEW};
 *   <li>{@code sub} is present and not blank.
 * </ol>
 *
 * <p>Any failure is a {@link VssException} with AUTH and a message naming the failed rule; the
 * message never echoes the token. The key is only read from configuration: {@code jwk}, {@code
 * jku}, {@code x5c} and {@code kid} headers in the token are ignored.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class JwtAuthorizer implements Authorizer {
  /** How far the server clock may be past {@code exp}, or before {@code nbf}, and still accept. */
  public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

  /**
   * The largest {@code exp} or {@code nbf} accepted, in seconds since the epoch: 10^10 (the year
   * 2286). No issuer means a later time; such values are what overflowed or broken claims look
   * like, and beyond about 9.2 * 10^15 they no longer fit a {@code Date} in milliseconds.
   */
  public static final long MAX_TIME_CLAIM = 10_000_000_000L;

  /** The smallest RSA modulus accepted, in bits. */
  public static final int MIN_KEY_BITS = 2048;

  private static final String BEARER = "Bearer";

  private final RSASSAVerifier verifier;
  private final Clock clock;

  /**
   * An authorizer trusting the RSA public key in {@code publicKeyPem}, reading the system clock.
   *
   * @param publicKeyPem one PEM block, {@code BEGIN PUBLIC KEY} (SPKI) or {@code BEGIN RSA PUBLIC
   *     KEY} (PKCS#1)
   * @throws IllegalArgumentException if the text is not such a key or the key is under {@value
   *     #MIN_KEY_BITS} bits
   */
  public JwtAuthorizer(String publicKeyPem) {
    this(publicKeyPem, Clock.systemUTC());
  }

  /**
   * An authorizer trusting the RSA public key in {@code publicKeyPem}, reading {@code clock}.
   *
   * @param publicKeyPem one PEM block, {@code BEGIN PUBLIC KEY} (SPKI) or {@code BEGIN RSA PUBLIC
   *     KEY} (PKCS#1)
   * @param clock the clock {@code exp} and {@code nbf} are compared with
   * @throws IllegalArgumentException if the text is not such a key or the key is under {@value
   *     #MIN_KEY_BITS} bits
   */
  public JwtAuthorizer(String publicKeyPem, Clock clock) {
    this(RsaPublicKeyPem.parse(publicKeyPem), clock);
  }

  /**
   * An authorizer trusting {@code publicKey}, reading {@code clock}.
   *
   * @param publicKey the issuer's RSA public key
   * @param clock the clock {@code exp} and {@code nbf} are compared with
   * @throws IllegalArgumentException if the key is under {@value #MIN_KEY_BITS} bits or its public
   *     exponent is not an odd number of at least 3
   */
  public JwtAuthorizer(RSAPublicKey publicKey, Clock clock) {
    Objects.requireNonNull(publicKey, "publicKey");
    this.clock = Objects.requireNonNull(clock, "clock");
    int bits = publicKey.getModulus().bitLength();
    if (bits < MIN_KEY_BITS) {
      throw new IllegalArgumentException(
          "the JWT public key is "
              + bits
              + "-bit RSA; at least "
              + MIN_KEY_BITS
              + " bits are required");
    }
    BigInteger exponent = publicKey.getPublicExponent();
    if (exponent.compareTo(BigInteger.valueOf(3)) < 0 || !exponent.testBit(0)) {
      throw new IllegalArgumentException(
          "the JWT public key has an invalid public exponent: it must be odd and at least 3");
    }
    this.verifier = new RSASSAVerifier(publicKey);
  }

  /** {@inheritDoc} It only parses a token and checks its signature against a key it holds. */
  @Override
  public boolean mayBlock() {
    return false;
  }

  @Override
  public String authorize(Map<String, String> headers) {
    String header =
        Authorizer.header(headers, "Authorization")
            .orElseThrow(() -> VssException.auth("Authorization header not found"));
    SignedJWT jwt = parse(bearerToken(header));
    if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
      throw VssException.auth("JWT algorithm must be RS256");
    }
    if (!verifies(jwt)) {
      throw VssException.auth("JWT signature is invalid");
    }
    JWTClaimsSet claims = claims(jwt);
    Instant now = clock.instant();
    Date expiresAt = claims.getExpirationTime();
    if (expiresAt == null) {
      throw VssException.auth("JWT has no exp claim");
    }
    if (!now.isBefore(expiresAt.toInstant().plus(CLOCK_SKEW))) {
      throw VssException.auth("JWT has expired");
    }
    Date notBefore = claims.getNotBeforeTime();
    if (notBefore != null && now.plus(CLOCK_SKEW).isBefore(notBefore.toInstant())) {
      throw VssException.auth("JWT is not valid yet (nbf is in the future)");
    }
    String subject = claims.getSubject();
    if (subject == null || subject.isBlank()) {
      throw VssException.auth("JWT has no sub claim");
    }
    return subject;
  }

  /** The token of a {@code Bearer} credential (RFC 6750: scheme, one or more spaces, token). */
  private static String bearerToken(String header) {
    int space = header.indexOf(' ');
    if (space < 0 || !header.substring(0, space).equalsIgnoreCase(BEARER)) {
      throw VssException.auth("Authorization header is not a Bearer token");
    }
    String token = header.substring(space + 1).stripLeading();
    if (token.isEmpty()) {
      throw VssException.auth("Authorization header has an empty Bearer token");
    }
    return token;
  }

  private static SignedJWT parse(String token) {
    // Nimbus's base64url decoder skips characters outside the alphabet and padding, so text after
    // the signature ("sig.", "sig=", "sig xyz") would still verify; accept only the exact form.
    if (!isCanonicalCompactJws(token)) {
      throw VssException.auth(
          "Bearer token is not a well-formed signed JWT: expected three"
              + " base64url segments without padding and nothing after the signature");
    }
    try {
      return SignedJWT.parse(token);
    } catch (ParseException | RuntimeException e) {
      // Nimbus reports most malformations as ParseException, but a hostile token must never turn
      // into an internal error, so anything it throws while parsing is a bad credential.
      throw VssException.auth("Bearer token is not a well-formed signed JWT");
    }
  }

  /**
   * Three segments, each exactly what base64url without padding would produce; header and signature
   * are never empty (an empty payload is a claims problem, reported as such later).
   */
  private static boolean isCanonicalCompactJws(String token) {
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (second < 0
        || token.indexOf('.', second + 1) >= 0
        || first == 0
        || second == token.length() - 1) {
      return false;
    }
    return isCanonicalBase64Url(token.substring(0, first))
        && isCanonicalBase64Url(token.substring(first + 1, second))
        && isCanonicalBase64Url(token.substring(second + 1));
  }

  private static boolean isCanonicalBase64Url(String segment) {
    if (segment.length() % 4 == 1) {
      return false;
    }
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      boolean alphabet =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_';
      if (!alphabet) {
        return false;
      }
    }
    // The last character may carry unused low bits; only the spelling with them zero is canonical,
    // so one signature has one spelling.
    byte[] bytes = Base64.getUrlDecoder().decode(segment);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(segment);
  }

  private boolean verifies(SignedJWT jwt) {
    try {
      return jwt.verify(verifier);
    } catch (JOSEException | RuntimeException e) {
      return false;
    }
  }

  /** The parsed claims, after the checks nimbus's lenient claims parser does not make. */
  private static JWTClaimsSet claims(SignedJWT jwt) {
    Map<String, Object> payload;
    JWTClaimsSet claims;
    try {
      payload = jwt.getPayload().toJSONObject();
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException | RuntimeException e) {
      throw VssException.auth("JWT claims are not a valid JSON claims set");
    }
    if (payload == null) {
      throw VssException.auth("JWT claims are not a valid JSON claims set");
    }
    // Checked on the raw JSON: nimbus drops "aud": null, but any aud at all means the issuer meant
    // the token for a named audience, which this server is not.
    if (payload.containsKey("aud")) {
      throw VssException.auth("JWT has an aud claim; tokens for this server must not carry one");
    }
    // RFC 7519 makes sub a string. Nimbus would turn a number into its decimal text, so 42 and
    // "42" (or 42.0) would name one keyspace; accept only what the issuer unambiguously wrote.
    Object subject = payload.get("sub");
    if (subject != null && !(subject instanceof String)) {
      throw VssException.auth("JWT claims are not a valid JSON claims set: sub is not a string");
    }
    checkTimeClaim(payload, "exp");
    checkTimeClaim(payload, "nbf");
    return claims;
  }

  /**
   * Refuses a time claim outside {@code [0, MAX_TIME_CLAIM]}. Checked on the raw JSON: nimbus
   * multiplies by 1000 into a {@code long}, so a huge {@code exp} wraps around to a date before
   * 1970 and would be reported as "expired", hiding an issuer that writes broken times.
   */
  private static void checkTimeClaim(Map<String, Object> payload, String claim) {
    Object value = payload.get(claim);
    if (value == null) {
      return;
    }
    if (!(value instanceof Number number)) {
      throw VssException.auth(
          "JWT claims are not a valid JSON claims set: " + claim + " is not a number");
    }
    double seconds = number.doubleValue();
    if (!(seconds >= 0 && seconds <= MAX_TIME_CLAIM)) {
      throw VssException.auth(
          "JWT "
              + claim
              + " claim is not a valid time: it must be a number"
              + " of seconds since 1970 from 0 to "
              + MAX_TIME_CLAIM);
    }
  }
}
