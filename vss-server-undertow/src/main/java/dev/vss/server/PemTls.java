package dev.vss.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.jspecify.annotations.NullMarked;

/**
 * Builds a server's {@link SSLContext} from PEM files, with the JDK's own providers: a certificate
 * chain ({@code CERTIFICATE} blocks, leaf first) and an unencrypted private key as PKCS#8 ({@code
 * PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}). The legacy
 * formats are re-wrapped as PKCS#8 with Bouncy Castle's ASN.1 classes, which vss-core already
 * ships; no PEM library is needed.
 *
 * <p>The command-line server loads its {@code --tls-cert} and {@code --tls-key} with it; an
 * embedder can do the same and pass the context to {@link VssServer.Builder#tls}.
 */
@NullMarked
public final class PemTls {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
  private static final char[] NO_PASSWORD = new char[0];

  /** RFC 8410 Ed25519. */
  private static final ASN1ObjectIdentifier ID_ED25519 = new ASN1ObjectIdentifier("1.3.101.112");

  private PemTls() {}

  /**
   * A certificate or key file that cannot serve TLS: unreadable, not PEM, encrypted, or a key that
   * does not belong to the certificate. The message is one line naming the file and the setting it
   * came from.
   */
  public static final class PemException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PemException(String message) {
      super(message, null, false, false);
    }

    PemException(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }

  /**
   * Loads {@code certFile} and {@code keyFile} into a TLS server context.
   *
   * @param certFile the certificate chain, leaf first
   * @param certSource where the certificate path was set, for messages (such as {@code --tls-cert})
   * @param keyFile the unencrypted private key of the leaf certificate
   * @param keySource where the key path was set, for messages
   * @return a context for {@link VssServer.Builder#tls}
   * @throws PemException naming the file at fault, including a key that does not belong to the
   *     certificate
   */
  public static SSLContext serverContext(
      Path certFile, String certSource, Path keyFile, String keySource) {
    X509Certificate[] chain = readChain(certFile, certSource);
    PrivateKey key = readKey(keyFile, keySource);
    requireMatch(chain[0], key, certSource, keySource);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("vss-server", key, NO_PASSWORD, chain);
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, NO_PASSWORD);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, new SecureRandom());
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new PemException(
          "cannot use " + certSource + " and " + keySource + " for TLS: " + e.getMessage(), e);
    }
  }

  static X509Certificate[] readChain(Path file, String source) {
    String pem = read(file, source);
    try {
      Collection<? extends Certificate> certificates =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(
                  new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
      if (certificates.isEmpty()) {
        throw new PemException("invalid " + source + ": no CERTIFICATE block in " + file);
      }
      return certificates.stream().map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
    } catch (java.security.cert.CertificateException e) {
      throw new PemException(
          "invalid " + source + ": " + file + " holds no readable PEM certificate", e);
    }
  }

  static PrivateKey readKey(Path file, String source) {
    String pem = read(file, source);
    Matcher block = BLOCK.matcher(pem);
    while (block.find()) {
      String type = block.group(1);
      if (type.equals("EC PARAMETERS")) {
        continue; // openssl writes the curve before an EC key; the key names it again
      }
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(block.group(2));
      } catch (IllegalArgumentException e) {
        throw new PemException("invalid " + source + ": bad base64 in " + file, e);
      }
      try {
        switch (type) {
          case "PRIVATE KEY":
            return pkcs8(der);
          case "RSA PRIVATE KEY":
            return pkcs8(
                new PrivateKeyInfo(
                        new AlgorithmIdentifier(
                            PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
                        ASN1Primitive.fromByteArray(der))
                    .getEncoded());
          case "EC PRIVATE KEY":
            ECPrivateKey sec1 = ECPrivateKey.getInstance(der);
            if (sec1.getParametersObject() == null) {
              throw new PemException(
                  "invalid " + source + ": the EC key in " + file + " does not name its curve");
            }
            return pkcs8(
                new PrivateKeyInfo(
                        new AlgorithmIdentifier(
                            X9ObjectIdentifiers.id_ecPublicKey, sec1.getParametersObject()),
                        sec1)
                    .getEncoded());
          case "ENCRYPTED PRIVATE KEY":
            throw new PemException(
                "invalid "
                    + source
                    + ": the key in "
                    + file
                    + " is encrypted; decrypt it first (openssl pkcs8 -in KEY -out PLAIN.key)");
          default:
            throw new PemException(
                "invalid "
                    + source
                    + ": "
                    + file
                    + " holds a "
                    + type
                    + ", expected a PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY");
        }
      } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
        throw new PemException(
            "invalid " + source + ": " + file + " holds no readable private key", e);
      }
    }
    throw new PemException("invalid " + source + ": no PEM private key in " + file);
  }

  private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
    ASN1ObjectIdentifier algorithm =
        PrivateKeyInfo.getInstance(der).getPrivateKeyAlgorithm().getAlgorithm();
    String name;
    if (algorithm.equals(PKCSObjectIdentifiers.rsaEncryption)) {
      name = "RSA";
    } else if (algorithm.equals(PKCSObjectIdentifiers.id_RSASSA_PSS)) {
      name = "RSASSA-PSS";
    } else if (algorithm.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
      name = "EC";
    } else if (algorithm.equals(ID_ED25519)) {
      name = "Ed25519";
    } else {
      throw new GeneralSecurityException("unsupported key algorithm " + algorithm);
    }
    return KeyFactory.getInstance(name).generatePrivate(new PKCS8EncodedKeySpec(der));
  }

  /** Signs and verifies a probe, so a key from another certificate fails at start, not later. */
  private static void requireMatch(
      X509Certificate leaf, PrivateKey key, String certSource, String keySource) {
    String algorithm;
    switch (key.getAlgorithm()) {
      case "RSA":
        algorithm = "SHA256withRSA";
        break;
      case "EC":
        algorithm = "SHA256withECDSA";
        break;
      default:
        algorithm = key.getAlgorithm(); // Ed25519 and friends name their own signature
        break;
    }
    try {
      byte[] probe = "vss-server key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(leaf.getPublicKey());
      verifier.update(probe);
      if (!verifier.verify(signature)) {
        throw new PemException(
            "the key in " + keySource + " does not belong to the certificate in " + certSource);
      }
    } catch (GeneralSecurityException e) {
      throw new PemException(
          "the key in " + keySource + " does not belong to the certificate in " + certSource, e);
    }
  }

  private static String read(Path file, String source) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new PemException(
          "invalid " + source + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")",
          e);
    }
  }
}
