package dev.vss.testkit;

import static dev.vss.testkit.Requests.item;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.vss.core.VssException;
import dev.vss.core.rules.RequestValidation;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The concurrency guarantees of SPEC section 7, checked by racing many threads against one {@link
 * VssEndpoint}: linearizable writes per keyspace, independent keyspaces, and read-after-write.
 *
 * <p>A subclass supplies a fresh endpoint per test; storage adapters extend {@link
 * StorageConcurrencySuite}. As in {@link VssConformanceSuite}, user tokens are drawn at random per
 * test, so an endpoint that cannot be reset still starts from empty keyspaces. Racing threads are
 * released together by a latch to make collisions likely; the outcomes are checked exactly, never
 * timed. A bound of a few minutes per wait only turns a deadlock into a failure.
 */
public abstract class VssConcurrencySuite {
  private static final String STORE = "race";
  private static final long HANG_MINUTES = 5;

  /** A user token drawn at random for the current test. */
  protected String alice;

  private VssEndpoint endpoint;
  private ExecutorService pool;

  /**
   * A fresh endpoint for one test; it must be thread-safe.
   *
   * @throws Exception if it cannot be set up; the test then fails
   */
  protected abstract VssEndpoint newEndpoint() throws Exception;

  /**
   * Releases an endpoint made by {@link #newEndpoint()}. Does nothing unless overridden.
   *
   * @throws Exception if releasing fails; the test then fails
   */
  protected void closeEndpoint(VssEndpoint endpoint) throws Exception {}

  /** How many threads race; defaults to 16. */
  protected int threads() {
    return 16;
  }

  /** How many times each race is repeated; defaults to 20. */
  protected int rounds() {
    return 20;
  }

  /**
   * What the endpoint supports; without {@link Capability#SEVERAL_USERS} the writers in different
   * keyspaces use other store ids of one user only. Defaults to {@link
   * Capability#endpointDefaults()}.
   */
  protected Set<Capability> capabilities() {
    return Capability.endpointDefaults();
  }

  /** The endpoint of the current test. */
  protected final VssEndpoint endpoint() {
    if (endpoint == null) {
      throw new IllegalStateException("no endpoint: the test has not been set up");
    }
    return endpoint;
  }

  /** Opens a fresh endpoint and a thread pool. */
  @BeforeEach
  public final void openEndpoint() throws Exception {
    alice = "alice-" + UUID.randomUUID();
    pool = Executors.newFixedThreadPool(threads());
    endpoint = newEndpoint();
  }

  /** Stops the pool and releases the endpoint. */
  @AfterEach
  public final void releaseEndpoint() throws Exception {
    if (pool != null) {
      pool.shutdownNow();
      pool.awaitTermination(HANG_MINUTES, TimeUnit.MINUTES);
      pool = null;
    }
    VssEndpoint used = endpoint;
    endpoint = null;
    if (used != null) {
      closeEndpoint(used);
    }
  }

  /** Of N concurrent creates (version 0) of one key, exactly one succeeds; N-1 get CONFLICT. */
  @Test
  public void racingCreatesHaveExactlyOneWinner() throws Exception {
    for (int round = 0; round < rounds(); round++) {
      String key = "key-" + round;
      List<ErrorCode> outcomes =
          race(
              thread ->
                  put(
                      PutObjectRequest.newBuilder()
                          .setStoreId(STORE)
                          .addTransactionItems(item(key, 0, "thread " + thread))
                          .build()));

      int winner = requireOneWinner(outcomes, "create of " + key);
      assertThat(get(key)).isEqualTo(item(key, 1, "thread " + winner));
    }
    assertThat(snapshot().entries()).hasSize(rounds());
  }

  /** Of N concurrent updates of one key at the same version, exactly one succeeds. */
  @Test
  public void racingConditionalUpdatesHaveExactlyOneWinner() throws Exception {
    endpoint()
        .putObjects(
            alice,
            PutObjectRequest.newBuilder()
                .setStoreId(STORE)
                .addTransactionItems(item("k", 0, "initial"))
                .build());
    for (int round = 1; round <= rounds(); round++) {
      long version = round;
      List<ErrorCode> outcomes =
          race(
              thread ->
                  put(
                      PutObjectRequest.newBuilder()
                          .setStoreId(STORE)
                          .addTransactionItems(
                              item("k", version, "round " + version + " thread " + thread))
                          .build()));

      int winner = requireOneWinner(outcomes, "update of k at version " + version);
      assertThat(get("k"))
          .isEqualTo(item("k", version + 1, "round " + version + " thread " + winner));
    }
  }

