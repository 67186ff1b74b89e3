package dev.vss.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.auth.NoAuthorizer;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.core.spi.StorageException;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The operator endpoints: /health, /ready and /metrics. */
class OperationsTest {
  private final InMemoryStorage memory = new InMemoryStorage();
  private final AtomicBoolean storeDown = new AtomicBoolean();
  private final AtomicBoolean storageTouched = new AtomicBoolean();
  private VssServer server;
  private HttpCalls http;

  @BeforeEach
  void start() {
    ForwardingStorage storage =
        new ForwardingStorage(memory) {
          @Override
          void beforeCall(String call) {
            storageTouched.set(true);
            if (storeDown.get()) {
              throw new StorageException("database is locked");
            }
          }
        };
    server =
        VssServer.builder(new VssService(storage, Limits.DEFAULTS))
            .authorizer(new NoAuthorizer())
            .bind("127.0.0.1", 0)
            .start();
    http = new HttpCalls(server.rootUri());
  }

  @AfterEach
  void stop() {
    server.stop();
    memory.close();
  }

  private HttpCalls.Reply put(String key, long version) {
    return http.post(
        "/vss/putObjects",
        PutObjectRequest.newBuilder()
            .addTransactionItems(
                KeyValue.newBuilder()
                    .setKey(key)
                    .setVersion(version)
                    .setValue(ByteString.copyFromUtf8("v")))
            .build(),
        Map.of());
  }

