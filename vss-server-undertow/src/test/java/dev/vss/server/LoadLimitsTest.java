package dev.vss.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vss.core.Limits;
import dev.vss.core.VssException;
import dev.vss.core.VssService;
import dev.vss.core.auth.Authorizer;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.core.spi.StoredRecord;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import dev.vss.protocol.ProtocolVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The load limits over real HTTP: per-user rate limits answer 429 with {@code Retry-After} and a
 * decodable ErrorResponse, one user's limit never limits another; the concurrent request limit
 * sheds the excess with 503 at once while the operator endpoints still answer; both are counted in
 * the metrics. The token buckets run on a manual clock, so nothing depends on timing.
 */
class LoadLimitsTest {
  /** Each request names its user in this header. */
  private static final String USER_HEADER = "X-Test-User";

  private static final Authorizer BY_HEADER =
      headers -> {
        String user = headers.get(USER_HEADER);
        if (user == null) {
          throw VssException.auth("no user");
        }
        return user;
      };

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final List<VssServer> servers = new ArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(VssServer::stop);
  }

  private HttpCalls start(VssServer.Builder builder) {
    VssServer server =
        builder.authorizer(BY_HEADER).bind("127.0.0.1", 0).rateLimitClock(clock::get).start();
    servers.add(server);
    return new HttpCalls(server.rootUri());
  }

  private static HttpCalls.Reply get(HttpCalls calls, String user) {
    return calls.post(
        "/vss/getObject",
        GetObjectRequest.newBuilder().setStoreId("s").setKey("k").build(),
        Map.of(USER_HEADER, user));
  }

  private static PutObjectRequest put(String key, int valueBytes) {
    return PutObjectRequest.newBuilder()
        .setStoreId("s")
        .addTransactionItems(
            KeyValue.newBuilder()
                .setKey(key)
                .setVersion(0)
                .setValue(ByteString.copyFrom(new byte[valueBytes])))
        .build();
  }

  private static void assertRetryLater(HttpCalls.Reply reply, int status, String retryAfter) {
    assertThat(reply.status()).isEqualTo(status);
    assertThat(reply.headers().allValues("Retry-After")).containsExactly(retryAfter);
    assertThat(reply.headers().allValues(ProtocolVersion.HEADER)).containsExactly("0");
    // INTERNAL_SERVER_EXCEPTION: the one code the deployed clients retry.
    assertThat(reply.error().getErrorCode()).isEqualTo(ErrorCode.INTERNAL_SERVER_EXCEPTION);
  }

  @Test
  void requestsOverTheRateGet429WithRetryAfterPerUser() {
    try (InMemoryStorage storage = new InMemoryStorage()) {
      HttpCalls calls =
          start(
              VssServer.builder(new VssService(storage, Limits.DEFAULTS))
                  .rateLimits(new RateLimits(1, 2, 0, 0)));
      // The burst of two passes (404: the key is missing, but the request was served).
      assertThat(get(calls, "alice").status()).isEqualTo(404);
      assertThat(get(calls, "alice").status()).isEqualTo(404);
      HttpCalls.Reply limited = get(calls, "alice");
      assertRetryLater(limited, 429, "1");
      assertThat(limited.error().getMessage()).contains("rate limit");
      // Another user has buckets of their own.
      assertThat(get(calls, "bob").status()).isEqualTo(404);
      assertThat(get(calls, "bob").status()).isEqualTo(404);
      assertThat(get(calls, "alice").status()).isEqualTo(429);
      // Half a second refills half a token: still limited, retry after 1 s (rounded up).
      clock.addAndGet(500_000_000L);
      assertRetryLater(get(calls, "alice"), 429, "1");
      clock.addAndGet(500_000_000L);
      assertThat(get(calls, "alice").status()).isEqualTo(404);
      assertThat(get(calls, "alice").status()).isEqualTo(429);
      // An unauthenticated request is refused before any bucket is touched.
      assertThat(
              calls
                  .post("/vss/getObject", GetObjectRequest.getDefaultInstance(), Map.of())
                  .status())
          .isEqualTo(401);

      String metrics = calls.call("GET", "/metrics").text();
      assertThat(metric(metrics, "vss_http_requests_rate_limited_total{kind=\"requests\"}"))
          .isEqualTo(4);
      assertThat(metric(metrics, "vss_http_requests_rate_limited_total{kind=\"bytes\"}")).isZero();
      assertThat(metric(metrics, "vss_rate_limit_users")).isEqualTo(2);
      assertThat(metrics).contains("vss_http_requests_total{code=\"429\",method=\"getObject\"} 4");
    }
  }

  @Test
  void writesOverTheByteRateGet429AndWriteNothing() {
    try (InMemoryStorage storage = new InMemoryStorage()) {
      int bodyLimit = 4096;
      HttpCalls calls =
          start(
              VssServer.builder(
                      new VssService(storage, Limits.DEFAULTS.withMaxRequestBodyBytes(bodyLimit)))
                  .maxBodyBytes(bodyLimit)
                  .rateLimits(new RateLimits(0, 0, 1000, bodyLimit)));
      Map<String, String> alice = Map.of(USER_HEADER, "alice");
      // 3000 of the 4096-byte burst.
      assertThat(calls.post("/vss/putObjects", put("a", 3000), alice).status()).isEqualTo(200);
      HttpCalls.Reply limited = calls.post("/vss/putObjects", put("b", 3000), alice);
      // About 1900 bytes short at 1000 bytes/s: retry after 2 s.
      assertRetryLater(limited, 429, "2");
      // A chunked body is counted once it has arrived, before the store sees it.
      assertRetryLater(
          calls.postChunked("/vss/putObjects", put("c", 3000).toByteArray(), alice), 429, "2");
      assertThat(storage.get(new dev.vss.core.Keyspace("alice", "s"), "b")).isEmpty();
      assertThat(storage.get(new dev.vss.core.Keyspace("alice", "s"), "c")).isEmpty();
      // Reads are not written bytes; another user's writes are theirs.
      assertThat(get(calls, "alice").status()).isEqualTo(404);
      assertThat(calls.post("/vss/putObjects", put("b", 3000), Map.of(USER_HEADER, "bob")).status())
          .isEqualTo(200);
      clock.addAndGet(2_000_000_000L);
      assertThat(calls.postChunked("/vss/putObjects", put("c", 3000).toByteArray(), alice).status())
          .isEqualTo(200);

      String metrics = calls.call("GET", "/metrics").text();
      assertThat(metric(metrics, "vss_http_requests_rate_limited_total{kind=\"bytes\"}"))
          .isEqualTo(2);
      assertThat(metric(metrics, "vss_http_requests_rate_limited_total{kind=\"requests\"}"))
          .isZero();
    }
  }

  @Test
  void requestsOverTheConcurrencyLimitAreShedWith503WhileHealthAnswers() throws Exception {
    Semaphore arrived = new Semaphore(0);
    CountDownLatch release = new CountDownLatch(1);
    try (InMemoryStorage memory = new InMemoryStorage()) {
      ForwardingStorage blocking =
          new ForwardingStorage(memory) {
            @Override
            public Optional<StoredRecord> get(dev.vss.core.Keyspace keyspace, String key) {
              arrived.release();
              try {
                release.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return super.get(keyspace, key);
            }
          };
      HttpCalls calls =
          start(
              VssServer.builder(new VssService(blocking, Limits.DEFAULTS))
                  .maxConcurrentRequests(2));
      List<CompletableFuture<HttpCalls.Reply>> held = new ArrayList<>();
      try {
        for (int i = 0; i < 2; i++) {
          held.add(CompletableFuture.supplyAsync(() -> get(calls, "alice")));
        }
        assertThat(arrived.tryAcquire(2, 60, TimeUnit.SECONDS)).as("both in the store").isTrue();

        assertRetryLater(get(calls, "bob"), 503, "1");
        assertRetryLater(
            calls.post("/vss/putObjects", put("x", 10), Map.of(USER_HEADER, "bob")), 503, "1");
        assertThat(memory.get(new dev.vss.core.Keyspace("bob", "s"), "x")).isEmpty();
        // The operator endpoints are never shed.
        assertThat(calls.call("GET", "/health").status()).isEqualTo(200);
        assertThat(calls.call("GET", "/ready").status()).isEqualTo(200);
        String metrics = calls.call("GET", "/metrics").text();
        assertThat(metric(metrics, "vss_http_requests_shed_total{reason=\"concurrency\"}"))
            .isEqualTo(2);
        assertThat(metric(metrics, "vss_http_requests_shed_total{reason=\"body_budget\"}"))
            .isZero();
      } finally {
        release.countDown();
      }
      for (CompletableFuture<HttpCalls.Reply> reply : held) {
        assertThat(reply.get(60, TimeUnit.SECONDS).status()).isEqualTo(404);
      }
      // The permits came back: the limit admits requests again.
      assertThat(arrived.drainPermits()).isZero();
      for (int i = 0; i < 3; i++) {
        assertThat(get(calls, "bob").status()).isEqualTo(404);
      }
    }
  }

  @Test
  void theDefaultConcurrencyLimitIsFourPerWorkerAndZeroTurnsItOff() {
    assertThat(VssServer.defaultMaxConcurrentRequests(128)).isEqualTo(512);
    try (InMemoryStorage storage = new InMemoryStorage()) {
      HttpCalls calls =
          start(
              VssServer.builder(new VssService(storage, Limits.DEFAULTS)).maxConcurrentRequests(0));
      assertThat(get(calls, "alice").status()).isEqualTo(404);
    }
  }

  @Test
  void retryAfterIsWholeSecondsRoundedUp() {
    assertThat(VssHttpHandler.retryAfterSeconds(1)).isEqualTo(1);
    assertThat(VssHttpHandler.retryAfterSeconds(1_000_000_000L)).isEqualTo(1);
    assertThat(VssHttpHandler.retryAfterSeconds(1_000_000_001L)).isEqualTo(2);
    assertThat(VssHttpHandler.retryAfterSeconds(59_500_000_000L)).isEqualTo(60);
  }

  private static long metric(String text, String name) {
    Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\d+)").matcher(text);
    assertThat(matcher.find()).as(name).isTrue();
    return Long.parseLong(matcher.group(1));
  }
}
