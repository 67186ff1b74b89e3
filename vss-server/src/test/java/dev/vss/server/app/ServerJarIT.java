package dev.vss.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.GetObjectResponse;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import dev.vss.protocol.auth.SignatureAuthHeader;
import dev.vss.server.HttpCalls;
import dev.vss.server.JwtCredentials;
import dev.vss.server.TlsFiles;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The packaged {@code vss-server.jar} as a separate process, as an operator runs it: a packaging
 * mistake (a missing class, an unmerged service file, a broken manifest) fails the build here.
 */
class ServerJarIT {
  @TempDir Path dir;

  private static PutObjectRequest put(String key, String value) {
    return PutObjectRequest.newBuilder()
        .setStoreId("wallet")
        .addTransactionItems(
            KeyValue.newBuilder()
                .setKey(key)
                .setVersion(0)
                .setValue(ByteString.copyFromUtf8(value)))
        .build();
  }

  private static HttpCalls callsTo(URI api) {
    return new HttpCalls(URI.create(api.getScheme() + "://" + api.getAuthority()));
  }

  @Test
  void helpPrintsTheUsage() throws Exception {
    try (ServerProcess server = ServerProcess.start(Map.of(), dir, "--help")) {
      assertThat(server.awaitExit()).isZero();
      assertThat(server.output())
          .contains(
              "Usage: java -jar vss-server.jar",
              "--bind HOST:PORT",
              "--store",
              "--data-dir",
              "--auth",
              "--jwt-public-key",
              "--max-body-bytes",
              "--tls-cert",
              "--tls-key",
              "--config");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "rocksdb"})
  void servesStopsOnSigtermAndKeepsAcknowledgedWrites(String store) throws Exception {
    String[] args = {
      "--bind", "127.0.0.1:0", "--store", store, "--data-dir", "data", "--auth", "none"
    };
    try (ServerProcess server = ServerProcess.start(Map.of(), dir, args)) {
      URI api = server.awaitListening();
      assertThat(api.getPath()).isEqualTo("/vss");
      assertThat(server.output())
          .contains(
              "store=" + store,
              "auth=none",
              "store=" + store + " in " + dir.resolve("data").toRealPath())
          .contains("AUTHENTICATION IS DISABLED");

      HttpCalls calls = callsTo(api);
      for (int i = 0; i < 20; i++) {
        assertThat(calls.post("/vss/putObjects", put("k" + i, "value " + i), Map.of()).status())
            .isEqualTo(200);
      }
      assertThat(calls.call("GET", "/health").status()).isEqualTo(200);
      assertThat(calls.call("GET", "/ready").status()).isEqualTo(200);
      assertThat(calls.call("GET", "/metrics").text())
          .contains(
              "vss_store_info{store=\"" + store + "\"} 1",
              "vss_http_requests_total{code=\"200\",method=\"putObjects\"} 20.0");

      server.terminate();
      assertThat(server.awaitExit()).as("the JVM's status after SIGTERM").isEqualTo(143);
      assertThat(server.output()).contains("shutting down", "stopped");
    }
    try (ServerProcess server = ServerProcess.start(Map.of(), dir, args)) {
      HttpCalls calls = callsTo(server.awaitListening());
      for (int i = 0; i < 20; i++) {
        HttpCalls.Reply get =
            calls.post(
                "/vss/getObject",
                GetObjectRequest.newBuilder().setStoreId("wallet").setKey("k" + i).build(),
                Map.of());
        assertThat(get.status()).isEqualTo(200);
        assertThat(GetObjectResponse.parseFrom(get.body()).getValue().getValue().toStringUtf8())
            .isEqualTo("value " + i);
      }
      server.terminate();
      server.awaitExit();
    }
  }

  @Test
  void aBadSettingStopsStartUpWithOneLineNamingIt() throws Exception {
    Path badToml =
        Files.writeString(dir.resolve("bad.toml"), "[server_config]\nbind_address = \"nowhere\"\n");
    Object[][] cases = {
      {Map.of(), new String[] {"--max-body-bytes", "abc"}, "--max-body-bytes"},
      {Map.of("VSS_BIND_ADDRESS", "nowhere"), new String[0], "VSS_BIND_ADDRESS"},
      {Map.of(), new String[] {"--config", badToml.toString()}, "server_config.bind_address"},
      {Map.of(), new String[] {"--auth", "jwt"}, "needs an RSA public key"},
      {Map.of(), new String[] {"--store", "nosuch"}, "--store"},
    };
    for (Object[] c : cases) {
      @SuppressWarnings("unchecked")
      Map<String, String> env = (Map<String, String>) c[0];
      String[] args = (String[]) c[1];
      try (ServerProcess server = ServerProcess.start(env, dir, args)) {
        assertThat(server.awaitExit()).as(Arrays.toString(args) + env).isEqualTo(2);
        assertThat(server.lines())
            .as(Arrays.toString(args) + env)
            .hasSize(1)
            .first()
            .asString()
            .startsWith("vss-server: ")
            .contains((String) c[2]);
      }
    }
  }

