package dev.vss.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vss.core.Keyspace;
import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.auth.NoAuthorizer;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** stop(): no new requests, in-flight ones finish and are acknowledged, then the port closes. */
class GracefulShutdownTest {
  private static final String USER = NoAuthorizer.DEFAULT_USER_TOKEN;

  private static PutObjectRequest put(String key) {
    return PutObjectRequest.newBuilder()
        .addTransactionItems(
            KeyValue.newBuilder().setKey(key).setVersion(0).setValue(ByteString.copyFromUtf8("v")))
        .build();
  }

  /** A store whose writes of key "slow" wait for {@code release}. */
  private static final class SlowStorage extends ForwardingStorage {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    SlowStorage(InMemoryStorage delegate) {
      super(delegate);
    }

    @Override
    void beforeCall(String call) {
      if (call.equals("write") && Thread.currentThread().getName().contains("task")) {
        entered.countDown();
        try {
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /** Waits (bounded) until the server stops answering new requests normally. */
  private static void awaitShutdownStarted(HttpCalls http) throws InterruptedException {
    for (int i = 0; i < 500; i++) {
      try {
        if (http.call("GET", "/health").status() == 503) {
          return;
        }
      } catch (UncheckedIOException refused) {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the server never began shutting down");
  }

  @Test
  void inFlightWritesFinishAndAreAcknowledged() throws Exception {
    InMemoryStorage memory = new InMemoryStorage();
    SlowStorage storage = new SlowStorage(memory);
    VssServer server =
        VssServer.builder(new VssService(storage, Limits.DEFAULTS))
            .authorizer(new NoAuthorizer())
            .bind("127.0.0.1", 0)
            .start();
    HttpCalls http = new HttpCalls(server.rootUri());

    CompletableFuture<HttpCalls.Reply> inFlight = http.postAsync("/vss/putObjects", put("slow"));
    assertThat(storage.entered.await(30, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(server::stop);
    awaitShutdownStarted(http);

    assertThat(stopped).isNotDone();
    assertThat(inFlight).isNotDone();
    storage.release.countDown();

    assertThat(inFlight.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
    assertThat(stopped.get(30, TimeUnit.SECONDS)).as("drained within the timeout").isTrue();
    assertThat(memory.get(new Keyspace(USER, ""), "slow")).isPresent();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> http.call("GET", "/health"))
        .as("the port is closed")
        .isInstanceOf(UncheckedIOException.class);
    memory.close();
  }

  @Test
  void theWaitIsBounded() throws Exception {
    InMemoryStorage memory = new InMemoryStorage();
    SlowStorage storage = new SlowStorage(memory);
    VssServer server =
        VssServer.builder(new VssService(storage, Limits.DEFAULTS))
            .authorizer(new NoAuthorizer())
            .bind("127.0.0.1", 0)
            .shutdownTimeout(Duration.ofMillis(200))
            .start();
    HttpCalls http = new HttpCalls(server.rootUri());

    CompletableFuture<HttpCalls.Reply> stuck = http.postAsync("/vss/putObjects", put("slow"));
    assertThat(storage.entered.await(30, TimeUnit.SECONDS)).isTrue();
    // The stuck write never gets released: stop() gives up on it instead of waiting forever.
    assertThat(server.stop()).isFalse();
    assertThat(stuck).failsWithin(30, TimeUnit.SECONDS);
    storage.release.countDown();
    memory.close();
  }
}
