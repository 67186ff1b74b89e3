package dev.vss.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vss.core.Keyspace;
import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.auth.Authorizer;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.WriteDecision;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.ErrorResponse;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.GetObjectResponse;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Writes on a store that {@linkplain dev.vss.core.spi.Storage#writesWithoutBlocking writes without
 * blocking}: the handler queues a small write from the IO thread and answers from its completion,
 * which here arrives later on a thread of the store's own, after the handler's call has returned.
 * Each write gets the answer of its own outcome, sent on the IO thread; a large body is still
 * parsed on a worker.
 */
class QueuedWriteHttpTest {
  private final InMemoryStorage memory = new InMemoryStorage();

  /** The store's writer: completes each queued write 20 ms after it was queued. */
  private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();

  /** The thread each write was queued from. */
  private final List<String> queuedFrom = new CopyOnWriteArrayList<>();

  /** For each completed exchange: whether it completed on the IO thread. */
  private final List<Boolean> completedOnIoThread = new CopyOnWriteArrayList<>();

  /** The handler's limit: more requests than this, sent one after another, find a leaked permit. */
  private static final int CONCURRENT_REQUESTS = 100;

  private VssHttpHandler vss;
  private volatile boolean failWrites;
  private Undertow undertow;
  private URI base;
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** Queues writes for {@link #writer}, as a store with a writer thread does. */
  private final class QueuedStorage extends ForwardingStorage {
    QueuedStorage() {
      super(memory);
    }

    @Override
    public <R> CompletionStage<R> writeAsync(
        Keyspace keyspace, Set<String> keys, WriteDecision<R> decision) {
      queuedFrom.add(Thread.currentThread().getName());
      CompletableFuture<R> outcome = new CompletableFuture<>();
      ScheduledFuture<?> unused =
          writer.schedule(
              () -> {
                try {
                  if (failWrites) {
                    throw new StorageException("COMMIT failed: server closed the connection");
                  }
                  outcome.complete(write(keyspace, keys, decision));
                } catch (RuntimeException e) {
                  outcome.completeExceptionally(e);
                }
              },
              20,
              TimeUnit.MILLISECONDS);
      return outcome;
    }

    @Override
    public boolean writesWithoutBlocking() {
      return true;
    }
  }

  @BeforeEach
  void start() {
    vss =
        new VssHttpHandler(
            new VssService(new QueuedStorage(), Limits.DEFAULTS),
            // One that does not block: authorized on the IO thread, so that a body which arrived
            // with the head is read within the handler's call.
            new Authorizer() {
              @Override
              public String authorize(Map<String, String> headers) {
                return "u";
              }

              @Override
              public boolean mayBlock() {
                return false;
              }
            },
            4 << 20,
            null,
            64 << 20,
            VssHttpHandler.DEFAULT_BODY_READ_TIMEOUT,
            CONCURRENT_REQUESTS,
            RateLimits.OFF);
    undertow =
        Undertow.builder()
            .addHttpListener(0, "127.0.0.1")
            .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, Long.MAX_VALUE)
            .setHandler(
                Handlers.path()
                    .addPrefixPath(
                        "/vss",
                        exchange -> {
                          exchange.addExchangeCompleteListener(
                              (ex, next) -> {
                                completedOnIoThread.add(ex.isInIoThread());
                                next.proceed();
                              });
                          vss.handleRequest(exchange);
                        }))
            .build();
    undertow.start();
    int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    base = URI.create("http://127.0.0.1:" + port + "/vss");
  }

  @AfterEach
  void stop() {
    undertow.stop();
    writer.shutdownNow();
    memory.close();
  }

  @Test
  void eachQueuedWriteIsAnsweredWithItsOwnOutcome() throws Exception {
    assertThat(post("/putObjects", put("a", 0, 1)).statusCode()).isEqualTo(200);
    HttpResponse<byte[]> conflict = post("/putObjects", put("a", 0, 1));
    assertThat(conflict.statusCode()).isEqualTo(409);
    assertThat(ErrorResponse.parseFrom(conflict.body()).getErrorCode())
        .isEqualTo(ErrorCode.CONFLICT_EXCEPTION);
    assertThat(post("/putObjects", put("a", 1, 1)).statusCode()).isEqualTo(200);
    assertThat(
            post(
                    "/deleteObject",
                    DeleteObjectRequest.newBuilder()
                        .setStoreId("s")
                        .setKeyValue(KeyValue.newBuilder().setKey("b").setVersion(-1))
                        .build()
                        .toByteArray())
                .statusCode())
        .isEqualTo(200);
    assertThat(post("/putObjects", new byte[] {(byte) 0xff}).statusCode()).isEqualTo(400);
    assertThat(stored("a").getValue().getVersion()).isEqualTo(2);

    assertThat(queuedFrom).hasSize(4).allSatisfy(name -> assertThat(name).contains("I/O"));
    awaitCompletions(6);
    assertThat(completedOnIoThread).containsOnly(true);
  }

