package dev.vss.core.auth;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Primitive;

/**
 * Reads an RSA public key from PEM text, in either of the two forms operators meet: SPKI ({@code
 * BEGIN PUBLIC KEY}, what {@code openssl rsa -pubout} writes) and PKCS#1 ({@code BEGIN RSA PUBLIC
 * KEY}, what {@code openssl rsa -RSAPublicKey_out} and many JWT tools write). The JDK only reads
 * SPKI, so PKCS#1 is parsed with Bouncy Castle's ASN.1 classes.
 *
 * <p>Every failure is an {@link IllegalArgumentException} with a message an operator can act on:
 * this runs at configuration time.
 */
final class RsaPublicKeyPem {
  private static final Pattern BLOCK =
      Pattern.compile(
          "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END ([A-Z0-9 ]+)-----", Pattern.DOTALL);

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private RsaPublicKeyPem() {}

  /** Parses the single PEM block in {@code pem} as an RSA public key. */
  static RSAPublicKey parse(String pem) {
    Objects.requireNonNull(pem, "pem");
    Matcher matcher = BLOCK.matcher(pem);
    if (!matcher.find()) {
      throw new IllegalArgumentException(
          "the JWT public key is not PEM: expected a '-----BEGIN PUBLIC KEY-----' or"
              + " '-----BEGIN RSA PUBLIC KEY-----' block");
    }
    String label = matcher.group(1);
    if (!label.equals(matcher.group(3))) {
      throw new IllegalArgumentException(
          "the JWT public key PEM block begins with '"
              + label
              + "' but ends with '"
              + matcher.group(3)
              + "'");
    }
    if (!pem.substring(0, matcher.start()).isBlank() || !pem.substring(matcher.end()).isBlank()) {
      throw new IllegalArgumentException(
          "the JWT public key PEM must hold exactly one block and nothing else");
    }
    byte[] der = decodeBase64(matcher.group(2));
    switch (label) {
      case "PUBLIC KEY":
        return fromSubjectPublicKeyInfo(der);
      case "RSA PUBLIC KEY":
        return fromPkcs1(der);
      case "CERTIFICATE":
        throw new IllegalArgumentException(
            "the JWT public key PEM is a certificate; give its public key instead"
                + " (openssl x509 -pubkey -noout -in cert.pem)");
      case "PRIVATE KEY":
      case "RSA PRIVATE KEY":
      case "ENCRYPTED PRIVATE KEY":
        throw new IllegalArgumentException(
            "the JWT public key PEM holds a private key; configure the public key only"
                + " (openssl rsa -pubout -in key.pem)");
      default:
        throw new IllegalArgumentException(
            "the JWT public key PEM block is '"
                + label
                + "'; expected 'PUBLIC KEY' or 'RSA PUBLIC KEY'");
    }
  }

  private static byte[] decodeBase64(String body) {
    try {
      // The MIME decoder would silently skip stray characters; strip only line breaks and blanks
      // and decode strictly, so a damaged file fails here with a clear message.
      return Base64.getDecoder().decode(WHITESPACE.matcher(body).replaceAll(""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the JWT public key PEM body is not valid base64", e);
    }
  }

  private static RSAPublicKey fromSubjectPublicKeyInfo(byte[] der) {
    PublicKey key;
    try {
      key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(
          "the JWT public key 'PUBLIC KEY' block is not an RSA SubjectPublicKeyInfo", e);
    }
    return (RSAPublicKey) key;
  }

  private static RSAPublicKey fromPkcs1(byte[] der) {
    BigInteger modulus;
    BigInteger exponent;
    try {
      org.bouncycastle.asn1.pkcs.RSAPublicKey pkcs1 =
          org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(ASN1Primitive.fromByteArray(der));
      modulus = pkcs1.getModulus();
      exponent = pkcs1.getPublicExponent();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "the JWT public key 'RSA PUBLIC KEY' block is not a PKCS#1 RSAPublicKey", e);
    }
    try {
      return (RSAPublicKey)
          KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, exponent));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(
          "the JWT public key 'RSA PUBLIC KEY' block is not a usable RSA key", e);
    }
  }
}
