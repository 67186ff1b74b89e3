package dev.vss.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The test certificates and keys in {@code src/test/resources/tls} (see its README), as files: a
 * server is configured with paths, and from the test-jar the resources are inside a jar.
 */
public final class TlsFiles {
  private TlsFiles() {}

  /** The resource {@code tls/<name>} as a file (copied out of the jar when it is in one). */
  public static Path resource(String name) {
    String resource = "/tls/" + name;
    try (InputStream in = TlsFiles.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no test resource " + resource);
      }
      Path dir = Files.createTempDirectory("vss-tls");
      dir.toFile().deleteOnExit();
      Path file = dir.resolve(name);
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A client context trusting exactly the certificate {@code certName}. */
  public static SSLContext trusting(String certName) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(resource(certName))) {
      trust.setCertificateEntry(
          "server", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }
}