  /**
   * A request whose head and body arrive in one segment is read whole within the handler's own
   * call; its exchange must stay open until the queued write completes (Undertow ends an exchange
   * whose handler returns without dispatching it), so a conflict is answered as one and not as an
   * empty 200.
   */
  @Test
  void aWriteReadWholeWithinTheHandlersCallWaitsForItsOutcome() throws Exception {
    assertThat(sendInOneSegment(put("c", 0, 1)).status()).isEqualTo(200);
    RawHttp.Response conflict = sendInOneSegment(put("c", 0, 1));
    assertThat(conflict.status()).isEqualTo(409);
    assertThat(conflict.error().getErrorCode()).isEqualTo(ErrorCode.CONFLICT_EXCEPTION);
    assertThat(stored("c").getValue().getVersion()).isEqualTo(1);
  }

  private RawHttp.Response sendInOneSegment(byte[] body) {
    byte[] head =
        ("POST /vss/putObjects HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    byte[] request = java.util.Arrays.copyOf(head, head.length + body.length);
    System.arraycopy(body, 0, request, head.length, body.length);
    return RawHttp.send(base.getPort(), request);
  }

  @Test
  void manyQueuedWritesAtOnceEachGetTheirAnswer() throws Exception {
    List<CompletableFuture<HttpResponse<byte[]>>> racing = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      racing.add(postAsync("/putObjects", put("race", 0, 1)));
      racing.add(postAsync("/putObjects", put("own-" + i, 0, 1)));
    }
    int created = 0;
    int conflicts = 0;
    for (int i = 0; i < racing.size(); i++) {
      int status = racing.get(i).get(1, TimeUnit.MINUTES).statusCode();
      if (i % 2 == 1) {
        assertThat(status).as("a create of a key of its own").isEqualTo(200);
      } else if (status == 200) {
        created++;
      } else {
        assertThat(status).isEqualTo(409);
        conflicts++;
      }
    }
    assertThat(created).isEqualTo(1);
    assertThat(conflicts).isEqualTo(39);
    // Every answered write gave back its permit and its body's bytes: as many requests again as
    // the limit, one after another, are all served.
    for (int i = 0; i < CONCURRENT_REQUESTS; i++) {
      assertThat(stored("own-" + (i % 40)).getValue().getVersion()).isEqualTo(1);
    }
    awaitCompletions(80 + CONCURRENT_REQUESTS);
    assertThat(vss.bodyBytesInFlight()).isZero();
  }

  @Test
  void aStoreFaultArrivingLaterAnswersAGeneric500() throws Exception {
    failWrites = true;
    HttpResponse<byte[]> failed = post("/putObjects", put("a", 0, 1));
    assertThat(failed.statusCode()).isEqualTo(500);
    ErrorResponse error = ErrorResponse.parseFrom(failed.body());
    assertThat(error.getErrorCode()).isEqualTo(ErrorCode.INTERNAL_SERVER_EXCEPTION);
    assertThat(error.getMessage()).doesNotContain("COMMIT");
    awaitCompletions(1);
    assertThat(vss.bodyBytesInFlight()).isZero();
  }

  @Test
  void aLargeWriteIsParsedOnAWorker() throws Exception {
    int size = VssHttpHandler.INLINE_WRITE_BYTES + 1024;
    assertThat(post("/putObjects", put("big", 0, size)).statusCode()).isEqualTo(200);
    assertThat(post("/putObjects", put("small", 0, 1)).statusCode()).isEqualTo(200);
    assertThat(queuedFrom).hasSize(2);
    assertThat(queuedFrom.get(0)).doesNotContain("I/O");
    assertThat(queuedFrom.get(1)).contains("I/O");
    assertThat(stored("big").getValue().getValue().size()).isEqualTo(size);
  }

  private GetObjectResponse stored(String key) throws Exception {
    HttpResponse<byte[]> response =
        post(
            "/getObject",
            GetObjectRequest.newBuilder().setStoreId("s").setKey(key).build().toByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    return GetObjectResponse.parseFrom(response.body());
  }

  private void awaitCompletions(int count) throws InterruptedException {
    // A completion listener runs after the response is written.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (completedOnIoThread.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(completedOnIoThread).hasSizeGreaterThanOrEqualTo(count);
  }

  private HttpResponse<byte[]> post(String path, byte[] body) throws Exception {
    return postAsync(path, body).get(1, TimeUnit.MINUTES);
  }

  private CompletableFuture<HttpResponse<byte[]>> postAsync(String path, byte[] body) {
    return client.sendAsync(
        HttpRequest.newBuilder(URI.create(base + path))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static byte[] put(String key, long version, int valueBytes) {
    return PutObjectRequest.newBuilder()
        .setStoreId("s")
        .addTransactionItems(
            KeyValue.newBuilder()
                .setKey(key)
                .setVersion(version)
                .setValue(ByteString.copyFrom(new byte[valueBytes])))
        .build()
        .toByteArray();
  }
}