  /**
   * Of N concurrent puts that each delete the same key at the same version (and create a key of
   * their own), exactly one succeeds, and only the winner's own key exists afterwards.
   */
  @Test
  public void racingDeleteItemsHaveExactlyOneWinner() throws Exception {
    for (int round = 0; round < rounds(); round++) {
      String victim = "victim-" + round;
      endpoint()
          .putObjects(
              alice,
              PutObjectRequest.newBuilder()
                  .setStoreId(STORE)
                  .addTransactionItems(item(victim, 0, "v"))
                  .build());
      int currentRound = round;
      List<ErrorCode> outcomes =
          race(
              thread ->
                  put(
                      PutObjectRequest.newBuilder()
                          .setStoreId(STORE)
                          .addTransactionItems(item("r" + currentRound + "-t" + thread, 0, "v"))
                          .addDeleteItems(item(victim, 1))
                          .build()));

      int winner = requireOneWinner(outcomes, "delete of " + victim);
      assertThat(snapshot().keys())
          .as("round %d", round)
          .contains("r" + round + "-t" + winner)
          .doesNotContain(victim)
          .filteredOn(key -> key.startsWith("r" + currentRound + "-"))
          .hasSize(1);
    }
  }

  /**
   * Threads that each read the global version and put with it, retrying on CONFLICT until each has
   * succeeded a fixed number of times, leave the global version at exactly the number of successful
   * puts.
   */
  @Test
  public void globalVersionCountsEveryConcurrentSuccess() throws Exception {
    int successesPerThread = Math.max(1, rounds() / 4);
    long maxAttempts = 100_000;
    AtomicLong conflicts = new AtomicLong();
    List<Future<Integer>> writers = new ArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    for (int t = 0; t < threads(); t++) {
      int thread = t;
      writers.add(
          pool.submit(
              () -> {
                start.await();
                int successes = 0;
                for (long attempt = 0; successes < successesPerThread; attempt++) {
                  if (attempt == maxAttempts) {
                    throw new AssertionError(
                        "thread " + thread + " made no progress in " + maxAttempts + " attempts");
                  }
                  long seen = get(RequestValidation.GLOBAL_VERSION_KEY).getVersion();
                  ErrorCode outcome =
                      put(
                          PutObjectRequest.newBuilder()
                              .setStoreId(STORE)
                              .setGlobalVersion(seen)
                              .addTransactionItems(
                                  item("writer-" + thread, -1, "success " + successes))
                              .build());
                  if (outcome == null) {
                    successes++;
                  } else {
                    assertThat(outcome).isEqualTo(ErrorCode.CONFLICT_EXCEPTION);
                    conflicts.incrementAndGet();
                  }
                }
                return successes;
              }));
    }
    start.countDown();
    int total = 0;
    for (Future<Integer> writer : writers) {
      total += await(writer);
    }

    KeyspaceSnapshot after = snapshot();
    assertThat(total).isEqualTo(threads() * successesPerThread);
    assertThat(after.globalVersion())
        .as("global version after %d successes and %d conflicts", total, conflicts.get())
        .isEqualTo(total);
    assertThat(after.entries())
        .hasSize(threads())
        .allSatisfy(
            entry ->
                assertThat(entry.value().toStringUtf8())
                    .isEqualTo("success " + (successesPerThread - 1)));
  }

  /**
   * Threads writing the same key names in different keyspaces (other users in one store, other
   * stores of one user) never conflict, and each keyspace ends exactly as its own writer left it.
   */
  @Test
  public void writersInDifferentKeyspacesDoNotInterfere() throws Exception {
    int steps = rounds();
    List<String> users = new ArrayList<>();
    List<String> stores = new ArrayList<>();
    for (int t = 0; t < threads(); t++) {
      // Even threads: their own user in the shared store; odd threads: their own store.
      boolean ownUser = t % 2 == 0 && capabilities().contains(Capability.SEVERAL_USERS);
      users.add(ownUser ? alice + "-" + t : alice);
      stores.add(ownUser ? STORE : STORE + "-" + t);
    }
    List<ErrorCode> outcomes =
        race(
            thread -> {
              String user = users.get(thread);
              String store = stores.get(thread);
              for (int step = 0; step < steps; step++) {
                try {
                  endpoint()
                      .putObjects(
                          user,
                          PutObjectRequest.newBuilder()
                              .setStoreId(store)
                              .setGlobalVersion(step)
                              .addTransactionItems(
                                  item("shared", step, "thread " + thread + " step " + step))
                              .addTransactionItems(item("step-" + step, 0, "v"))
                              .build());
                } catch (VssException e) {
                  return e.errorCode();
                }
              }
              return null;
            });

    assertThat(outcomes).as("outcomes (null is success)").containsOnlyNulls();
    for (int t = 0; t < threads(); t++) {
      KeyspaceSnapshot keyspace = KeyspaceSnapshot.read(endpoint(), users.get(t), stores.get(t));
      assertThat(keyspace.globalVersion()).as("thread %d", t).isEqualTo(steps);
      assertThat(keyspace.entries()).as("thread %d", t).hasSize(steps + 1);
      assertThat(keyspace.byKey().get("shared").version()).isEqualTo(steps);
      assertThat(keyspace.byKey().get("shared").value().toStringUtf8())
          .isEqualTo("thread " + t + " step " + (steps - 1));
    }
  }

