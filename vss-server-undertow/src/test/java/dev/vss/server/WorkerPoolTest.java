package dev.vss.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.vss.core.Keyspace;
import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.auth.NoAuthorizer;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The worker pool bounds how many requests are in the store at once: writes that wait on a durable
 * commit each hold a worker, so the pool decides how many can share one group commit.
 */
class WorkerPoolTest {
  private final InMemoryStorage memory = new InMemoryStorage();
  private final CountDownLatch gate = new CountDownLatch(1);
  private final AtomicInteger waitingWrites = new AtomicInteger();

  /** Holds every write at the store's door until the gate opens, like a slow commit. */
  private final ForwardingStorage storage =
      new ForwardingStorage(memory) {
        @Override
        void beforeCall(String call) {
          if (call.equals("write")) {
            waitingWrites.incrementAndGet();
            try {
              gate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        }
      };

  private VssServer server;

  @AfterEach
  void stop() {
    gate.countDown();
    if (server != null) {
      server.stop();
    }
    memory.close();
  }

  @Test
  void noMoreRequestsReachTheStoreThanThereAreWorkers() throws Exception {
    server = start(VssServer.builder(new VssService(storage, Limits.DEFAULTS)).workerThreads(3));
    List<CompletableFuture<HttpCalls.Reply>> replies = putFromManyClients(8);
    awaitWaitingWrites(3);
    // More would have arrived by now if the pool let them; the five others queue for a worker.
    Thread.sleep(300);
    assertThat(waitingWrites.get()).isEqualTo(3);
    gate.countDown();
    for (CompletableFuture<HttpCalls.Reply> reply : replies) {
      assertThat(reply.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
    }
    assertThat(
            memory.list(
                new Keyspace(NoAuthorizer.DEFAULT_USER_TOKEN, "s"), "", Long.MAX_VALUE, 100))
        .hasSize(8);
  }

  @Test
  void theDefaultPoolLetsManyMoreWritesWaitThanUndertowsDefault() throws Exception {
    server = start(VssServer.builder(new VssService(storage, Limits.DEFAULTS)));
    // Undertow's own default is 8 workers per IO thread: 16 on two cores.
    List<CompletableFuture<HttpCalls.Reply>> replies = putFromManyClients(40);
    awaitWaitingWrites(40);
    gate.countDown();
    for (CompletableFuture<HttpCalls.Reply> reply : replies) {
      assertThat(reply.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
    }
    assertThat(VssServer.DEFAULT_WORKER_THREADS).isGreaterThanOrEqualTo(40);
  }

  @Test
  void aPoolWithoutWorkersIsRefused() {
    VssServer.Builder builder = VssServer.builder(new VssService(memory, Limits.DEFAULTS));
    assertThatThrownBy(() -> builder.workerThreads(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("workerThreads");
  }

  private static VssServer start(VssServer.Builder builder) {
    return builder.authorizer(new NoAuthorizer()).bind("127.0.0.1", 0).start();
  }

  /** {@code clients} puts of distinct keys at once, each on its own connection. */
  private List<CompletableFuture<HttpCalls.Reply>> putFromManyClients(int clients) {
    List<CompletableFuture<HttpCalls.Reply>> replies = new ArrayList<>();
    HttpCalls http = new HttpCalls(server.rootUri());
    for (int i = 0; i < clients; i++) {
      replies.add(
          http.postAsync(
              "/vss/putObjects",
              PutObjectRequest.newBuilder()
                  .setStoreId("s")
                  .addTransactionItems(
                      KeyValue.newBuilder()
                          .setKey("k" + i)
                          .setVersion(0)
                          .setValue(ByteString.copyFromUtf8("v")))
                  .build()));
    }
    return replies;
  }

  private void awaitWaitingWrites(int expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (waitingWrites.get() < expected && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(waitingWrites.get()).isEqualTo(expected);
  }
}
