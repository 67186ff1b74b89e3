package dev.vss.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.spi.StorageException;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TLS to PostgreSQL ({@link PostgresOptions#withTls}, the reference's {@code
 * [postgresql_config.tls]} with {@code crt_pem}): a server of its own runs with {@code ssl=on} and
 * a certificate for {@code 127.0.0.1} issued by a root made here, which the JVM does not trust.
 * With that root as the extra PEM root the store opens, and its connections are encrypted; with
 * another root, or with the right root for a certificate naming another host, opening is refused
 * with one line.
 */
class TlsTest {
  private static Issuer root;
  private static TestPostgres postgres;

  @BeforeAll
  static void startServerWithTls() throws Exception {
    root = Issuer.root("VSS test root");
    KeyPair serverKeys = Issuer.keyPair();
    X509Certificate server =
        root.issue(
            "127.0.0.1",
            serverKeys,
            new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
            new GeneralName(GeneralName.dNSName, "localhost"));
    postgres =
        TestPostgres.startEmbedded(
            false,
            Map.of(
                "server.crt",
                Issuer.pem("CERTIFICATE", server.getEncoded()),
                "server.key",
                Issuer.pem("PRIVATE KEY", serverKeys.getPrivate().getEncoded())),
            // 127.0.0.2 reaches the same server under a name its certificate does not hold
            List.of("ssl=on", "listen_addresses=127.0.0.1,127.0.0.2"));
  }

  @AfterAll
  static void stopServer() {
    if (postgres != null) {
      postgres.stop();
    }
  }

  @Test
  void verifiesTheServerAgainstTheExtraRootAndEncryptsEveryConnection() throws Exception {
    String database = TestPostgres.uniqueDatabase("tls");
    PostgresOptions options = postgres.options(database).withTls(Optional.of(root.pem()));
    try (PostgresStorage storage = PostgresStorage.open(options)) {
      VssService vss = new VssService(storage, Limits.DEFAULTS);
      vss.putObjects(
          "alice",
          PutObjectRequest.newBuilder()
              .setStoreId("s")
              .addTransactionItems(
                  KeyValue.newBuilder()
                      .setKey("k")
                      .setVersion(0)
                      .setValue(ByteString.copyFromUtf8("over TLS")))
              .build());
      KeyValue read =
          vss.getObject("alice", GetObjectRequest.newBuilder().setStoreId("s").setKey("k").build())
              .getValue();
      assertThat(read.getValue().toStringUtf8()).isEqualTo("over TLS");
      assertThat(read.getVersion()).isEqualTo(1);

      // Seen from the server: every connection of the store's pools uses TLS.
      try (Connection plain = postgres.connect("postgres");
          Statement statement = plain.createStatement();
          ResultSet row =
              statement.executeQuery(
                  "SELECT count(*), count(*) FILTER (WHERE s.ssl)"
                      + " FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid)"
                      + " WHERE a.application_name = 'vss-jvm' AND a.datname = '"
                      + database
                      + "'")) {
        row.next();
        assertThat(row.getInt(1)).as("the store's connections").isPositive();
        assertThat(row.getInt(2)).as("of them, encrypted").isEqualTo(row.getInt(1));
      }
    }
  }

  @Test
  void aServerCertificateFromAnotherRootIsRefusedWithOneLine() throws Exception {
    String other = Issuer.root("Someone else's root").pem();
    PostgresOptions options =
        postgres.options(TestPostgres.uniqueDatabase("tls")).withTls(Optional.of(other));
    assertThatThrownBy(() -> PostgresStorage.open(options))
        .isInstanceOf(StorageException.class)
        .hasNoCause()
        .message()
        .startsWith("cannot connect to PostgreSQL at 127.0.0.1:" + postgres.port())
        .endsWith(
            "the server's TLS certificate is not trusted: it does not chain to the JVM's"
                + " trusted roots or to the configured root certificate (crt_pem)")
        .doesNotContain("\n", "sun.security", "Exception", "SELECT", "CREATE");
  }

  @Test
  void aCertificateForAnotherHostIsRefusedWithOneLine() throws Exception {
    PostgresOptions options =
        PostgresOptions.reference(
                "postgres",
                "postgres",
                "127.0.0.2:" + postgres.port(),
                "postgres",
                TestPostgres.uniqueDatabase("tls"))
            .withTls(Optional.of(root.pem()));
    assertThatThrownBy(() -> PostgresStorage.open(options))
        .isInstanceOf(StorageException.class)
        .hasNoCause()
        .message()
        .startsWith("cannot connect to PostgreSQL at 127.0.0.2:" + postgres.port())
        .containsIgnoringCase("hostname")
        .doesNotContain("\n");
  }

  @Test
  void withoutTheExtraRootTheJvmRootsAloneRefuseTheServer() {
    PostgresOptions options =
        postgres.options(TestPostgres.uniqueDatabase("tls")).withTls(Optional.empty());
    assertThatThrownBy(() -> PostgresStorage.open(options))
        .isInstanceOf(StorageException.class)
        .hasNoCause()
        .message()
        .startsWith("cannot connect to PostgreSQL at 127.0.0.1:" + postgres.port())
        .endsWith(
            "the server's TLS certificate is not trusted: it does not chain to the JVM's"
                + " trusted roots or to the configured root certificate (crt_pem)");
  }

  /** A certificate authority made for the test. */
  private record Issuer(X500Name name, KeyPair keys, X509Certificate certificate) {
    static KeyPair keyPair() throws GeneralSecurityException {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    }

    static Issuer root(String commonName) throws Exception {
      KeyPair keys = keyPair();
      X500Name name = new X500Name("CN=" + commonName);
      X509v3CertificateBuilder builder =
          builder(name, name, keys)
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      return new Issuer(name, keys, sign(builder, keys.getPrivate()));
    }

    X509Certificate issue(String commonName, KeyPair subject, GeneralName... names)
        throws Exception {
      X509v3CertificateBuilder builder =
          builder(name, new X500Name("CN=" + commonName), subject)
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
              .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
      return sign(builder, keys.getPrivate());
    }

    String pem() throws GeneralSecurityException {
      return pem("CERTIFICATE", certificate.getEncoded());
    }

    static String pem(String type, byte[] der) {
      return "-----BEGIN "
          + type
          + "-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
          + "\n-----END "
          + type
          + "-----\n";
    }

    private static X509v3CertificateBuilder builder(
        X500Name issuer, X500Name subject, KeyPair keys) {
      Instant now = Instant.now();
      return new JcaX509v3CertificateBuilder(
          issuer,
          new BigInteger(64, new SecureRandom()),
          Date.from(now.minus(Duration.ofHours(1))),
          Date.from(now.plus(Duration.ofDays(1))),
          subject,
          keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
        throws GeneralSecurityException, OperatorCreationException {
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }
  }
}
