package dev.vss.server;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.vss.core.auth.JwtAuthorizer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A JWT issuer for tests: one RSA key, and one cached {@code Bearer} token per user token whose
 * {@code sub} is that user token, so the server's keyspace is named exactly as the test names it.
 */
public final class JwtCredentials {
  private final KeyPair keys;
  private final Map<String, String> tokens = new ConcurrentHashMap<>();

  public JwtCredentials() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      keys = generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The issuer's public key as PEM text, as an operator would configure it. */
  public String publicKeyPem() {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(keys.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  /** An authorizer trusting this issuer. */
  public JwtAuthorizer authorizer() {
    return new JwtAuthorizer(publicKeyPem());
  }

  /** The {@code Authorization} header value for {@code userToken}, valid for an hour. */
  public String authorization(String userToken) {
    return tokens.computeIfAbsent(
        userToken,
        user -> {
          try {
            SignedJWT jwt =
                new SignedJWT(
                    new JWSHeader(JWSAlgorithm.RS256),
                    new JWTClaimsSet.Builder()
                        .subject(user)
                        .expirationTime(Date.from(Instant.now().plusSeconds(3600)))
                        .build());
            jwt.sign(new RSASSASigner((RSAPrivateKey) keys.getPrivate()));
            return "Bearer " + jwt.serialize();
          } catch (JOSEException e) {
            throw new IllegalStateException(e);
          }
        });
  }
}
