package dev.vss.testkit;

import static dev.vss.testkit.Requests.item;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import dev.vss.core.Limits;
import dev.vss.core.VssException;
import dev.vss.core.rules.RequestValidation;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.ListKeyVersionsResponse;
import dev.vss.proto.PutObjectRequest;
import dev.vss.protocol.Versions;
import dev.vss.testkit.KeyspaceSequentialModel.Call;
import dev.vss.testkit.KeyspaceSequentialModel.Outcome;
import dev.vss.testkit.LinearizabilityChecker.Operation;
import dev.vss.testkit.LinearizabilityChecker.Result;
import dev.vss.testkit.LinearizabilityChecker.Verdict;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Consistency under concurrency, checked from the outside through a {@link VssEndpoint}: multi-item
 * puts become visible all at once (atomic visibility), and every keyspace behaves as one copy of
 * the reference model operated on one request at a time (linearizability, SPEC section 7).
 *
 * <p>A subclass supplies a fresh, thread-safe endpoint per test; storage adapters extend {@link
 * StorageConsistencySuite}, which adds a process-kill test. User tokens are drawn at random per
 * test, so an endpoint that cannot be reset still starts from empty keyspaces. Nothing is timed:
 * workloads are bounded by operation counts, and a few minutes' bound per wait only turns a
 * deadlock into a failure.
 */
public abstract class VssConsistencySuite {
  /** The slot keys every generation of the atomic-visibility workload rewrites. */
  private static final int SLOTS = 6;

  private static final String MARKER = "gen-";
  private static final long HANG_MINUTES = 5;
  private static final String[] KEYS = {"a", "b"};

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

  /**
   * The limits the endpoint enforces; defaults to {@link Limits#DEFAULTS}. The workloads need at
   * least 10 items per put and a maximum page size of at least 10.
   */
  protected Limits limits() {
    return Limits.DEFAULTS;
  }

  /** How many generations the atomic-visibility writers commit per test; defaults to 200. */
  protected int visibilityGenerations() {
    return 200;
  }

  /** How many threads record each linearizability history; defaults to 4. */
  protected int historyThreads() {
    return 4;
  }

  /** How many operations each thread records per history; defaults to 50. */
  protected int operationsPerThread() {
    return 50;
  }

  /** How many histories the linearizability test records and checks; defaults to 8. */
  protected int histories() {
    return 8;
  }

  /**
   * The most search steps the linearizability checker may take per history before it answers
   * inconclusive (which fails the test); defaults to 2,000,000.
   */
  protected long maxCheckerSteps() {
    return 2_000_000;
  }

  /**
   * What the endpoint supports. The checks of this class need none of the optional capabilities;
   * {@link StorageConsistencySuite}'s kill test needs {@link Capability#DURABLE}. Defaults to
   * {@link Capability#endpointDefaults()}.
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
    pool = Executors.newCachedThreadPool();
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

  // --- atomic visibility --------------------------------------------------------------------

  /**
   * Two writers commit generations of one multi-item put (rewrite six slot keys, create this
   * generation's marker key, delete the previous one's, advance the global version) while readers
   * list the keyspace in one page. Every page must show one generation whole: all slots at the same
   * version, exactly that generation's marker, a global version no newer (it is read before the
   * keys), and never a generation older than one any read that finished before it began had seen.
   */
  @Test
  public void listingsNeverSeeAPutHalfApplied() throws Exception {
    runVisibilityWorkload("atomic-list", this::listOnce);
  }

  /**
   * The same writers, with readers that get the global version, the six slots and a marker one by
   * one in a random order. Separate gets may straddle two generations, but never go back: once a
   * read has shown that generation g committed (a slot at version g, the global version at g, or
   * marker g-1 gone), every read that starts afterwards must show g or later. A put whose items
   * become visible one at a time breaks this as soon as a reader gets an item the put applied early
   * before one it applies late.
   */
  @Test
  public void getsNeverSeeAPutHalfApplied() throws Exception {
    runVisibilityWorkload("atomic-get", this::getsOnce);
  }

  /** One read of the visibility workload: given the floor, answers the generation it proved. */
  @FunctionalInterface
  private interface VisibilityRead {
    long read(String store, long floor, Random random);
  }

