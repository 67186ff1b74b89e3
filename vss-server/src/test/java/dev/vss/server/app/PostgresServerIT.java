package dev.vss.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.GetObjectResponse;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import dev.vss.server.HttpCalls;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged server started as an operator of the reference server would start it. */
class PostgresServerIT {
  @TempDir Path dir;

  @Test
  void theReferenceEnvironmentServesFromPostgres() throws Exception {
    PostgresServers servers = new PostgresServers(dir);
    Path jwtKey = Files.writeString(dir.resolve("key.pem"), servers.credentials.publicKeyPem());
    Map<String, String> env =
        Map.of(
            "VSS_PSQL_ADDRESS", servers.postgres.options(servers.database).address(),
            "VSS_PSQL_VSS_DB", servers.database,
            "VSS_JWT_RSA_PEM", servers.credentials.publicKeyPem());
    try (ServerProcess server = ServerProcess.start(env, dir, "--bind", "127.0.0.1:0")) {
      URI api = server.awaitListening();
      assertThat(server.output()).contains("store=postgres", servers.database);
      HttpCalls calls = new HttpCalls(URI.create(api.getScheme() + "://" + api.getAuthority()));
      Map<String, String> auth =
          Map.of("Authorization", servers.credentials.authorization("alice"));
      PutObjectRequest put =
          PutObjectRequest.newBuilder()
              .setStoreId("s")
              .addTransactionItems(
                  KeyValue.newBuilder()
                      .setKey("k")
                      .setVersion(0)
                      .setValue(ByteString.copyFromUtf8("v")))
              .build();
      assertThat(calls.post("/vss/putObjects", put, auth).status()).isEqualTo(200);
      HttpCalls.Reply get =
          calls.post(
              "/vss/getObject",
              GetObjectRequest.newBuilder().setStoreId("s").setKey("k").build(),
              auth);
      assertThat(GetObjectResponse.parseFrom(get.body()).getValue().getValue().toStringUtf8())
          .isEqualTo("v");
      assertThat(calls.call("GET", "/ready").status()).isEqualTo(200);
      server.terminate();
      server.awaitExit();
    }
    assertThat(jwtKey).exists();
  }

  @Test
  void postgresDownAtStartIsOneLineAndExit() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (ServerProcess server =
        ServerProcess.start(
            Map.of("VSS_PSQL_ADDRESS", "127.0.0.1:" + closedPort),
            dir,
            "--bind",
            "127.0.0.1:0",
            "--auth",
            "none",
            "--log-level",
            "off")) {
      assertThat(server.awaitExit()).isEqualTo(1);
      assertThat(server.lines())
          .hasSize(1)
          .first()
          .asString()
          .startsWith(
              "vss-server: cannot open the postgres store at postgresql://postgres@127.0.0.1:"
                  + closedPort
                  + "/vss: cannot connect to PostgreSQL at 127.0.0.1:"
                  + closedPort)
          .contains("refused");
    }
  }
}
