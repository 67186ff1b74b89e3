package dev.vss.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.vss.core.VssException;
import dev.vss.proto.ErrorCode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JwtAuthorizerTest {
  static final long NOW = 1_700_000_000L;
  static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);

  /**
   * The key the authorizer trusts, and one it does not. Generated once: RSA key generation is slow.
   */
  static final KeyPair TRUSTED = rsaKeyPair(2048);

  static final KeyPair OTHER = rsaKeyPair(2048);

  private final JwtAuthorizer authorizer = new JwtAuthorizer(spkiPem(publicKey(TRUSTED)), CLOCK);

  static KeyPair rsaKeyPair(int bits) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(bits);
      return generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static RSAPublicKey publicKey(KeyPair pair) {
    return (RSAPublicKey) pair.getPublic();
  }

  static String spkiPem(RSAPublicKey key) {
    return pem("PUBLIC KEY", key.getEncoded());
  }

  static String pkcs1Pem(RSAPublicKey key) throws IOException {
    byte[] der =
        new org.bouncycastle.asn1.pkcs.RSAPublicKey(key.getModulus(), key.getPublicExponent())
            .getEncoded();
    return pem("RSA PUBLIC KEY", der);
  }

  static String pem(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }

  /** Claims that pass every rule: sub "alice", exp an hour ahead. */
  static JWTClaimsSet.Builder validClaims() {
    return new JWTClaimsSet.Builder()
        .subject("alice")
        .issueTime(Date.from(Instant.ofEpochSecond(NOW)))
        .expirationTime(Date.from(Instant.ofEpochSecond(NOW + 3600)));
  }

  static String sign(JWTClaimsSet claims, JWSAlgorithm algorithm, JWSSigner signer) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims);
      jwt.sign(signer);
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new AssertionError(e);
    }
  }

  static String rs256(JWTClaimsSet claims) {
    return sign(claims, JWSAlgorithm.RS256, new RSASSASigner(TRUSTED.getPrivate()));
  }

  /** An RS256 token over arbitrary payload text, for claims nimbus's builder would not produce. */
  static String rs256Raw(String payloadJson) {
    try {
      JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.RS256), new Payload(payloadJson));
      jws.sign(new RSASSASigner(TRUSTED.getPrivate()));
      return jws.serialize();
    } catch (JOSEException e) {
      throw new AssertionError(e);
    }
  }

  static Map<String, String> bearer(String token) {
    return Map.of("Authorization", "Bearer " + token);
  }

  private void assertRejected(Map<String, String> headers, String messagePart) {
    assertRejected(authorizer, headers, messagePart);
  }

  private static void assertRejected(
      JwtAuthorizer authorizer, Map<String, String> headers, String messagePart) {
    assertThatThrownBy(() -> authorizer.authorize(headers))
        .isInstanceOfSatisfying(
            VssException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(ErrorCode.AUTH_EXCEPTION);
              assertThat(e.getMessage()).contains(messagePart);
            });
  }

  private static JwtAuthorizer at(long epochSecond) {
    return new JwtAuthorizer(
        publicKey(TRUSTED), Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC));
  }

  // ---- accepted ----

  @Test
  void acceptsAValidTokenWithAnSpkiKey() {
    assertThat(authorizer.authorize(bearer(rs256(validClaims().build())))).isEqualTo("alice");
  }

  @Test
  void acceptsAValidTokenWithAPkcs1Key() throws Exception {
    JwtAuthorizer pkcs1 = new JwtAuthorizer(pkcs1Pem(publicKey(TRUSTED)), CLOCK);
    assertThat(pkcs1.authorize(bearer(rs256(validClaims().build())))).isEqualTo("alice");
  }

  @Test
  void acceptsPemWithCrlfLineEndsAndSurroundingWhitespace() {
    String pem = "\n  " + spkiPem(publicKey(TRUSTED)).replace("\n", "\r\n") + "\n\n";
    JwtAuthorizer crlf = new JwtAuthorizer(pem, CLOCK);
    assertThat(crlf.authorize(bearer(rs256(validClaims().build())))).isEqualTo("alice");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bearer ", "bearer ", "BEARER ", "bEaReR ", "Bearer   "})
  void schemeIsCaseInsensitive(String prefix) {
    String token = rs256(validClaims().build());
    assertThat(authorizer.authorize(Map.of("Authorization", prefix + token))).isEqualTo("alice");
  }

  @Test
  void headerNameIsCaseInsensitive() {
    String token = rs256(validClaims().build());
    assertThat(authorizer.authorize(Map.of("authorization", "Bearer " + token))).isEqualTo("alice");
  }

  @Test
  void subjectIsReturnedAsIs() {
    JWTClaimsSet claims = validClaims().subject("User-42@example.com").build();
    assertThat(authorizer.authorize(bearer(rs256(claims)))).isEqualTo("User-42@example.com");
  }

  @Test
  void acceptsATokenExpiredWithinTheSkew() {
    JWTClaimsSet claims =
        validClaims().expirationTime(Date.from(Instant.ofEpochSecond(NOW - 59))).build();
    assertThat(authorizer.authorize(bearer(rs256(claims)))).isEqualTo("alice");
  }

  @Test
  void acceptsANotBeforeInThePastOrWithinTheSkew() {
    for (long nbf : new long[] {NOW - 3600, NOW, NOW + 60}) {
      JWTClaimsSet claims =
          validClaims().notBeforeTime(Date.from(Instant.ofEpochSecond(nbf))).build();
      assertThat(authorizer.authorize(bearer(rs256(claims)))).isEqualTo("alice");
    }
  }

  @Test
  void ignoresUnknownClaimsAndHeaderParameters() throws Exception {
    JWSHeader header =
        new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("some-kid").customParam("x", 1).build();
    SignedJWT jwt =
        new SignedJWT(header, validClaims().issuer("issuer").claim("scope", "vss").build());
    jwt.sign(new RSASSASigner(TRUSTED.getPrivate()));
    assertThat(authorizer.authorize(bearer(jwt.serialize()))).isEqualTo("alice");
  }

  // ---- rejected: the header ----

  @Test
  void rejectsAMissingHeader() {
    assertRejected(Map.of(), "not found");
    assertRejected(Map.of("Authentication", "Bearer x"), "not found");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Bearerx.y.z",
        "Token a.b.c",
        "Bearer\ta.b.c",
        " Bearer a.b.c"
      })
  void rejectsAnythingButABearerCredential(String value) {
    assertRejected(Map.of("Authorization", value), "not a Bearer token");
  }

  @Test
  void rejectsAnEmptyBearerToken() {
    assertRejected(Map.of("Authorization", "Bearer "), "empty Bearer token");
    assertRejected(Map.of("Authorization", "Bearer    "), "empty Bearer token");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "x",
        "a.b",
        "a.b.c",
        "...",
        "a.b.c.d.e",
        "eyJhbGciOiJSUzI1NiJ9",
        "eyJhbGciOiJSUzI1NiJ9..",
        "eyJ9.eyJ9.eyJ9",
        "e30.e30.e30",
        "W10.e30.AAAA",
        "%%%.%%%.%%%",
        "eyJhbGciOiJSUzI1NiJ9.e30"
      })
  void rejectsMalformedTokens(String token) {
    assertThatThrownBy(() -> authorizer.authorize(bearer(token)))
        .isInstanceOfSatisfying(
            VssException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.AUTH_EXCEPTION));
  }

  @Test
  void rejectsAnEncryptedToken() {
    // Five parts: a JWE. It cannot be a signed JWT, whatever it holds.
    String jwe = "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d";
    assertRejected(bearer(jwe), "not a well-formed signed JWT");
  }

  // ---- rejected: the algorithm ----

  @Test
  void rejectsAlgNone() {
    String handMade =
        Base64URL.encode("{\"alg\":\"none\"}")
            + "."
            + Base64URL.encode(validClaims().build().toString())
            + ".";
    assertRejected(bearer(handMade), "");
    assertRejected(bearer(new PlainJWT(validClaims().build()).serialize()), "");
    // "none" with a valid RS256 signature pasted on is still not RS256.
    String signed = rs256(validClaims().build());
    String noneWithSignature =
        Base64URL.encode("{\"alg\":\"none\"}") + signed.substring(signed.indexOf('.'));
    assertRejected(bearer(noneWithSignature), "");
  }

  @Test
  void rejectsHs256SignedWithThePublicKeyBytes() throws Exception {
    // The classic key-confusion attack: a verifier that lets the token pick the algorithm would
    // check this HMAC with the RSA public key as the secret.
    byte[] der = TRUSTED.getPublic().getEncoded();
    String withDer = sign(validClaims().build(), JWSAlgorithm.HS256, new MACSigner(der));
    assertRejected(bearer(withDer), "must be RS256");
    byte[] pemBytes = spkiPem(publicKey(TRUSTED)).getBytes(StandardCharsets.US_ASCII);
    String withPem = sign(validClaims().build(), JWSAlgorithm.HS256, new MACSigner(pemBytes));
    assertRejected(bearer(withPem), "must be RS256");
  }

  @Test
  void rejectsOtherRsaAlgorithmsEvenWithTheTrustedKey() {
    RSASSASigner signer = new RSASSASigner(TRUSTED.getPrivate());
    for (JWSAlgorithm algorithm :
        List.of(JWSAlgorithm.RS384, JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS512)) {
      assertRejected(bearer(sign(validClaims().build(), algorithm, signer)), "must be RS256");
    }
  }

  @Test
  void rejectsEs256() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair ec = generator.generateKeyPair();
    String token =
        sign(
            validClaims().build(),
            JWSAlgorithm.ES256,
            new ECDSASigner((ECPrivateKey) ec.getPrivate()));
    assertRejected(bearer(token), "must be RS256");
  }

  @Test
  void rejectsACriticalHeaderExtension() throws Exception {
    JWSHeader header =
        new JWSHeader.Builder(JWSAlgorithm.RS256)
            .customParam("urn:example:must-understand", true)
            .criticalParams(Set.of("urn:example:must-understand"))
            .build();
    SignedJWT jwt = new SignedJWT(header, validClaims().build());
    jwt.sign(new RSASSASigner(TRUSTED.getPrivate()));
    assertRejected(bearer(jwt.serialize()), "signature is invalid");
  }

  // ---- rejected: the signature ----

  @Test
  void rejectsATokenSignedByAnotherKey() {
    String token =
        sign(validClaims().build(), JWSAlgorithm.RS256, new RSASSASigner(OTHER.getPrivate()));
    assertRejected(bearer(token), "signature is invalid");
  }

  @Test
  void rejectsATamperedPayload() {
    String token = rs256(validClaims().build());
    String[] parts = token.split("\\.");
    String forged =
        Base64URL.encode(validClaims().subject("mallory").build().toString()).toString();
    assertRejected(bearer(parts[0] + "." + forged + "." + parts[2]), "signature is invalid");
  }

  @Test
  void rejectsATamperedSignature() {
    String token = rs256(validClaims().build());
    // Flip a character in the middle of the signature (not the last one, whose low bits are
    // padding).
    int position = token.lastIndexOf('.') + 10;
    char replacement = token.charAt(position) == 'A' ? 'B' : 'A';
    String tampered = token.substring(0, position) + replacement + token.substring(position + 1);
    assertRejected(bearer(tampered), "signature is invalid");
  }

  /**
   * Nothing may follow the signature: nimbus's decoder skips characters outside the alphabet and
   * padding, so each of these still verified before the strict form check.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        ".", "=", "==", " xyz", "xyz", "%", "!!", " ", "\t", "\n", "+", "/", ".e30", "\u00e9"
      })
  void rejectsTrailingCharactersAfterTheSignature(String suffix) {
    String token = rs256(validClaims().build());
    assertThat(authorizer.authorize(bearer(token))).isEqualTo("alice");
    assertRejected(bearer(token + suffix), "not a well-formed signed JWT");
  }

  @Test
  void rejectsCharactersOutsideBase64UrlInAnySegment() {
    String token = rs256(validClaims().build());
    int firstDot = token.indexOf('.');
    int secondDot = token.lastIndexOf('.');
    for (int at : new int[] {1, firstDot + 1, secondDot + 1}) {
      for (String inserted : List.of("=", "%", " ", "+")) {
        String spoiled = token.substring(0, at) + inserted + token.substring(at);
        assertRejected(bearer(spoiled), "not a well-formed signed JWT");
      }
    }
  }

  /**
   * The signature's last character has unused low bits; only the spelling with them zero counts.
   */
  @Test
  void rejectsANonCanonicalSpellingOfTheSignature() {
    String token = rs256(validClaims().build());
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char last = token.charAt(token.length() - 1);
    String sibling =
        token.substring(0, token.length() - 1) + alphabet.charAt(alphabet.indexOf(last) ^ 1);
    String signature = token.substring(token.lastIndexOf('.') + 1);
    String siblingSignature = sibling.substring(sibling.lastIndexOf('.') + 1);
    assertThat(Base64.getUrlDecoder().decode(siblingSignature))
        .isEqualTo(Base64.getUrlDecoder().decode(signature));
    assertRejected(bearer(sibling), "not a well-formed signed JWT");
  }

  @Test
  void rejectsAMissingSignature() {
    String token = rs256(validClaims().build());
    assertRejected(bearer(token.substring(0, token.lastIndexOf('.') + 1)), "");
  }

  // ---- rejected: the claims ----

  @Test
  void rejectsATokenExpiredBeyondTheSkew() {
    JWTClaimsSet claims =
        validClaims().expirationTime(Date.from(Instant.ofEpochSecond(NOW - 61))).build();
    assertRejected(bearer(rs256(claims)), "expired");
    // Exactly exp + skew is already too late: a token is valid strictly before exp.
    JWTClaimsSet boundary =
        validClaims().expirationTime(Date.from(Instant.ofEpochSecond(NOW - 60))).build();
    assertRejected(bearer(rs256(boundary)), "expired");
  }

  @Test
  void expiryFollowsTheClock() {
    String token = rs256(validClaims().build());
    assertThat(at(NOW + 3600 + 59).authorize(bearer(token))).isEqualTo("alice");
    assertRejected(at(NOW + 3600 + 60), bearer(token), "expired");
  }

  @Test
  void rejectsANotBeforeBeyondTheSkew() {
    JWTClaimsSet claims =
        validClaims().notBeforeTime(Date.from(Instant.ofEpochSecond(NOW + 61))).build();
    assertRejected(bearer(rs256(claims)), "not valid yet");
  }

  /**
   * A time no issuer means is an invalid claim, not an expiry: nimbus turns {@code exp} into
   * milliseconds in a {@code long}, so these used to wrap to 1969 and read as "expired".
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "10000000001",
        "99999999999",
        "1e19",
        "9223372036854775",
        "9223372036854776",
        "9223372036854775807",
        "9223372036854775808",
        "1e300",
        "100000000000000000000000",
        "-1",
        "-0.5"
      })
  void rejectsAbsurdTimesAsInvalidNotExpired(String time) {
    String exp = Long.toString(NOW + 3600);
    for (String payload :
        List.of(
            "{\"sub\":\"alice\",\"exp\":" + time + "}",
            "{\"sub\":\"alice\",\"exp\":" + exp + ",\"nbf\":" + time + "}")) {
      String claim = payload.contains("nbf") ? "nbf" : "exp";
      assertThatThrownBy(() -> authorizer.authorize(bearer(rs256Raw(payload))))
          .isInstanceOfSatisfying(
              VssException.class,
              e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.AUTH_EXCEPTION);
                assertThat(e.getMessage())
                    .contains("JWT " + claim + " claim is not a valid time")
                    .doesNotContain("expired")
                    .doesNotContain("not valid yet");
              });
    }
  }

  @Test
  void acceptsTimesUpToTheLargestValidOne() {
    String largest = Long.toString(JwtAuthorizer.MAX_TIME_CLAIM);
    assertThat(
            authorizer.authorize(bearer(rs256Raw("{\"sub\":\"alice\",\"exp\":" + largest + "}"))))
        .isEqualTo("alice");
    // RFC 7519 NumericDate may have a fraction.
    assertThat(
            authorizer.authorize(
                bearer(rs256Raw("{\"sub\":\"alice\",\"exp\":" + (NOW + 3600) + ".5,\"nbf\":0}"))))
        .isEqualTo("alice");
  }

  @Test
  void rejectsAMissingExpiry() {
    JWTClaimsSet claims = validClaims().expirationTime(null).build();
    assertRejected(bearer(rs256(claims)), "no exp claim");
  }

  @Test
  void rejectsAnyAudience() {
    assertRejected(bearer(rs256(validClaims().audience("vss").build())), "aud claim");
    assertRejected(bearer(rs256(validClaims().audience(List.of("a", "b")).build())), "aud claim");
    String exp = Long.toString(NOW + 3600);
    // The builder drops an empty list, so these are written by hand.
    assertRejected(
        bearer(rs256Raw("{\"sub\":\"alice\",\"exp\":" + exp + ",\"aud\":[]}")), "aud claim");
    assertRejected(
        bearer(rs256Raw("{\"sub\":\"alice\",\"exp\":" + exp + ",\"aud\":null}")), "aud claim");
    assertRejected(
        bearer(rs256Raw("{\"sub\":\"alice\",\"exp\":" + exp + ",\"aud\":\"\"}")), "aud claim");
  }

  @Test
  void rejectsAMissingOrBlankSubject() {
    assertRejected(bearer(rs256(validClaims().subject(null).build())), "no sub claim");
    assertRejected(bearer(rs256(validClaims().subject("").build())), "no sub claim");
    assertRejected(bearer(rs256(validClaims().subject("  ").build())), "no sub claim");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"sub\":42,\"exp\":1700003600}",
        "{\"sub\":[\"alice\"],\"exp\":1700003600}",
        "{\"sub\":{},\"exp\":1700003600}",
        "{\"sub\":\"alice\",\"exp\":\"tomorrow\"}",
        "{\"sub\":\"alice\",\"exp\":1700003600,\"nbf\":\"now\"}",
        "[1,2,3]",
        "\"just a string\"",
        "not json at all",
        ""
      })
  void rejectsClaimsThatAreNotAValidClaimsSet(String payload) {
    assertRejected(bearer(rs256Raw(payload)), "not a valid JSON claims set");
  }

  @Test
  void messagesNeverEchoTheToken() {
    JWTClaimsSet claims = validClaims().subject("secret-subject").audience("x").build();
    String token = rs256(claims);
    assertThatThrownBy(() -> authorizer.authorize(bearer(token)))
        .isInstanceOf(VssException.class)
        .message()
        .doesNotContain("secret-subject")
        .doesNotContain(token.substring(0, 20));
  }

  // ---- construction ----

  @Test
  void rejectsKeysUnder2048Bits() throws Exception {
    RSAPublicKey small = publicKey(rsaKeyPair(1024));
    assertThatThrownBy(() -> new JwtAuthorizer(small, CLOCK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1024-bit")
        .hasMessageContaining("2048");
    assertThatThrownBy(() -> new JwtAuthorizer(spkiPem(small), CLOCK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2048");
    assertThatThrownBy(() -> new JwtAuthorizer(pkcs1Pem(small), CLOCK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2048");
  }

  @Test
  void keySizeBoundaryIs2048Bits() throws Exception {
    RSAPublicKey trusted = publicKey(TRUSTED);
    assertThat(trusted.getModulus().bitLength()).isEqualTo(2048);
    assertThat(new JwtAuthorizer(trusted, CLOCK)).isNotNull();
    // A 2047-bit modulus (not a real key, which does not matter to a size check).
    BigInteger shorter = trusted.getModulus().shiftRight(1).setBit(0);
    RSAPublicKey key2047 =
        (RSAPublicKey)
            KeyFactory.getInstance("RSA")
                .generatePublic(new RSAPublicKeySpec(shorter, trusted.getPublicExponent()));
    assertThat(key2047.getModulus().bitLength()).isEqualTo(2047);
    assertThatThrownBy(() -> new JwtAuthorizer(key2047, CLOCK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2047-bit");
  }

  @Test
  void rejectsAnInvalidPublicExponent() {
    for (long exponent : new long[] {1, 2, 65536}) {
      // The JDK key factory refuses some of these itself; a hand-made key reaches our check.
      RSAPublicKey key =
          new FixedRsaPublicKey(publicKey(TRUSTED).getModulus(), BigInteger.valueOf(exponent));
      assertThatThrownBy(() -> new JwtAuthorizer(key, CLOCK))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("exponent");
    }
  }

  /** An RSA public key with arbitrary numbers, to reach checks a key factory would pre-empt. */
  private record FixedRsaPublicKey(BigInteger getModulus, BigInteger getPublicExponent)
      implements RSAPublicKey {
    private static final long serialVersionUID = 1L;

    @Override
    public String getAlgorithm() {
      return "RSA";
    }

    @Override
    public String getFormat() {
      return null;
    }

    @Override
    public byte[] getEncoded() {
      return null;
    }
  }
}