  private void runVisibilityWorkload(String store, VisibilityRead read) throws Exception {
    int writers = 2;
    int readers = 4;
    int generations = visibilityGenerations();
    AtomicLong floor = new AtomicLong();
    AtomicLong committed = new AtomicLong();
    AtomicInteger running = new AtomicInteger(writers);
    AtomicReference<String> violation = new AtomicReference<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Long>> tasks = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      tasks.add(
          pool.submit(
              () -> {
                start.await();
                try {
                  long wins = 0;
                  while (committed.get() < generations && violation.get() == null) {
                    long seen = globalVersion(store);
                    if (put(generation(store, seen, writer)) == null) {
                      committed.incrementAndGet();
                      wins++;
                    }
                  }
                  return wins;
                } finally {
                  running.decrementAndGet();
                }
              }));
    }
    for (int r = 0; r < readers; r++) {
      Random random = new Random(r);
      tasks.add(
          pool.submit(
              () -> {
                start.await();
                long reads = 0;
                do {
                  long before = floor.get();
                  try {
                    long proven = read.read(store, before, random);
                    floor.accumulateAndGet(proven, Math::max);
                  } catch (AssertionError e) {
                    violation.compareAndSet(null, e.getMessage());
                    throw e;
                  }
                  reads++;
                } while (running.get() > 0 && violation.get() == null);
                return reads;
              }));
    }
    start.countDown();
    List<Long> counts = new ArrayList<>();
    AssertionError failure = null;
    for (Future<Long> task : tasks) {
      try {
        counts.add(await(task));
      } catch (AssertionError e) {
        failure = failure == null ? e : failure;
      }
    }
    if (violation.get() != null) {
      throw new AssertionError(violation.get());
    }
    if (failure != null) {
      throw failure;
    }
    assertThat(counts.subList(writers, counts.size())).as("reads per reader").allMatch(n -> n > 0);
    assertThat(globalVersion(store)).isGreaterThanOrEqualTo(generations);
    assertThat(listOnce(store, 0, new Random(0))).isEqualTo(globalVersion(store));
  }

  /**
   * The put that commits generation {@code seen + 1}: slots at version {@code seen} (created at
   * generation 1) rewritten, so a slot's version is the generation that wrote it.
   */
  private static PutObjectRequest generation(String store, long seen, int writer) {
    long next = seen + 1;
    PutObjectRequest.Builder put =
        PutObjectRequest.newBuilder().setStoreId(store).setGlobalVersion(seen);
    for (int slot = 0; slot < SLOTS; slot++) {
      put.addTransactionItems(item("slot-" + slot, seen, "generation " + next + " by " + writer));
    }
    put.addTransactionItems(item(MARKER + next, 0, "marker"));
    if (seen > 0) {
      put.addDeleteItems(item(MARKER + seen, 1));
    }
    return put.build();
  }

  private long listOnce(String store, long floor, Random random) {
    ListKeyVersionsResponse page =
        endpoint().listKeyVersions(alice, Requests.list(store, null, SLOTS + 4, null));
    Map<String, Long> versions = new HashMap<>();
    List<String> markers = new ArrayList<>();
    for (KeyValue entry : page.getKeyVersionsList()) {
      if (entry.getKey().startsWith(MARKER)) {
        markers.add(entry.getKey());
      } else {
        versions.put(entry.getKey(), entry.getVersion());
      }
    }
    String shown = Describe.message(page);
    if (versions.isEmpty() && markers.isEmpty()) {
      check(
          floor == 0,
          "a listing showed an empty keyspace after generation %d had been seen: %s",
          floor,
          shown);
      return 0;
    }
    long generation = versions.getOrDefault("slot-0", -1L);
    check(
        versions.size() == SLOTS && versions.values().stream().allMatch(v -> v == generation),
        "one page does not show one generation whole (slots of several generations, or missing):"
            + " %s",
        shown);
    check(
        markers.equals(List.of(MARKER + generation)),
        "one page shows markers %s with slots of generation %d: %s",
        markers,
        generation,
        shown);
    check(
        page.getGlobalVersion() <= generation,
        "one page shows global version %d, read before the keys, newer than the keys' generation"
            + " %d: %s",
        page.getGlobalVersion(),
        generation,
        shown);
    check(
        generation >= floor,
        "a listing shows generation %d after generation %d had been seen: %s",
        generation,
        floor,
        shown);
    return generation;
  }

  private long getsOnce(String store, long floor, Random random) {
    List<String> targets = new ArrayList<>();
    for (int slot = 0; slot < SLOTS; slot++) {
      targets.add("slot-" + slot);
    }
    targets.add(RequestValidation.GLOBAL_VERSION_KEY);
    targets.add(MARKER);
    Collections.shuffle(targets, random);
    long low = floor;
    List<String> trail = new ArrayList<>();
    for (String target : targets) {
      if (target.equals(MARKER)) {
        // The marker of the newest generation known to have committed: gone means the next one
        // committed too.
        String marker = MARKER + low;
        if (low > 0 && versionOrZero(store, marker) == 0) {
          trail.add(marker + " missing, so generation " + (low + 1) + " committed");
          low++;
        } else {
          trail.add(marker + (low > 0 ? " present" : " not read"));
        }
        continue;
      }
      long version =
          target.equals(RequestValidation.GLOBAL_VERSION_KEY)
              ? globalVersion(store)
              : versionOrZero(store, target);
      trail.add(target + "@" + version);
      check(
          version >= low,
          "%s read %d, but reads that finished before it proved generation %d"
              + " committed (floor when this sequence started: %d; its reads in order: %s)",
          target,
          version,
          low,
          floor,
          trail);
      low = version;
    }
    return low;
  }

  private static void check(boolean holds, String format, Object... args) {
    if (!holds) {
      throw new AssertionError(String.format(format, args));
    }
  }

  // --- linearizability ----------------------------------------------------------------------

  /**
   * Threads send random gets (of two keys and of {@code global_version}), conditional and
   * unconditional puts of one or two items with and without a global version, puts with a delete
   * item, and deleteObject, all on two keys of one keyspace, choosing versions from what each
   * thread last saw so that many succeed and many conflict. The recorded history (invocation,
   * response, outcome of every operation) must be linearizable against the reference model ({@link
   * KeyspaceSequentialModel}); {@link LinearizabilityChecker} decides, and a history it cannot
   * decide within {@link #maxCheckerSteps()} fails the test as inconclusive.
   */
  @Test
  public void historiesOfOneKeyspaceAreLinearizable() throws Exception {
    KeyspaceSequentialModel model = new KeyspaceSequentialModel(limits());
    long seed = new Random().nextLong();
    int[] outcomes = new int[3]; // successful writes, conflicts, gets
    for (int h = 0; h < histories(); h++) {
      String store = "linearizable-" + h;
      List<Operation<Call, Outcome>> history = recordHistory(store, seed + h);
      for (Operation<Call, Outcome> op : history) {
        if (op.input().request() instanceof GetObjectRequest) {
          outcomes[2]++;
        } else if (op.output().error() == null) {
          outcomes[0]++;
        } else {
          outcomes[1]++;
        }
      }
      Result result = LinearizabilityChecker.check(model, history, maxCheckerSteps());
      assertThat(result.verdict())
          .as(
              "history %d of %d (seed %d, history seed %d):%n%s",
              h, histories(), seed, seed + h, result.explanation())
          .isEqualTo(Verdict.LINEARIZABLE);
    }
    // The workload must exercise both sides of every decision, or the check proves little.
    assertThat(outcomes[0]).as("successful writes").isPositive();
    assertThat(outcomes[1]).as("conflicts").isPositive();
    assertThat(outcomes[2]).as("gets").isPositive();
  }

  private List<Operation<Call, Outcome>> recordHistory(String store, long seed) throws Exception {
    int threads = historyThreads();
    // Every thread sends its n-th operation together with the others' n-th, so that requests on
    // the same keys meet in the store as often as its speed allows.
    CyclicBarrier step = new CyclicBarrier(threads);
    List<Future<List<Operation<Call, Outcome>>>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Callable<List<Operation<Call, Outcome>>> client =
          () -> {
            try {
              return runClient(store, thread, new Random(seed * 31 + thread), step);
            } catch (Throwable e) {
              step.reset(); // releases the other threads instead of leaving them at the barrier
              throw e;
            }
          };
      futures.add(pool.submit(client));
    }
    List<Operation<Call, Outcome>> history = new ArrayList<>();
    Exception broken = null;
    for (Future<List<Operation<Call, Outcome>>> future : futures) {
      try {
        history.addAll(await(future));
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof BrokenBarrierException)) {
          throw e; // the thread that failed first, not one the reset released
        }
        broken = e;
      }
    }
    if (broken != null) {
      throw broken;
    }
    return history;
  }

  private List<Operation<Call, Outcome>> runClient(
      String store, int thread, Random random, CyclicBarrier step) throws Exception {
    Map<String, Long> seen = new HashMap<>(Map.of("a", 0L, "b", 0L));
    long seenGlobal = 0;
    List<Operation<Call, Outcome>> ops = new ArrayList<>();
    String lastRead = KEYS[0];
    for (int n = 0; n < operationsPerThread(); n++) {
      // Even steps read, odd steps mostly write the key just read: every thread then holds a
      // fresh version at once, and their conditional writes collide, as clients that read then
      // write do. Writes racing reads come from the odd steps' own reads.
      boolean readStep = n % 2 == 0;
      String key =
          !readStep && random.nextInt(4) > 0 ? lastRead : KEYS[random.nextInt(KEYS.length)];
      String other = key.equals("a") ? "b" : "a";
      String value = "t" + thread + "#" + n;
      int pick = readStep ? random.nextInt(30) : 15 + random.nextInt(85);
      if (readStep) {
        lastRead = key;
      }
      Message request;
      if (pick < 22) {
        request = Requests.get(store, key);
      } else if (pick < 30) {
        request = Requests.get(store, RequestValidation.GLOBAL_VERSION_KEY);
      } else if (pick < 58) {
        request =
            Requests.put(
                store,
                random.nextInt(5) == 0 ? OptionalLong.of(seenGlobal) : OptionalLong.empty(),
                List.of(item(key, chooseVersion(seen.get(key), random), value)),
                List.of());
      } else if (pick < 70) {
        request =
            Requests.put(
                store,
                random.nextBoolean() ? OptionalLong.of(seenGlobal) : OptionalLong.empty(),
                List.of(
                    item(key, chooseVersion(seen.get(key), random), value),
                    item(other, chooseVersion(seen.get(other), random), value)),
                List.of());
      } else if (pick < 88) {
        long stored = seen.get(key);
        request =
            Requests.delete(store, item(key, stored > 0 && random.nextInt(8) > 0 ? stored : -1));
      } else {
        long stored = seen.get(other);
        request =
            Requests.put(
                store,
                OptionalLong.empty(),
                List.of(item(key, chooseVersion(seen.get(key), random), value)),
                List.of(item(other, stored > 0 ? stored : -1)));
      }
      step.await(HANG_MINUTES, TimeUnit.MINUTES);
      long invoked = System.nanoTime();
      Outcome outcome = send(request);
      long returned = System.nanoTime();
      ops.add(new Operation<>(thread, new Call(request), outcome, invoked, returned));

      // Remember what this thread now knows, so that its next conditional requests can succeed.
      if (request instanceof GetObjectRequest get) {
        long version = outcome.error() == null ? outcome.value().getVersion() : 0;
        if (get.getKey().equals(RequestValidation.GLOBAL_VERSION_KEY)) {
          seenGlobal = version;
        } else {
          seen.put(key, version);
        }
      } else if (request instanceof PutObjectRequest put && outcome.error() == null) {
        put.getTransactionItemsList()
            .forEach(i -> seen.put(i.getKey(), Versions.afterPut(i.getVersion())));
        put.getDeleteItemsList().forEach(i -> seen.put(i.getKey(), 0L));
        if (put.hasGlobalVersion()) {
          seenGlobal = put.getGlobalVersion() + 1;
        }
      }
    }
    return ops;
  }

  /** Mostly the version last seen (a compare-and-set that may win), sometimes a stale one. */
  private static long chooseVersion(long seen, Random random) {
    int pick = random.nextInt(10);
    if (pick < 6) {
      return seen; // 0 creates when the key was last seen missing
    } else if (pick < 8) {
      return -1;
    } else if (pick < 9) {
      return 0;
    }
    return seen + 1;
  }

  private Outcome send(Message request) {
    try {
      if (request instanceof GetObjectRequest get) {
        return Outcome.of(endpoint().getObject(alice, get).getValue());
      }
      if (request instanceof PutObjectRequest put) {
        endpoint().putObjects(alice, put);
        return Outcome.OK;
      }
      endpoint().deleteObject(alice, (DeleteObjectRequest) request);
      return Outcome.OK;
    } catch (VssException e) {
      if (e.errorCode() != ErrorCode.CONFLICT_EXCEPTION
          && e.errorCode() != ErrorCode.NO_SUCH_KEY_EXCEPTION) {
        throw e; // an internal fault or an invalid request is a failure of its own
      }
      return Outcome.failed(e.errorCode());
    }
  }

  // --- helpers ------------------------------------------------------------------------------

  private long globalVersion(String store) {
    return endpoint()
        .getObject(alice, Requests.get(store, RequestValidation.GLOBAL_VERSION_KEY))
        .getValue()
        .getVersion();
  }

  /** The version of {@code key}, 0 when missing. */
  private long versionOrZero(String store, String key) {
    try {
      return endpoint().getObject(alice, Requests.get(store, key)).getValue().getVersion();
    } catch (VssException e) {
      if (e.errorCode() == ErrorCode.NO_SUCH_KEY_EXCEPTION) {
        return 0;
      }
      throw e;
    }
  }

  /** Sends a put in the test's keyspace; null on success, CONFLICT's code on conflict. */
  private ErrorCode put(PutObjectRequest request) {
    try {
      endpoint().putObjects(alice, request);
      return null;
    } catch (VssException e) {
      if (e.errorCode() != ErrorCode.CONFLICT_EXCEPTION) {
        throw e;
      }
      return e.errorCode();
    }
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