  @Test
  void environmentBeatsTheFileAndFlagsBeatTheEnvironment() throws Exception {
    Path toml =
        Files.writeString(
            dir.resolve("vss.toml"),
            "[server_config]\nbind_address = \"nowhere\"\nstore = \"memory\"\nauth = \"none\"\n");
    try (ServerProcess server =
        ServerProcess.start(
            Map.of("VSS_BIND_ADDRESS", "127.0.0.1:0"), dir, "--config", toml.toString())) {
      URI api = server.awaitListening();
      assertThat(callsTo(api).call("GET", "/health").status()).isEqualTo(200);
      server.terminate();
      server.awaitExit();
    }
    try (ServerProcess server =
        ServerProcess.start(
            Map.of("VSS_BIND_ADDRESS", "nowhere"),
            dir,
            "--config",
            toml.toString(),
            "--bind",
            "127.0.0.1:0")) {
      URI api = server.awaitListening();
      assertThat(callsTo(api).call("GET", "/health").status()).isEqualTo(200);
      server.terminate();
      server.awaitExit();
    }
  }

  @Test
  void aTakenPortFailsStartUpWithOneLine() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        ServerProcess server =
            ServerProcess.start(
                Map.of(),
                dir,
                "--store",
                "memory",
                "--auth",
                "none",
                "--log-level",
                "off",
                "--bind",
                "127.0.0.1:" + taken.getLocalPort())) {
      assertThat(server.awaitExit()).isEqualTo(1);
      assertThat(server.lines())
          .hasSize(1)
          .first()
          .asString()
          .startsWith("vss-server: cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  void signatureAuthIsTheDefaultAndLogLevelIsHonoured() throws Exception {
    try (ServerProcess server =
        ServerProcess.start(
            Map.of("VSS_LOG_LEVEL", "warn"),
            dir,
            "--store",
            "memory",
            "--bind",
            "127.0.0.1:0",
            "--log-level",
            "debug")) {
      // The flag beats VSS_LOG_LEVEL: debug lines appear.
      URI api = server.awaitListening();
      server.awaitLine(Pattern.compile(" DEBUG "));
      assertThat(server.output()).contains("auth=signature");

      HttpCalls calls = callsTo(api);
      byte[] key = new byte[32];
      key[31] = 7;
      String header =
          SignatureAuthHeader.forPrivateKey(key).valueAt(Instant.now().getEpochSecond());
      assertThat(
              calls
                  .post("/vss/putObjects", put("k", "v"), Map.of("Authorization", header))
                  .status())
          .isEqualTo(200);
      HttpCalls.Reply refused = calls.post("/vss/putObjects", put("k2", "v"), Map.of());
      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.error().getErrorCode()).isEqualTo(ErrorCode.AUTH_EXCEPTION);
      server.terminate();
      server.awaitExit();
    }
    try (ServerProcess server =
        ServerProcess.start(
            Map.of("VSS_LOG_LEVEL", "warn"),
            dir,
            "--store",
            "memory",
            "--bind",
            "127.0.0.1:0",
            "--auth",
            "none")) {
      server.awaitLine(Pattern.compile("AUTHENTICATION IS DISABLED"));
      server.terminate();
      server.awaitExit();
      assertThat(server.output()).doesNotContain(" INFO ", " DEBUG ");
    }
  }

  @Test
  void jwtAuthWithAKeyFile() throws Exception {
    JwtCredentials issuer = new JwtCredentials();
    Path pem = Files.writeString(dir.resolve("jwt.pem"), issuer.publicKeyPem());
    try (ServerProcess server =
        ServerProcess.start(
            Map.of(),
            dir,
            "--store",
            "memory",
            "--bind",
            "127.0.0.1:0",
            "--jwt-public-key",
            pem.toString())) {
      URI api = server.awaitListening();
      assertThat(server.output()).contains("auth=jwt");
      HttpCalls calls = callsTo(api);
      assertThat(
              calls
                  .post(
                      "/vss/putObjects",
                      put("k", "v"),
                      Map.of("Authorization", issuer.authorization("alice")))
                  .status())
          .isEqualTo(200);
      assertThat(
              calls
                  .post(
                      "/vss/putObjects",
                      put("k", "v"),
                      Map.of("Authorization", new JwtCredentials().authorization("alice")))
                  .status())
          .isEqualTo(401);
      server.terminate();
      server.awaitExit();
    }
  }

  @Test
  void servesHttpsFromPemFiles() throws Exception {
    try (ServerProcess server =
        ServerProcess.start(
            Map.of(),
            dir,
            "--store",
            "memory",
            "--auth",
            "none",
            "--bind",
            "127.0.0.1:0",
            "--tls-cert",
            TlsFiles.resource("ec.crt").toString(),
            "--tls-key",
            TlsFiles.resource("ec-sec1.key").toString())) {
      URI api = server.awaitListening();
      assertThat(api.getScheme()).isEqualTo("https");
      HttpCalls https =
          new HttpCalls(URI.create("https://" + api.getAuthority()), TlsFiles.trusting("ec.crt"));
      assertThat(https.post("/vss/putObjects", put("k", "v"), Map.of()).status()).isEqualTo(200);
      HttpCalls.Reply get =
          https.post(
              "/vss/getObject",
              GetObjectRequest.newBuilder().setStoreId("wallet").setKey("k").build(),
              Map.of());
      assertThat(GetObjectResponse.parseFrom(get.body()).getValue().getValue().toStringUtf8())
          .isEqualTo("v");
      server.terminate();
      server.awaitExit();
    }
  }
}
