package dev.vss.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.auth.NoAuthorizer;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.GetObjectResponse;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** HTTPS from PEM files: every supported key format, and clear errors for bad files. */
class TlsTest {
  @TempDir Path dir;

  private static Path resource(String name) {
    return TlsFiles.resource(name);
  }

  private static SSLContext trusting(String certName) throws Exception {
    return TlsFiles.trusting(certName);
  }

  @ParameterizedTest
  @CsvSource({
    "rsa.crt, rsa-pkcs8.key",
    "rsa.crt, rsa-pkcs1.key",
    "ec.crt, ec-pkcs8.key",
    "ec.crt, ec-sec1.key"
  })
  void servesHttpsWithEachKeyFormat(String cert, String key) throws Exception {
    SSLContext context =
        PemTls.serverContext(resource(cert), "--tls-cert", resource(key), "--tls-key");
    try (InMemoryStorage storage = new InMemoryStorage()) {
      VssServer server =
          VssServer.builder(new VssService(storage, Limits.DEFAULTS))
              .authorizer(new NoAuthorizer())
              .bind("127.0.0.1", 0)
              .tls(context)
              .start();
      try {
        assertThat(server.isTls()).isTrue();
        assertThat(server.baseUri().getScheme()).isEqualTo("https");
        HttpCalls https = new HttpCalls(server.rootUri(), trusting(cert));
        assertThat(
                https
                    .post(
                        "/vss/putObjects",
                        PutObjectRequest.newBuilder()
                            .addTransactionItems(
                                KeyValue.newBuilder()
                                    .setKey("k")
                                    .setVersion(0)
                                    .setValue(ByteString.copyFromUtf8("v")))
                            .build(),
                        Map.of())
                    .status())
            .isEqualTo(200);
        HttpCalls.Reply get =
            https.post(
                "/vss/getObject", GetObjectRequest.newBuilder().setKey("k").build(), Map.of());
        assertThat(GetObjectResponse.parseFrom(get.body()).getValue().getValue().toStringUtf8())
            .isEqualTo("v");

        HttpCalls plain =
            new HttpCalls(java.net.URI.create("http://127.0.0.1:" + server.address().getPort()));
        assertThatThrownBy(() -> plain.call("GET", "/health"))
            .as("plain HTTP is not served on the HTTPS port")
            .isInstanceOf(UncheckedIOException.class);
      } finally {
        server.stop();
      }
    }
  }

  @Test
  void aKeyOfAnotherCertificateIsRefused() {
    assertThatThrownBy(
            () ->
                PemTls.serverContext(
                    resource("rsa.crt"), "--tls-cert", resource("ec-pkcs8.key"), "--tls-key"))
        .isInstanceOf(PemTls.PemException.class)
        .hasMessageContaining("--tls-key")
        .hasMessageContaining("does not belong");
  }

  /** The public key of {@code rsa.crt} as a PEM {@code PUBLIC KEY} block: not a private key. */
  private static String rsaPublicKeyPem() throws Exception {
    try (InputStream in = Files.newInputStream(resource("rsa.crt"))) {
      byte[] der =
          CertificateFactory.getInstance("X.509")
              .generateCertificate(in)
              .getPublicKey()
              .getEncoded();
      return "-----BEGIN PUBLIC KEY-----\n"
          + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
          + "\n-----END PUBLIC KEY-----\n";
    }
  }

  @Test
  void badFilesAreNamed() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.pem"), "");
    Path encrypted =
        Files.writeString(
            dir.resolve("enc.key"),
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
    Path publicKey = Files.writeString(dir.resolve("pub.pem"), rsaPublicKeyPem());
    Path garbage =
        Files.writeString(
            dir.resolve("garbage.key"),
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");

    assertThatThrownBy(
            () ->
                PemTls.serverContext(
                    empty, "VSS_TLS_CERT", resource("rsa-pkcs8.key"), "VSS_TLS_KEY"))
        .isInstanceOf(PemTls.PemException.class)
        .hasMessageContaining("VSS_TLS_CERT");
    assertThatThrownBy(
            () -> PemTls.serverContext(resource("rsa.crt"), "--tls-cert", encrypted, "--tls-key"))
        .isInstanceOf(PemTls.PemException.class)
        .hasMessageContaining("encrypted");
    assertThatThrownBy(
            () -> PemTls.serverContext(resource("rsa.crt"), "--tls-cert", publicKey, "--tls-key"))
        .isInstanceOf(PemTls.PemException.class)
        .hasMessageContaining("PUBLIC KEY");
    assertThatThrownBy(
            () -> PemTls.serverContext(resource("rsa.crt"), "--tls-cert", garbage, "--tls-key"))
        .isInstanceOf(PemTls.PemException.class)
        .hasMessageContaining("--tls-key");
    assertThatThrownBy(
            () ->
                PemTls.serverContext(
                    resource("rsa.crt"), "--tls-cert", resource("rsa.crt"), "--tls-key"))
        .isInstanceOf(PemTls.PemException.class)
        .hasMessageContaining("CERTIFICATE");
  }
}
