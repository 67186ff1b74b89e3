package dev.vss.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vss.core.Limits;
import dev.vss.core.VssException;
import dev.vss.core.VssService;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.proto.GetObjectRequest;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every API answer the handler computes on a worker is sent, and its exchange completed, on the
 * connection's IO thread. Completing an exchange on a worker makes Undertow's IO thread busy-wait
 * for the worker when the client's next request arrives first; on a loaded machine that spin took
 * most of the server's CPU (BENCHMARKS.md, "The get and put path").
 */
class AnswerThreadTest {
  private final InMemoryStorage memory = new InMemoryStorage();

  /** For each completed exchange: its path, and whether it completed on the IO thread. */
  private final List<String> completions = new CopyOnWriteArrayList<>();

  /** How many completions had been recorded when the last call returned. */
  private int completionsSeen;

  private Undertow undertow;
  private URI base;
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() {
    VssHttpHandler vss =
        new VssHttpHandler(
            new VssService(memory, Limits.DEFAULTS),
            headers -> {
              if (headers.containsKey("X-Refuse")) {
                throw VssException.auth("no");
              }
              return "u";
            },
            1 << 20);
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
                                completions.add(
                                    ex.getRelativePath()
                                        + (ex.isInIoThread() ? " on io" : " on worker"));
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
    memory.close();
  }

  @Test
  void successesAndFailuresAreAnsweredOnTheIoThread() throws Exception {
    assertThat(post("/putObjects", put("a", 0), Map.of())).isEqualTo(200);
    assertThat(post("/putObjects", put("a", 0), Map.of())).isEqualTo(409);
    assertThat(post("/getObject", get("a"), Map.of())).isEqualTo(200);
    assertThat(post("/getObject", get("missing"), Map.of())).isEqualTo(404);
    assertThat(post("/getObject", new byte[] {(byte) 0xff}, Map.of())).isEqualTo(400);
    assertThat(post("/getObject", get("a"), Map.of("X-Refuse", "1"))).isEqualTo(401);

    assertThat(completions)
        .containsExactly(
            "/putObjects on io",
            "/putObjects on io",
            "/getObject on io",
            "/getObject on io",
            "/getObject on io",
            "/getObject on io");
  }

  private int post(String path, byte[] body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    int status = client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    // The completion listener runs after the response is written: wait for it.
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (completions.size() == completionsSeen && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    completionsSeen = completions.size();
    return status;
  }

  private static byte[] put(String key, long version) {
    return PutObjectRequest.newBuilder()
        .setStoreId("s")
        .addTransactionItems(
            KeyValue.newBuilder()
                .setKey(key)
                .setVersion(version)
                .setValue(ByteString.copyFromUtf8("v")))
        .build()
        .toByteArray();
  }

  private static byte[] get(String key) {
    return GetObjectRequest.newBuilder().setStoreId("s").setKey(key).build().toByteArray();
  }
}
