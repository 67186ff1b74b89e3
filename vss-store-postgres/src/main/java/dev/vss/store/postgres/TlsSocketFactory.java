package dev.vss.store.postgres;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.NullMarked;

/**
 * The TLS sockets the driver uses with {@code sslfactory}: the server's certificate must chain to
 * one of the JVM's trusted roots or to the extra root certificate(s) given as PEM, as the reference
 * server's {@code crt_pem} adds one to the system's roots. The driver itself checks the host name
 * ({@code sslmode=verify-full}).
 *
 * <p>Public only because the driver instantiates it by name, with the connection's properties.
 */
@NullMarked
public final class TlsSocketFactory extends SSLSocketFactory {
  /** The connection property holding the extra PEM root certificate(s). */
  static final String EXTRA_ROOT_PEM_PROPERTY = "vssExtraRootCertificatePem";

  private final SSLSocketFactory delegate;

  /**
   * Builds the factory from the connection's properties.
   *
   * @throws GeneralSecurityException if the PEM cannot be parsed or the JVM's roots cannot be read
   */
  public TlsSocketFactory(Properties info) throws GeneralSecurityException {
    KeyStore roots = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      roots.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException("cannot create a trust store", e);
    }
    int alias = 0;
    TrustManagerFactory jvm =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    jvm.init((KeyStore) null);
    for (TrustManager manager : jvm.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        for (X509Certificate issuer : x509.getAcceptedIssuers()) {
          roots.setCertificateEntry("jvm-" + alias++, issuer);
        }
      }
    }
    String pem = info == null ? null : info.getProperty(EXTRA_ROOT_PEM_PROPERTY);
    if (pem != null && !pem.isBlank()) {
      Collection<? extends Certificate> extra =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(
                  new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
      if (extra.isEmpty()) {
        throw new GeneralSecurityException("the PEM root certificate holds no certificate");
      }
      for (Certificate certificate : extra) {
        roots.setCertificateEntry("extra-" + alias++, certificate);
      }
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(roots);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    delegate = context.getSocketFactory();
  }

  @Override
  public String[] getDefaultCipherSuites() {
    return delegate.getDefaultCipherSuites();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return delegate.getSupportedCipherSuites();
  }

  @Override
  public Socket createSocket(Socket socket, String host, int port, boolean autoClose)
      throws IOException {
    return delegate.createSocket(socket, host, port, autoClose);
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return delegate.createSocket(host, port);
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return delegate.createSocket(host, port, localHost, localPort);
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return delegate.createSocket(host, port);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return delegate.createSocket(address, port, localAddress, localPort);
  }
}
