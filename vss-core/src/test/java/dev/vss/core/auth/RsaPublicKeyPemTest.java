package dev.vss.core.auth;

import static dev.vss.core.auth.JwtAuthorizerTest.TRUSTED;
import static dev.vss.core.auth.JwtAuthorizerTest.pem;
import static dev.vss.core.auth.JwtAuthorizerTest.publicKey;
import static dev.vss.core.auth.JwtAuthorizerTest.spkiPem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PEM reading. The fixtures under test resources were written by OpenSSL 3 ({@code openssl rsa
 * -pubout} and {@code -RSAPublicKey_out} of one 2048-bit key), so the PKCS#1 path is checked
 * against output this code did not produce.
 */
class RsaPublicKeyPemTest {
  private static String resource(String name) throws IOException {
    try (InputStream in = RsaPublicKeyPemTest.class.getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  @Test
  void opensslSpkiAndPkcs1GiveTheSameKey() throws Exception {
    String spki = resource("test-rsa-public-spki.pem");
    String pkcs1 = resource("test-rsa-public-pkcs1.pem");
    assertThat(pkcs1).startsWith("-----BEGIN RSA PUBLIC KEY-----");

    // The JDK alone, as the independent reading of the SPKI file.
    String body = spki.replaceAll("-----[A-Z ]+-----", "");
    RSAPublicKey expected =
        (RSAPublicKey)
            KeyFactory.getInstance("RSA")
                .generatePublic(
                    new X509EncodedKeySpec(Base64.getMimeDecoder().decode(body.strip())));

    RSAPublicKey fromSpki = RsaPublicKeyPem.parse(spki);
    RSAPublicKey fromPkcs1 = RsaPublicKeyPem.parse(pkcs1);
    assertThat(fromSpki.getModulus()).isEqualTo(expected.getModulus());
    assertThat(fromPkcs1.getModulus()).isEqualTo(expected.getModulus());
    assertThat(fromPkcs1.getPublicExponent()).isEqualTo(expected.getPublicExponent());
    assertThat(fromPkcs1.getModulus().bitLength()).isEqualTo(2048);
    assertThat(new JwtAuthorizer(pkcs1, Clock.systemUTC())).isNotNull();
  }

  @Test
  void rejectsAn1024BitOpensslKey() throws Exception {
    String small = resource("test-rsa1024-public-spki.pem");
    assertThat(RsaPublicKeyPem.parse(small).getModulus().bitLength()).isEqualTo(1024);
    assertThatThrownBy(() -> new JwtAuthorizer(small))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 2048 bits");
  }

  @Test
  void rejectsAnEcKey() throws Exception {
    String ec = resource("test-ec-public-spki.pem");
    assertThatThrownBy(() -> RsaPublicKeyPem.parse(ec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an RSA SubjectPublicKeyInfo");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "not a pem", "-----BEGIN PUBLIC KEY-----\nAAAA"})
  void rejectsTextWithoutAPemBlock(String text) {
    assertThatThrownBy(() -> RsaPublicKeyPem.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not PEM");
  }

  @Test
  void rejectsMismatchedLabels() {
    String text = spkiPem(publicKey(TRUSTED)).replace("END PUBLIC KEY", "END RSA PUBLIC KEY");
    assertThatThrownBy(() -> RsaPublicKeyPem.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ends with");
  }

  @Test
  void rejectsTextAroundTheBlockAndSecondBlocks() {
    String one = spkiPem(publicKey(TRUSTED));
    for (String text : new String[] {"comment\n" + one, one + "trailer", one + one}) {
      assertThatThrownBy(() -> RsaPublicKeyPem.parse(text))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("exactly one block");
    }
  }

  @Test
  void rejectsBadBase64() {
    String damaged = pem("PUBLIC KEY", new byte[0]).replace("\n\n", "\n#!*\n");
    assertThatThrownBy(() -> RsaPublicKeyPem.parse(damaged))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("base64");
  }

  @Test
  void rejectsDerThatIsNotAKey() {
    byte[] garbage = "definitely not DER".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> RsaPublicKeyPem.parse(pem("PUBLIC KEY", garbage)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SubjectPublicKeyInfo");
    assertThatThrownBy(() -> RsaPublicKeyPem.parse(pem("RSA PUBLIC KEY", garbage)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PKCS#1");
    // SPKI bytes under the PKCS#1 label: a SEQUENCE, but not of two integers.
    byte[] spki = TRUSTED.getPublic().getEncoded();
    assertThatThrownBy(() -> RsaPublicKeyPem.parse(pem("RSA PUBLIC KEY", spki)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PKCS#1");
  }

  @Test
  void rejectsPkcs1WithTrailingBytes() throws Exception {
    byte[] der =
        new org.bouncycastle.asn1.pkcs.RSAPublicKey(
                publicKey(TRUSTED).getModulus(), publicKey(TRUSTED).getPublicExponent())
            .getEncoded();
    byte[] longer = Arrays.copyOf(der, der.length + 2);
    assertThatThrownBy(() -> RsaPublicKeyPem.parse(pem("RSA PUBLIC KEY", longer)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PKCS#1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"PRIVATE KEY", "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY"})
  void rejectsPrivateKeysWithAHint(String label) {
    assertThatThrownBy(() -> RsaPublicKeyPem.parse(pem(label, TRUSTED.getPrivate().getEncoded())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("private key")
        .hasMessageContaining("-pubout");
  }

  @Test
  void rejectsCertificatesWithAHint() {
    assertThatThrownBy(() -> RsaPublicKeyPem.parse(pem("CERTIFICATE", new byte[] {0x30, 0})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("certificate")
        .hasMessageContaining("x509 -pubkey");
  }

  @Test
  void rejectsUnknownLabels() {
    assertThatThrownBy(() -> RsaPublicKeyPem.parse(pem("EC PUBLIC KEY", new byte[] {0x30, 0})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected 'PUBLIC KEY' or 'RSA PUBLIC KEY'");
  }
}
