package dev.vss.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.GetObjectResponse;
import dev.vss.proto.KeyValue;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.ListKeyVersionsResponse;
import dev.vss.proto.PutObjectRequest;
import dev.vss.server.HttpCalls;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vss-server.jar admin ...} as an operator runs it, next to a running server (a separate
 * process): online export and backup of a SQLite server, a refused import while it runs, then a
 * migration to RocksDB that a RocksDB server serves, with the same listing.
 */
class AdminJarIT {
  @TempDir Path dir;

  private static HttpCalls callsTo(URI api) {
    return new HttpCalls(URI.create(api.getScheme() + "://" + api.getAuthority()));
  }

  private static String admin(Path dir, int expectedStatus, String... args) throws Exception {
    String[] all = new String[args.length + 1];
    all[0] = "admin";
    System.arraycopy(args, 0, all, 1, args.length);
    try (ServerProcess admin = ServerProcess.start(Map.of(), dir, all)) {
      int status = admin.awaitExit();
      assertThat(status).as(admin.output()).isEqualTo(expectedStatus);
      return admin.output();
    }
  }

  private static ListKeyVersionsResponse listing(HttpCalls calls) throws Exception {
    HttpCalls.Reply reply =
        calls.post(
            "/vss/listKeyVersions",
            ListKeyVersionsRequest.newBuilder().setStoreId("wallet").build(),
            Map.of());
    assertThat(reply.status()).isEqualTo(200);
    return ListKeyVersionsResponse.parseFrom(reply.body());
  }

  @Test
  void exportAndBackUpARunningServerThenMigrateToRocksDb() throws Exception {
    String[] sqlite = {
      "--bind", "127.0.0.1:0", "--store", "sqlite", "--data-dir", "data", "--auth", "none"
    };
    ListKeyVersionsResponse before;
    try (ServerProcess server = ServerProcess.start(Map.of(), dir, sqlite)) {
      HttpCalls calls = callsTo(server.awaitListening());
      for (int i = 0; i < 20; i++) {
        PutObjectRequest put =
            PutObjectRequest.newBuilder()
                .setStoreId("wallet")
                .setGlobalVersion(i)
                .addTransactionItems(
                    KeyValue.newBuilder()
                        .setKey("k" + i)
                        .setVersion(0)
                        .setValue(ByteString.copyFromUtf8("value " + i)))
                .build();
        assertThat(calls.post("/vss/putObjects", put, Map.of()).status()).isEqualTo(200);
      }
      before = listing(calls);

      assertThat(
              admin(
                  dir,
                  0,
                  "export",
                  "--store",
                  "sqlite",
                  "--data-dir",
                  "data",
                  "--out",
                  "all.vssexport"))
          .contains("exported 20 records in 1 keyspaces");
      assertThat(
              admin(dir, 0, "backup", "--store", "sqlite", "--data-dir", "data", "--to", "backup"))
          .contains("backed up");
      assertThat(
              admin(
                  dir,
                  1,
                  "import",
                  "--store",
                  "sqlite",
                  "--data-dir",
                  "data",
                  "--in",
                  "all.vssexport",
                  "--replace"))
          .contains("for writing");
      server.terminate();
      server.awaitExit();
    }
    assertThat(Files.exists(dir.resolve("all.vssexport.partial"))).isFalse();

    assertThat(
            admin(
                dir,
                0,
                "import",
                "--store",
                "rocksdb",
                "--data-dir",
                "rocks",
                "--in",
                "all.vssexport"))
        .contains("imported 20 records in 1 keyspaces");
    assertThat(
            admin(
                dir,
                0,
                "verify",
                "--store",
                "rocksdb",
                "--data-dir",
                "rocks",
                "--against-store",
                "sqlite",
                "--against-data-dir",
                "backup"))
        .contains("are equal", "integrity of the rocksdb store", "integrity of the sqlite store");

    String[] rocks = {
      "--bind", "127.0.0.1:0", "--store", "rocksdb", "--data-dir", "rocks", "--auth", "none"
    };
    try (ServerProcess server = ServerProcess.start(Map.of(), dir, rocks)) {
      HttpCalls calls = callsTo(server.awaitListening());
      ListKeyVersionsResponse after = listing(calls);
      assertThat(after.getKeyVersionsList()).isEqualTo(before.getKeyVersionsList());
      assertThat(after.getGlobalVersion()).isEqualTo(20);
      HttpCalls.Reply get =
          calls.post(
              "/vss/getObject",
              GetObjectRequest.newBuilder().setStoreId("wallet").setKey("k7").build(),
              Map.of());
      assertThat(GetObjectResponse.parseFrom(get.body()).getValue().getValue().toStringUtf8())
          .isEqualTo("value 7");
      // RocksDB too is exported while its server runs.
      assertThat(admin(dir, 0, "stats", "--store", "rocksdb", "--data-dir", "rocks"))
          .contains("records      20");
      server.terminate();
      server.awaitExit();
    }
  }
}
