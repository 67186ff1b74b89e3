package dev.vss.testkit.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vss.core.Limits;
import dev.vss.core.auth.JwtAuthorizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The black-box runner in this JVM against {@link MiniVssHttpServer} (a VssService behind the JDK's
 * HTTP server) configured with JWT authentication and non-default limits: {@code --auth jwt} in
 * both forms, and {@code --limits}, which is what makes the limit scenarios pass there.
 */
class ConformanceRunnerTest {
  /** Non-default limits; pages of 9 at most, which the consistency workloads do not fit. */
  private static final String LIMITS =
      "items=20,key-length=40,store-id-length=30,value-bytes=1000,page-size=7,max-page-size=9";

  private static KeyPair issuer;

  @TempDir Path dir;

  @BeforeAll
  static void generateIssuerKey() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    issuer = generator.generateKeyPair();
  }

  @Test
  void jwtMintedPerUserAndNonDefaultLimitsPass() throws Exception {
    try (MiniVssHttpServer server = server()) {
      Path key = writePrivateKey();

      Run run =
          run(
              "--url",
              server.api().toString(),
              "--auth",
              "jwt",
              "--jwt-private-key",
              key.toString(),
              "--limits",
              LIMITS,
              "--only",
              "header,conformance,consistency,property");

      assertThat(run.output())
          .contains(
              "with limits " + LIMITS,
              "PASS  WireConformanceScenarios > itemLimitIsInclusive()",
              "PASS  WireConformanceScenarios > keyLengthLimitIsInclusive()",
              "PASS  WireConformanceScenarios > valueSizeLimitIsInclusive()",
              "PASS  WireConformanceScenarios > usersAreIsolatedInTheSameStore()",
              "PASS  WireModelProperties > endpointAnswersLikeTheReferenceModel",
              "SKIP  WireConformanceScenarios > largeValueRoundTrips()",
              "SKIP  WireConsistencyChecks\n    the consistency workloads need 10 items per put and "
                  + "pages of 10; the limits allow 20 items and pages of 9",
              " 0 failed, ");
      assertThat(run.status()).as("exit status; report:\n%s", run.output()).isZero();
    }
  }

  @Test
  void withoutLimitsTheLimitScenariosFailAgainstThatServer() throws Exception {
    try (MiniVssHttpServer server = server()) {
      Run run =
          run(
              "--url",
              server.api().toString(),
              "--auth",
              "jwt",
              "--jwt-private-key",
              writePrivateKey().toString(),
              "--only",
              "conformance");

      assertThat(run.status()).as("exit status; report:\n%s", run.output()).isEqualTo(1);
      assertThat(run.output())
          .contains(
              "FAIL  WireConformanceScenarios > itemLimitIsInclusive()",
              "FAIL  WireConformanceScenarios > keyLengthLimitIsInclusive()");
    }
  }

  @Test
  void oneFixedJwtIsOneUser() throws Exception {
    try (MiniVssHttpServer server = server()) {
      String token =
          JwtCredentials.mintingWith((RSAPrivateKey) issuer.getPrivate())
              .authorization("the-only-user")
              .substring("Bearer ".length());

      Run run =
          run(
              "--url",
              server.api().toString(),
              "--auth",
              "jwt",
              "--jwt-token",
              token,
              "--limits",
              LIMITS,
              "--only",
              "header,conformance,property");

      assertThat(run.output())
          .contains(
              "one user: store ids prefixed per check",
              "PASS  WireConformanceScenarios > createStoresVersionOne()",
              "PASS  WireConformanceScenarios > storeIdLengthLimitIsInclusive()",
              "PASS  WireModelProperties > endpointAnswersLikeTheReferenceModel",
              "SKIP  WireConformanceScenarios > usersAreIsolatedInTheSameStore()",
              "needs capability SEVERAL_USERS");
      assertThat(run.status()).as("exit status; report:\n%s", run.output()).isZero();
    }
  }

  @Test
  void aJwtTheServerRefusesFailsWithTheResponse() throws Exception {
    try (MiniVssHttpServer server = server()) {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      String foreign =
          JwtCredentials.mintingWith((RSAPrivateKey) generator.generateKeyPair().getPrivate())
              .authorization("someone")
              .substring("Bearer ".length());

      Run run =
          run(
              "--url",
              server.api().toString(),
              "--auth",
              "jwt",
              "--jwt-token",
              foreign,
              "--limits",
              LIMITS,
              "--only",
              "conformance");

      assertThat(run.status()).as("exit status; report:\n%s", run.output()).isEqualTo(1);
      assertThat(run.output())
          .contains(
              "FAIL  WireConformanceScenarios > createStoresVersionOne()",
              "-> 401 ErrorResponse{error_code: AUTH_EXCEPTION");
    }
  }

  @Test
  void usageErrorsExitWithTwo() throws Exception {
    assertThat(run("--url", "http://127.0.0.1:1/vss", "--auth", "jwt").output())
        .contains("--auth jwt needs exactly one of --jwt-private-key PEM_FILE and --jwt-token");
    assertThat(run("--url", "http://127.0.0.1:1/vss", "--auth", "jwt").status()).isEqualTo(2);
    assertThat(run("--url", "http://127.0.0.1:1/vss", "--jwt-token", "x").status()).isEqualTo(2);
    assertThat(run("--url", "http://127.0.0.1:1/vss", "--limits", "items=0").output())
        .contains("--limits: items must be positive");
    Path pkcs1 =
        Files.writeString(
            dir.resolve("old.pem"),
            "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    assertThat(
            run(
                    "--url",
                    "http://127.0.0.1:1/vss",
                    "--auth",
                    "jwt",
                    "--jwt-private-key",
                    pkcs1.toString())
                .output())
        .contains("openssl pkcs8 -topk8");
  }

  @Test
  void limitsAreParsedOverTheSpecDefaults() {
    assertThat(ConformanceRunner.parseLimits("items=20, value-bytes=1000"))
        .isEqualTo(Limits.DEFAULTS.withMaxItemsPerPut(20).withMaxValueBytes(1000));
    assertThat(ConformanceRunner.parseLimits("page-size=500"))
        .isEqualTo(Limits.DEFAULTS.withPageSizes(500, 500));
    assertThat(ConformanceRunner.parseLimits("max-page-size=50"))
        .isEqualTo(Limits.DEFAULTS.withPageSizes(50, 50));
    assertThat(ConformanceRunner.parseLimits(LIMITS))
        .isEqualTo(
            Limits.DEFAULTS
                .withMaxItemsPerPut(20)
                .withMaxKeyLength(40)
                .withMaxStoreIdLength(30)
                .withMaxValueBytes(1000)
                .withPageSizes(7, 9));
    assertThat(ConformanceRunner.describe(ConformanceRunner.parseLimits(LIMITS))).isEqualTo(LIMITS);
    assertThatThrownBy(() -> ConformanceRunner.parseLimits("page-size=10,max-page-size=5"))
        .hasMessageContaining("above max-page-size");
    assertThatThrownBy(() -> ConformanceRunner.parseLimits("pages=5"))
        .hasMessageContaining("unknown limit pages");
  }

  private MiniVssHttpServer server() throws Exception {
    String publicPem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(issuer.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n";
    return new MiniVssHttpServer(
        ConformanceRunner.parseLimits(LIMITS), new JwtAuthorizer(publicPem));
  }

  private Path writePrivateKey() throws Exception {
    return Files.writeString(
        dir.resolve("issuer.pem"),
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(issuer.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n");
  }

  private record Run(int status, String output) {}

  private static Run run(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int status;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      status = ConformanceRunner.run(args, out);
    }
    return new Run(status, bytes.toString(StandardCharsets.UTF_8));
  }
}
