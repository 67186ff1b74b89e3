package dev.vss.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The testkit's black-box runner ({@code vss-testkit-<version>-runner.jar}) against the packaged
 * server jar, both as separate processes, as anyone testing a VSS server runs it.
 */
class ConformanceRunnerIT {
  @TempDir Path dir;

  /** Our server passes every check that works over the wire, with signature auth. */
  @Test
  void ourServerPassesTheBlackBoxRunner() throws Exception {
    try (ServerProcess server =
        ServerProcess.start(
            Map.of(), dir, "--bind", "127.0.0.1:0", "--store", "memory", "--auth", "signature")) {
      URI api = server.awaitListening();

      Run run = runRunner(dir.resolve("report.txt"), "--url", api.toString());

      assertThat(run.output())
          .contains(
              "PASS  WireConformanceScenarios > createStoresVersionOne()",
              "PASS  ProtocolVersionHeaderCheck > protocol version header",
              "PASS  WireModelProperties > endpointAnswersLikeTheReferenceModel",
              "PASS  WireConsistencyChecks > historiesOfOneKeyspaceAreLinearizable()",
              "PASS  WireConcurrencyRaces > ",
              " 0 failed, ");
      assertThat(run.status()).as("exit status; report:\n%s", run.output()).isZero();
    }
  }

  /**
   * Our server with JWT authentication passes the runner in JWT mode: the runner mints one RS256
   * token per user token with the issuer's private key, and the server checks them with the public
   * key.
   */
  @Test
  void ourServerWithJwtAuthPassesTheRunnerInJwtMode() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair issuer = generator.generateKeyPair();
    Path publicKey =
        Files.writeString(
            dir.resolve("jwt-public.pem"), pem("PUBLIC KEY", issuer.getPublic().getEncoded()));
    Path privateKey =
        Files.writeString(
            dir.resolve("jwt-private.pem"), pem("PRIVATE KEY", issuer.getPrivate().getEncoded()));
    try (ServerProcess server =
        ServerProcess.start(
            Map.of(),
            dir,
            "--bind",
            "127.0.0.1:0",
            "--store",
            "memory",
            "--auth",
            "jwt",
            "--jwt-public-key",
            publicKey.toString())) {
      URI api = server.awaitListening();

      Run run =
          runRunner(
              dir.resolve("report-jwt.txt"),
              "--url",
              api.toString(),
              "--auth",
              "jwt",
              "--jwt-private-key",
              privateKey.toString(),
              "--only",
              "header,conformance,property");

      assertThat(run.output())
          .contains(
              "(auth jwt)",
              "PASS  WireConformanceScenarios > createStoresVersionOne()",
              "PASS  WireConformanceScenarios > usersAreIsolatedInTheSameStore()",
              "PASS  WireModelProperties > endpointAnswersLikeTheReferenceModel",
              " 0 failed, ");
      assertThat(run.status()).as("exit status; report:\n%s", run.output()).isZero();
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  /**
   * A server the runner cannot satisfy (signature auth on the server, none in the runner: every
   * call is 401) fails with a non-zero status, and the report shows the request and the response.
   */
  @Test
  void failuresAreReportedWithTheRequestAndTheResponse() throws Exception {
    try (ServerProcess server =
        ServerProcess.start(
            Map.of(), dir, "--bind", "127.0.0.1:0", "--store", "memory", "--auth", "signature")) {
      URI api = server.awaitListening();

      Run run =
          runRunner(
              dir.resolve("report.txt"),
              "--url",
              api.toString(),
              "--auth",
              "none",
              "--only",
              "header,conformance");

      assertThat(run.status()).as("exit status; report:\n%s", run.output()).isEqualTo(1);
      assertThat(run.output())
          .contains(
              "FAIL  WireConformanceScenarios > createStoresVersionOne()",
              "last requests and responses:",
              "putObjects PutObjectRequest{",
              "-> 401 ErrorResponse{error_code: AUTH_EXCEPTION",
              "SKIP  WireConformanceScenarios > usersAreIsolatedInTheSameStore()",
              "needs capability SEVERAL_USERS");
    }
  }

  private record Run(int status, String output) {}

  private static Run runRunner(Path report, String... args)
      throws IOException, InterruptedException {
    Path jar = Path.of(System.getProperty("vss.testkit.runner.jar", "missing"));
    assertThat(jar).as("the runner jar that vss-testkit's package phase builds").isRegularFile();
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-jar",
                jar.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(report.toFile())
            .start();
    if (!process.waitFor(15, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError(
          "the runner did not finish; report so far:\n"
              + Files.readString(report, StandardCharsets.UTF_8));
    }
    return new Run(process.exitValue(), Files.readString(report, StandardCharsets.UTF_8));
  }
}
