package dev.vss.testkit.runner;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How the runner authenticates to a server with JWT authentication (SPEC section 5: {@code
 * Authorization: Bearer <jwt>}, RS256, the {@code sub} claim naming the user).
 *
 * <p>Two forms. With the issuer's RSA private key ({@link #mintingWith}) the runner mints one token
 * per user token, {@code sub} = the (salted) user token, so distinct tokens are distinct users and
 * every check runs. With one fixed token ({@link #fixedToken}), every request is the same user, as
 * with {@code --auth none}: the checks that need several users are skipped and keyspaces are shared
 * between checks.
 *
 * <p>Minted tokens carry {@code iat} and an {@code exp} one hour ahead, and no {@code aud} (our
 * server refuses tokens with an audience); a token is reminted when less than ten minutes of it
 * remain. Instances are thread-safe.
 */
public final class JwtCredentials {
  private static final Duration LIFETIME = Duration.ofHours(1);
  private static final Duration RENEW_BEFORE = Duration.ofMinutes(10);

  private final RSASSASigner signer;
  private final String fixedToken;
  private final Map<String, Minted> minted = new ConcurrentHashMap<>();

  private record Minted(String token, Instant expires) {}

  private JwtCredentials(RSASSASigner signer, String fixedToken) {
    this.signer = signer;
    this.fixedToken = fixedToken;
  }

  /** Sends {@code token} (a compact JWT, without {@code Bearer}) for every user token. */
  public static JwtCredentials fixedToken(String token) {
    Objects.requireNonNull(token, "token");
    String trimmed = token.trim();
    if (trimmed.regionMatches(true, 0, "Bearer ", 0, 7)) {
      trimmed = trimmed.substring(7).trim();
    }
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("the JWT is empty");
    }
    return new JwtCredentials(null, trimmed);
  }

  /** Mints a token per user token, signed with {@code key} (RS256). */
  public static JwtCredentials mintingWith(RSAPrivateKey key) {
    return new JwtCredentials(new RSASSASigner(Objects.requireNonNull(key, "key")), null);
  }

  /**
   * Mints with the RSA private key in {@code pem}, a PKCS#8 {@code BEGIN PRIVATE KEY} block (what
   * {@code openssl genpkey -algorithm RSA} writes).
   *
   * @throws IllegalArgumentException if the text is not such a key, with a hint for the PKCS#1 form
   */
  public static JwtCredentials mintingWithPem(String pem) {
    if (pem.contains("BEGIN RSA PRIVATE KEY")) {
      throw new IllegalArgumentException(
          "the key is in PKCS#1 form (BEGIN RSA PRIVATE KEY); "
              + "convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
    }
    int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = pem.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException("no BEGIN PRIVATE KEY block (PKCS#8) in the key file");
    }
    String body =
        pem.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end).replaceAll("\\s", "");
    try {
      PrivateKey key =
          KeyFactory.getInstance("RSA")
              .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
      return mintingWith((RSAPrivateKey) key);
    } catch (IllegalArgumentException | GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException(
          "the key file does not hold an RSA private key: " + e.getMessage(), e);
    }
  }

  /** Whether distinct user tokens become distinct users (tokens are minted per user token). */
  public boolean severalUsers() {
    return signer != null;
  }

  /** The {@code Authorization} header value for {@code userToken}. */
  public String authorization(String userToken) {
    if (signer == null) {
      return "Bearer " + fixedToken;
    }
    Instant now = Instant.now();
    Minted current =
        minted.compute(
            userToken,
            (user, old) ->
                old != null && old.expires().minus(RENEW_BEFORE).isAfter(now)
                    ? old
                    : mint(user, now));
    return "Bearer " + current.token();
  }

  private Minted mint(String userToken, Instant now) {
    Instant expires = now.plus(LIFETIME);
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .subject(userToken)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(expires))
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("could not sign a JWT with the given key", e);
    }
    return new Minted(jwt.serialize(), expires);
  }

  @Override
  public String toString() {
    return signer == null ? "jwt (one fixed token)" : "jwt (minted per user)";
  }
}