  /**
   * Readers running while a writer advances a key never see a version older than the last one
   * acknowledged before their read started, never see versions go backwards, and always see the
   * value written with the version they see.
   */
  @Test
  public void readersSeeEveryAcknowledgedWrite() throws Exception {
    int writes = rounds() * 10;
    AtomicLong acknowledged = new AtomicLong();
    AtomicBoolean writing = new AtomicBoolean(true);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Long>> readers = new ArrayList<>();
    for (int t = 1; t < threads(); t++) {
      readers.add(
          pool.submit(
              () -> {
                start.await();
                long lastSeen = 0;
                long reads = 0;
                do {
                  long floor = acknowledged.get();
                  long seen = readVersionAndCheckValue();
                  if (seen < floor) {
                    throw new AssertionError(
                        "read version " + seen + " after version " + floor + " was acknowledged");
                  }
                  if (seen < lastSeen) {
                    throw new AssertionError("read version " + seen + " after reading " + lastSeen);
                  }
                  lastSeen = seen;
                  reads++;
                } while (writing.get());
                return reads;
              }));
    }
    Future<Void> writer =
        pool.submit(
            () -> {
              start.await();
              try {
                for (long version = 1; version <= writes; version++) {
                  endpoint()
                      .putObjects(
                          alice,
                          PutObjectRequest.newBuilder()
                              .setStoreId(STORE)
                              .addTransactionItems(item("k", version - 1, "version " + version))
                              .build());
                  acknowledged.set(version);
                  long readBack = readVersionAndCheckValue();
                  assertThat(readBack).as("read back by the writer").isEqualTo(version);
                }
              } finally {
                writing.set(false);
              }
              return null;
            });
    start.countDown();

    await(writer);
    for (Future<Long> reader : readers) {
      assertThat(await(reader)).isPositive();
    }
    assertThat(get("k")).isEqualTo(item("k", writes, "version " + writes));
  }

  // ---------------------------------------------------------------------------------------------

  /** getObject of {@code key} in the test's keyspace. */
  private KeyValue get(String key) {
    return endpoint().getObject(alice, Requests.get(STORE, key)).getValue();
  }

  private KeyspaceSnapshot snapshot() {
    return KeyspaceSnapshot.read(endpoint(), alice, STORE);
  }

  /** The version of k (0 when missing), checking that its value was written with that version. */
  private long readVersionAndCheckValue() {
    KeyValue stored;
    try {
      stored = get("k");
    } catch (VssException e) {
      if (e.errorCode() == ErrorCode.NO_SUCH_KEY_EXCEPTION) {
        return 0;
      }
      throw e;
    }
    String expected = "version " + stored.getVersion();
    if (!stored.getValue().toStringUtf8().equals(expected)) {
      throw new AssertionError(
          "version "
              + stored.getVersion()
              + " carries value '"
              + stored.getValue().toStringUtf8()
              + "', written with another version");
    }
    return stored.getVersion();
  }

  /** Sends a put in the test's keyspace; null on success, else the error code. */
  private ErrorCode put(PutObjectRequest request) {
    try {
      endpoint().putObjects(alice, request);
      return null;
    } catch (VssException e) {
      return e.errorCode();
    }
  }

  /**
   * Runs {@code task} on {@link #threads()} threads released at once; answers each thread's result
   * in thread order.
   */
  private List<ErrorCode> race(IntFunction<ErrorCode> task) throws Exception {
    CountDownLatch ready = new CountDownLatch(threads());
    CountDownLatch start = new CountDownLatch(1);
    List<Future<ErrorCode>> futures = new ArrayList<>();
    for (int t = 0; t < threads(); t++) {
      int thread = t;
      Callable<ErrorCode> call =
          () -> {
            ready.countDown();
            start.await();
            return task.apply(thread);
          };
      futures.add(pool.submit(call));
    }
    if (!ready.await(HANG_MINUTES, TimeUnit.MINUTES)) {
      fail("threads did not start");
    }
    start.countDown();
    List<ErrorCode> outcomes = new ArrayList<>();
    for (Future<ErrorCode> future : futures) {
      outcomes.add(await(future));
    }
    return outcomes;
  }

  /** Requires exactly one success and CONFLICT for every other thread; answers the winner. */
  private int requireOneWinner(List<ErrorCode> outcomes, String what) {
    List<Integer> winners = new ArrayList<>();
    for (int t = 0; t < outcomes.size(); t++) {
      if (outcomes.get(t) == null) {
        winners.add(t);
      } else {
        assertThat(outcomes.get(t))
            .as("%s, thread %d", what, t)
            .isEqualTo(ErrorCode.CONFLICT_EXCEPTION);
      }
    }
    assertThat(winners).as("threads that won the %s", what).hasSize(1);
    return winners.get(0);
  }

  private static <T> T await(Future<T> future) throws Exception {
    try {
      return future.get(HANG_MINUTES, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    } catch (TimeoutException e) {
      throw new AssertionError(
          "a thread did not finish within " + HANG_MINUTES + " minutes: deadlock?", e);
    }
  }
}
