package dev.vss.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.GetObjectResponse;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import dev.vss.server.HttpCalls;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The slim jar for Linux x86-64 ({@code vss-server-linux-x86_64.jar}): it holds that platform's
 * RocksDB and SQLite native libraries and no other, and serves from either store, with the load
 * limits and the store commit metrics, on this machine.
 */
class SlimJarIT {
  @TempDir Path dir;

  private static Path slimJar() {
    Path jar =
        Path.of(System.getProperty("vss.server.slim.jar", "target/vss-server-linux-x86_64.jar"));
    assertThat(jar).as("run mvn verify").isRegularFile();
    return jar;
  }

  private static List<String> nativeLibraries(Path jar) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.stream()
          .map(ZipEntry::getName)
          .filter(
              name ->
                  name.endsWith(".so")
                      || name.endsWith(".dll")
                      || name.endsWith(".jnilib")
                      || name.endsWith(".dylib"))
          .sorted()
          .toList();
    }
  }

  @Test
  void holdsOnlyTheLinuxX8664NativeLibrariesAndIsSmaller() throws IOException {
    assertThat(nativeLibraries(slimJar()))
        .containsExactly(
            "librocksdbjni-linux64.so", "org/sqlite/native/Linux/x86_64/libsqlitejdbc.so");
    // The all-platforms jar carries the others.
    assertThat(nativeLibraries(ServerProcess.jar()))
        .contains(
            "librocksdbjni-linux64.so",
            "librocksdbjni-linux-aarch64.so",
            "librocksdbjni-osx-arm64.jnilib",
            "librocksdbjni-win64.dll",
            "org/sqlite/native/Mac/aarch64/libsqlitejdbc.dylib");
    assertThat(Files.size(slimJar())).isLessThan(Files.size(ServerProcess.jar()) / 2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "rocksdb"})
  void servesFromEitherStoreOnThisMachine(String store) throws Exception {
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    Assumptions.assumeTrue(
        System.getProperty("os.name").startsWith("Linux")
            && (arch.equals("amd64") || arch.equals("x86_64")),
        "needs Linux x86-64");
    // Written bytes limited to 1 byte/s after a burst of the 2000-byte body limit: the second
    // 1500-byte put waits about 1000 s, so it is refused, whatever the machine's speed.
    String[] args = {
      "--bind",
      "127.0.0.1:0",
      "--store",
      store,
      "--data-dir",
      "data",
      "--auth",
      "none",
      "--max-body-bytes",
      "2000",
      "--rate-limit-write-bytes",
      "1",
      "--max-concurrent-requests",
      "16"
    };
    try (ServerProcess server = ServerProcess.start(slimJar(), "256m", Map.of(), dir, args)) {
      URI api = server.awaitListening();
      assertThat(server.output())
          .contains(
              "store=" + store,
              "max-concurrent-requests=16",
              "rate-limits=1/s burst 2000 written bytes");
      HttpCalls calls = new HttpCalls(URI.create(api.getScheme() + "://" + api.getAuthority()));
      assertThat(calls.post("/vss/putObjects", put("a", 1500), Map.of()).status()).isEqualTo(200);
      HttpCalls.Reply limited = calls.post("/vss/putObjects", put("b", 1500), Map.of());
      assertThat(limited.status()).isEqualTo(429);
      assertThat(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow()))
          .isGreaterThan(100);
      assertThat(limited.error().getErrorCode()).isEqualTo(ErrorCode.INTERNAL_SERVER_EXCEPTION);

      HttpCalls.Reply get =
          calls.post(
              "/vss/getObject",
              GetObjectRequest.newBuilder().setStoreId("wallet").setKey("a").build(),
              Map.of());
      assertThat(get.status()).isEqualTo(200);
      assertThat(GetObjectResponse.parseFrom(get.body()).getValue().getValue().size())
          .isEqualTo(1500);
      assertThat(calls.call("GET", "/ready").status()).isEqualTo(200);
      assertThat(calls.call("GET", "/metrics").text())
          .contains(
              "vss_store_info{store=\"" + store + "\"} 1",
              "vss_store_commit_batch_writes_count 1",
              "vss_http_requests_rate_limited_total{kind=\"bytes\"} 1.0",
              "vss_http_requests_shed_total{reason=\"concurrency\"} 0.0");

      server.terminate();
      assertThat(server.awaitExit()).isEqualTo(143);
    }
  }

  private static PutObjectRequest put(String key, int bytes) {
    return PutObjectRequest.newBuilder()
        .setStoreId("wallet")
        .addTransactionItems(
            KeyValue.newBuilder()
                .setKey(key)
                .setVersion(0)
                .setValue(ByteString.copyFrom(new byte[bytes])))
        .build();
  }
}
