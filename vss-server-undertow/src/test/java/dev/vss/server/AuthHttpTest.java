package dev.vss.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.vss.core.Keyspace;
import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.auth.Authorizer;
import dev.vss.core.auth.JwtAuthorizer;
import dev.vss.core.auth.SignatureAuthorizer;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import dev.vss.protocol.auth.SignatureAuthHeader;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The auth modes over real HTTP: a valid credential reaches its own keyspace; a missing, expired,
 * tampered or foreign one gets 401 with AUTH_EXCEPTION and writes nothing.
 */
class AuthHttpTest {
  private static final KeyPair ISSUER = rsaKeyPair();
  private static final KeyPair STRANGER = rsaKeyPair();
  private static final byte[] ALICE = key(1);
  private static final byte[] MALLORY = key(2);

  private final InMemoryStorage storage = new InMemoryStorage();
  private VssServer server;
  private HttpCalls http;

  private static KeyPair rsaKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] key(int seed) {
    byte[] key = new byte[32];
    java.util.Arrays.fill(key, (byte) (0x10 + seed));
    return key;
  }

  private void start(Authorizer authorizer) {
    server =
        VssServer.builder(new VssService(storage, Limits.DEFAULTS))
            .authorizer(authorizer)
            .bind("127.0.0.1", 0)
            .start();
    http = new HttpCalls(server.rootUri());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
    storage.close();
  }

  private HttpCalls.Reply put(String authorization) {
    Map<String, String> headers =
        authorization == null ? Map.of() : Map.of("Authorization", authorization);
    return http.post(
        "/vss/putObjects",
        PutObjectRequest.newBuilder()
            .setStoreId("wallet")
            .addTransactionItems(
                KeyValue.newBuilder()
                    .setKey("k")
                    .setVersion(0)
                    .setValue(ByteString.copyFromUtf8("v")))
            .build(),
        headers);
  }

  private void assertRefused(String authorization, String why) {
    HttpCalls.Reply reply = put(authorization);
    assertThat(reply.status()).as(why).isEqualTo(401);
    assertThat(reply.error().getErrorCode()).as(why).isEqualTo(ErrorCode.AUTH_EXCEPTION);
    assertThat(reply.error().getMessage()).as(why).isNotBlank();
  }

  private long recordsOf(String userToken) {
    return storage.list(new Keyspace(userToken, "wallet"), "", Long.MAX_VALUE, 10).size();
  }

  // ---- signature ----------------------------------------------------------------------------

  @Test
  void signatureAuthMapsTheKeyToItsOwnKeyspace() {
    start(new SignatureAuthorizer());
    long now = Instant.now().getEpochSecond();
    SignatureAuthHeader alice = SignatureAuthHeader.forPrivateKey(ALICE);
    SignatureAuthHeader mallory = SignatureAuthHeader.forPrivateKey(MALLORY);

    assertThat(put(alice.valueAt(now)).status()).isEqualTo(200);
    assertThat(recordsOf(alice.publicKeyHex())).isEqualTo(1);

    // Another key names the same store id but sees a different keyspace.
    HttpCalls.Reply get =
        http.post(
            "/vss/getObject",
            GetObjectRequest.newBuilder().setStoreId("wallet").setKey("k").build(),
            Map.of("Authorization", mallory.valueAt(now)));
    assertThat(get.status()).isEqualTo(404);
    assertThat(get.error().getErrorCode()).isEqualTo(ErrorCode.NO_SUCH_KEY_EXCEPTION);
  }

  @Test
  void signatureAuthRefusesBadCredentials() {
    start(new SignatureAuthorizer());
    long now = Instant.now().getEpochSecond();
    SignatureAuthHeader alice = SignatureAuthHeader.forPrivateKey(ALICE);
    SignatureAuthHeader mallory = SignatureAuthHeader.forPrivateKey(MALLORY);
    String valid = alice.valueAt(now);
    int sigStart = SignatureAuthHeader.PUBLIC_KEY_HEX_CHARS;
    int sigEnd = sigStart + SignatureAuthHeader.SIGNATURE_HEX_CHARS;

    assertRefused(null, "missing");
    assertRefused(alice.valueAt(now - 25 * 3600), "expired: signed 25 h ago");
    assertRefused(alice.valueAt(now + 25 * 3600), "signed 25 h in the future");
    char flipped = valid.charAt(sigStart + 10) == '0' ? '1' : '0';
    assertRefused(
        valid.substring(0, sigStart + 10) + flipped + valid.substring(sigStart + 11),
        "tampered signature");
    assertRefused(valid.substring(0, sigEnd) + (now + 1), "tampered time");
    String malloryValue = mallory.valueAt(now);
    assertRefused(
        valid.substring(0, sigStart) + malloryValue.substring(sigStart),
        "wrong key: Alice's public key with Mallory's signature");
    assertRefused("zz" + valid.substring(2), "not hex");

    assertThat(recordsOf(alice.publicKeyHex())).isZero();
    assertThat(recordsOf(mallory.publicKeyHex())).isZero();
  }

  // ---- JWT ----------------------------------------------------------------------------------

  private static String jwt(JWTClaimsSet claims, KeyPair signer) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
      jwt.sign(new RSASSASigner((RSAPrivateKey) signer.getPrivate()));
      return "Bearer " + jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JWTClaimsSet.Builder claims(String subject, long expiresInSeconds) {
    return new JWTClaimsSet.Builder()
        .subject(subject)
        .expirationTime(Date.from(Instant.now().plusSeconds(expiresInSeconds)));
  }

  private static String issuerPem() {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(ISSUER.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  @Test
  void jwtAuthMapsTheSubjectToItsKeyspace() {
    start(new JwtAuthorizer(issuerPem()));
    assertThat(put(jwt(claims("alice", 600).build(), ISSUER)).status()).isEqualTo(200);
    assertThat(recordsOf("alice")).isEqualTo(1);
  }

  @Test
  void jwtAuthRefusesBadTokens() throws Exception {
    start(new JwtAuthorizer(issuerPem()));
    String valid = jwt(claims("alice", 600).build(), ISSUER);

    Map<String, String> refused = new LinkedHashMap<>();
    refused.put("expired", jwt(claims("alice", -3600).build(), ISSUER));
    refused.put("wrong key", jwt(claims("alice", 600).build(), STRANGER));
    refused.put("aud present", jwt(claims("alice", 600).audience("other-service").build(), ISSUER));
    String[] parts = valid.substring("Bearer ".length()).split("\\.");
    String otherPayload =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                claims("mallory", 600)
                    .build()
                    .toString()
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    refused.put("tampered payload", "Bearer " + parts[0] + "." + otherPayload + "." + parts[2]);
    SignedJWT hs256 =
        new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims("alice", 600).build());
    hs256.sign(new MACSigner(new byte[32]));
    refused.put("alg HS256", "Bearer " + hs256.serialize());
    SignedJWT rs512 =
        new SignedJWT(new JWSHeader(JWSAlgorithm.RS512), claims("alice", 600).build());
    rs512.sign(new RSASSASigner((RSAPrivateKey) ISSUER.getPrivate()));
    refused.put("alg RS512", "Bearer " + rs512.serialize());
    refused.put("no exp", jwt(new JWTClaimsSet.Builder().subject("alice").build(), ISSUER));
    refused.put("not Bearer", valid.replace("Bearer ", "Basic "));

    assertRefused(null, "missing");
    refused.forEach((why, header) -> assertRefused(header, why));
    assertThat(recordsOf("alice")).isZero();
    assertThat(recordsOf("mallory")).isZero();
  }
}
