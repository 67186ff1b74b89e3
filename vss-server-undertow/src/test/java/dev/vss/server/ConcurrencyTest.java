package dev.vss.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vss.core.Keyspace;
import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.auth.NoAuthorizer;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.core.spi.StoredRecord;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import io.undertow.Handlers;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Concurrent requests over HTTP, and where storage calls run. */
class ConcurrencyTest {
  private static final int CLIENTS = 16;
  private static final String USER = NoAuthorizer.DEFAULT_USER_TOKEN;

  private final InMemoryStorage memory = new InMemoryStorage();
  private final Set<String> storageThreads = ConcurrentHashMap.newKeySet();
  private final ForwardingStorage storage =
      new ForwardingStorage(memory) {
        @Override
        void beforeCall(String call) {
          storageThreads.add(Thread.currentThread().getName());
        }
      };
  private final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
  private VssServer server;
  private HttpCalls http;

  @BeforeEach
  void start() {
    server =
        VssServer.builder(new VssService(storage, Limits.DEFAULTS))
            .authorizer(new NoAuthorizer())
            .bind("127.0.0.1", 0)
            .start();
    http = new HttpCalls(server.rootUri());
  }

  @AfterEach
  void stop() {
    clients.shutdownNow();
    server.stop();
    memory.close();
  }

  private static PutObjectRequest put(String key, long version) {
    return PutObjectRequest.newBuilder()
        .setStoreId("s")
        .addTransactionItems(
            KeyValue.newBuilder()
                .setKey(key)
                .setVersion(version)
                .setValue(ByteString.copyFromUtf8("v" + version)))
        .build();
  }

  /** Runs {@code call} on every client thread at once and collects the statuses. */
  private List<Integer> race(Callable<Integer> call) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Integer>> results = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      results.add(
          clients.submit(
              () -> {
                go.await();
                return call.call();
              }));
    }
    go.countDown();
    List<Integer> statuses = new ArrayList<>();
    for (Future<Integer> result : results) {
      statuses.add(result.get());
    }
    return statuses;
  }

  @Test
  void ofConcurrentConditionalPutsExactlyOneWins() throws Exception {
    List<Integer> creates =
        race(() -> http.post("/vss/putObjects", put("race", 0), Map.of()).status());
    assertThat(creates).containsOnly(200, 409).filteredOn(s -> s == 200).hasSize(1);
    assertThat(memory.get(new Keyspace(USER, "s"), "race").map(StoredRecord::version)).contains(1L);

    List<Integer> updates =
        race(() -> http.post("/vss/putObjects", put("race", 1), Map.of()).status());
    assertThat(updates).containsOnly(200, 409).filteredOn(s -> s == 200).hasSize(1);
    assertThat(memory.get(new Keyspace(USER, "s"), "race").map(StoredRecord::version)).contains(2L);
  }

  @Test
  void concurrentWritesOfDistinctKeysAllLand() throws Exception {
    AtomicInteger next = new AtomicInteger();
    List<Integer> statuses = new ArrayList<>();
    for (int round = 0; round < 8; round++) {
      statuses.addAll(
          race(
              () ->
                  http.post("/vss/putObjects", put("key-" + next.getAndIncrement(), 0), Map.of())
                      .status()));
    }
    assertThat(statuses).hasSize(8 * CLIENTS).containsOnly(200);
    assertThat(memory.list(new Keyspace(USER, "s"), "", Long.MAX_VALUE, 1000)).hasSize(8 * CLIENTS);
  }

  @Test
  void storageIsNeverCalledOnAnIoThread() {
    http.post("/vss/putObjects", put("a", 0), Map.of());
    http.postChunked("/vss/putObjects", put("b", 0).toByteArray(), Map.of());
    http.call("GET", "/ready");
    assertThat(storageThreads)
        .isNotEmpty()
        .allSatisfy(name -> assertThat(name).doesNotContain("I/O"));
  }

  @Test
  void anEmbeddingApplicationChoosesTheExecutor() {
    ExecutorService vssWorkers =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread thread = new Thread(r, "app-vss-worker");
              thread.setDaemon(true);
              return thread;
            });
    Undertow app =
        Undertow.builder()
            .addHttpListener(0, "127.0.0.1")
            .setServerOption(io.undertow.UndertowOptions.MAX_ENTITY_SIZE, Long.MAX_VALUE)
            .setHandler(
                Handlers.path(exchange -> exchange.getResponseSender().send("app"))
                    .addPrefixPath(
                        "/backup",
                        new VssHttpHandler(
                            new VssService(storage, Limits.DEFAULTS),
                            new NoAuthorizer(),
                            16 << 20,
                            vssWorkers)))
            .build();
    app.start();
    try {
      int port = ((InetSocketAddress) app.getListenerInfo().get(0).getAddress()).getPort();
      HttpCalls calls = new HttpCalls(URI.create("http://127.0.0.1:" + port));
      storageThreads.clear();
      assertThat(calls.post("/backup/putObjects", put("c", 0), Map.of()).status()).isEqualTo(200);
      assertThat(calls.call("GET", "/other").text()).isEqualTo("app");
      // Above Undertow's default 2 MiB entity limit, below the handler's own: served.
      byte[] big = VssHttpProtocolTest.paddedPut("big", 3 << 20);
      assertThat(calls.post("/backup/putObjects", big, Map.of()).status()).isEqualTo(200);
      assertThat(
              calls
                  .postChunked(
                      "/backup/putObjects",
                      VssHttpProtocolTest.paddedPut("big2", 3 << 20),
                      Map.of())
                  .status())
          .isEqualTo(200);
      HttpCalls.Reply tooLarge =
          calls.post(
              "/backup/putObjects",
              VssHttpProtocolTest.paddedPut("huge", (1 << 20) * 17),
              Map.of());
      assertThat(tooLarge.status()).isEqualTo(413);
      assertThat(storageThreads).containsOnly("app-vss-worker");
    } finally {
      app.stop();
      vssWorkers.shutdownNow();
    }
  }
}