  @Test
  void healthIsCheapAndAnswersEvenWhenTheStoreIsDown() {
    storeDown.set(true);
    HttpCalls.Reply health = http.call("GET", "/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.text()).isEqualTo("ok\n");
    assertThat(storageTouched).as("liveness never calls storage").isFalse();
    assertThat(http.call("HEAD", "/health").status()).isEqualTo(200);
    assertThat(http.call("POST", "/health").status()).isEqualTo(405);
  }

  @Test
  void readyFollowsTheStore() {
    assertThat(http.call("GET", "/ready").status()).isEqualTo(200);
    assertThat(storageTouched).isTrue();
    storeDown.set(true);
    HttpCalls.Reply down = http.call("GET", "/ready");
    assertThat(down.status()).isEqualTo(503);
    assertThat(down.text()).doesNotContain("locked");
    storeDown.set(false);
    assertThat(http.call("GET", "/ready").status()).isEqualTo(200);
  }

  @Test
  void metricsCountRequestsByMethodAndCode() {
    put("a", 0);
    put("a", 0); // conflict
    put("b", 0);
    http.post("/vss/getObject", GetObjectRequest.newBuilder().setKey("missing").build(), Map.of());
    http.post("/vss/nope", new byte[0], Map.of());

    HttpCalls.Reply scrape = http.call("GET", "/metrics");
    assertThat(scrape.status()).isEqualTo(200);
    assertThat(scrape.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("text/plain; version=0.0.4");
    String text = scrape.text();
    assertThat(text)
        .contains("vss_http_requests_total{code=\"200\",method=\"putObjects\"} 2.0\n")
        .contains("vss_http_requests_total{code=\"409\",method=\"putObjects\"} 1.0\n")
        .contains("vss_http_requests_total{code=\"404\",method=\"getObject\"} 1.0\n")
        .contains("vss_http_requests_total{code=\"404\",method=\"unknown\"} 1.0\n")
        .contains("vss_http_request_duration_seconds_count{method=\"putObjects\"} 3\n")
        .contains("vss_http_request_duration_seconds_bucket{method=\"putObjects\",le=\"+Inf\"} 3\n")
        .contains("# TYPE vss_http_request_duration_seconds histogram\n")
        .contains("vss_http_requests_in_flight 0.0\n")
        .contains("vss_store_info{store=\"memory\"} 1\n")
        .contains("vss_build_info{version=\"" + ServerVersion.get() + "\"} 1\n")
        .doesNotContain("method=\"metrics\"");
    assertThat(ServerVersion.get()).as("the build's version.properties").isNotEqualTo("unknown");
    // The JVM and the process, beside our own series.
    assertThat(text)
        .contains(
            "jvm_memory_used_bytes{area=\"heap\"",
            "jvm_gc_",
            "jvm_threads_live_threads ",
            "process_files_open_files ",
            "process_uptime_seconds ");
    assertHistogramIsCumulative(text, "putObjects");
    for (String line : text.split("\n")) {
      assertThat(line)
          .matches(
              "# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*|[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^}]*\\})? ([0-9.eE+-]+|NaN|[+-]Inf)");
    }
  }

  /** A group-committing store reports each committed batch: size and latency histograms. */
  @Test
  void storeCommitsAreMeasured(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    try (dev.vss.store.sqlite.SqliteStorage sqlite = dev.vss.store.sqlite.SqliteStorage.open(dir)) {
      VssServer onSqlite =
          VssServer.builder(new VssService(sqlite, Limits.DEFAULTS))
              .authorizer(new NoAuthorizer())
              .bind("127.0.0.1", 0)
              .start();
      try {
        HttpCalls calls = new HttpCalls(onSqlite.rootUri());
        for (String key : new String[] {"a", "b", "c"}) {
          assertThat(
                  calls
                      .post(
                          "/vss/putObjects",
                          PutObjectRequest.newBuilder()
                              .addTransactionItems(
                                  KeyValue.newBuilder()
                                      .setKey(key)
                                      .setVersion(0)
                                      .setValue(ByteString.copyFromUtf8("v")))
                              .build(),
                          Map.of())
                      .status())
              .isEqualTo(200);
        }
        String text = calls.call("GET", "/metrics").text();
        // Sequential puts: each its own batch of one write.
        assertThat(text)
            .contains("vss_store_commit_batch_writes_count 3\n")
            .contains("vss_store_commit_batch_writes_sum 3.0\n")
            .contains("vss_store_commit_batch_writes_bucket{le=\"1.0\"} 3\n")
            .contains("vss_store_commit_duration_seconds_count 3\n")
            .contains("vss_store_commit_duration_seconds_bucket{le=\"+Inf\"} 3\n")
            .contains("vss_store_info{store=\"sqlite\"} 1\n");
      } finally {
        onSqlite.stop();
      }
    }
  }

  private static void assertHistogramIsCumulative(String text, String method) {
    Matcher bucket =
        Pattern.compile(
                "vss_http_request_duration_seconds_bucket\\{method=\""
                    + method
                    + "\",le=\"[^\"]+\"\\} (\\d+)")
            .matcher(text);
    long previous = 0;
    int buckets = 0;
    while (bucket.find()) {
      long count = Long.parseLong(bucket.group(1));
      assertThat(count).isGreaterThanOrEqualTo(previous);
      previous = count;
      buckets++;
    }
    assertThat(buckets).isEqualTo(ServerMetrics.BUCKETS.length + 1);
  }

  @Test
  void theApiBasePathIsConfigurable() {
    for (String base : new String[] {"/", "/api/v1/vss/"}) {
      VssServer other =
          VssServer.builder(new VssService(memory, Limits.DEFAULTS))
              .authorizer(new NoAuthorizer())
              .bind("127.0.0.1", 0)
              .basePath(base)
              .start();
      try {
        HttpCalls calls = new HttpCalls(other.rootUri());
        String prefix = base.equals("/") ? "" : "/api/v1/vss";
        assertThat(other.baseUri().getPath()).isEqualTo(prefix);
        HttpCalls.Reply reply =
            calls.post(
                prefix + "/getObject",
                GetObjectRequest.newBuilder().setKey("missing").build(),
                Map.of());
        assertThat(reply.status()).as(base).isEqualTo(404);
        assertThat(reply.error().getErrorCode())
            .isEqualTo(dev.vss.proto.ErrorCode.NO_SUCH_KEY_EXCEPTION);
        assertThat(calls.post("/vss/getObject", new byte[0], Map.of()).status()).isEqualTo(404);
        assertThat(calls.call("GET", "/health").status()).isEqualTo(200);
      } finally {
        other.stop();
      }
    }
  }
}
