package dev.vss.store.rocksdb;

import static dev.vss.store.rocksdb.RocksDbStorageTest.upsert;
import static dev.vss.store.rocksdb.RocksDbStorageTest.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vss.core.Keyspace;
import dev.vss.core.VssException;
import dev.vss.core.rules.ConflictRules;
import dev.vss.core.rules.WriteOutcome;
import dev.vss.core.spi.KeyVersion;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.WritePlan;
import dev.vss.core.spi.WritePlan.Upsert;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDBException;

/**
 * Group commit inside one keyspace: writes queued behind a leader are decided in one batch, each
 * seeing the earlier ones, committed with one synced write and answered only after it.
 *
 * <p>The batches are made deterministic with {@link BatchGate}, which wraps the store's synced
 * batch write: it holds a chosen batch before its write (so the test can queue writes behind it,
 * read the store, or check that nobody has been answered) and can make a batch's write fail. Queued
 * writes are counted through the store's queue, so every test knows exactly which writes share a
 * batch; nothing depends on timing.
 */
class GroupCommitTest {
  private static final Keyspace ALICE = new Keyspace("alice", "wallet");
  private static final long WAIT_SECONDS = 60;

  @TempDir Path dir;
  private final BatchGate gate = new BatchGate();
  private RocksDbStorage storage;
  private ExecutorService callers;

  @BeforeEach
  void open() {
    storage = RocksDbStorage.open(dir, RocksDbOptions.DEFAULTS, gate);
    callers = Executors.newCachedThreadPool();
  }

  @AfterEach
  void close() {
    gate.releaseAll();
    callers.shutdownNow();
    storage.close();
  }

  @Test
  void conflictingCompareAndSetsInOneBatchHaveExactlyOneWinner() throws Exception {
    int writers = 8;
    for (int round = 0; round < 5; round++) {
      // Round 0 creates the key (version 0), later rounds compare-and-set on the current version.
      long expected = round;
      Held blocker =
          holdBatchOf(
              () -> upsert(storage, ALICE, OptionalLong.empty(), "other-" + expected, 1, "x"));
      List<Future<WriteOutcome>> racers = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        String value = "writer " + w;
        racers.add(callers.submit(() -> put(ALICE, "k", expected, value)));
      }
      awaitPending(ALICE, writers);
      blocker.release();

      List<WriteOutcome> outcomes = new ArrayList<>();
      for (Future<WriteOutcome> racer : racers) {
        outcomes.add(racer.get(WAIT_SECONDS, TimeUnit.SECONDS));
      }
      assertThat(outcomes.stream().filter(WriteOutcome::isApplied)).hasSize(1);
      assertThat(outcomes.stream().filter(o -> !o.isApplied()))
          .hasSize(writers - 1)
          .allSatisfy(
              o -> assertThat(rejection(o).errorCode()).isEqualTo(ErrorCode.CONFLICT_EXCEPTION));
      assertThat(storage.get(ALICE, "k").orElseThrow().version()).isEqualTo(round + 1);
      // All racers were decided in one batch, after the blocker's batch.
      assertThat(gate.committedBatchSizes).endsWith(1, writers);
    }
  }

  @Test
  void freeRunningCompareAndSetsOnOneKeyspaceNeverShareAVersion() throws Exception {
    int writers = 8;
    int attempts = 60;
    put(ALICE, "counter", 0, "start");
    List<Long> winningVersions = Collections.synchronizedList(new ArrayList<>());
    List<Future<?>> futures = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      futures.add(
          callers.submit(
              () -> {
                for (int i = 0; i < attempts; i++) {
                  long current = storage.get(ALICE, "counter").orElseThrow().version();
                  if (put(ALICE, "counter", current, "v" + i).isApplied()) {
                    winningVersions.add(current);
                  }
                }
                return null;
              }));
    }
    for (Future<?> future : futures) {
      future.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
    // Every stored version was won by exactly one writer: no lost update, no double winner.
    long finalVersion = storage.get(ALICE, "counter").orElseThrow().version();
    assertThat(winningVersions).doesNotHaveDuplicates().hasSize((int) finalVersion - 1);
  }

  @Test
  void decisionThatThrowsInTheMiddleOfABatchFailsOnlyItself() throws Exception {
    Held blocker = holdBatchOf(() -> upsert(storage, ALICE, OptionalLong.empty(), "first", 1, "x"));
    Future<Object> createA =
        queue(
            ALICE,
            () -> {
              upsert(storage, ALICE, OptionalLong.empty(), "a", 1, "A");
              return "ok";
            },
            1);
    IllegalStateException boom = new IllegalStateException("decision bug");
    Future<Object> throwing =
        queue(
            ALICE,
            () ->
                storage.write(
                    ALICE,
                    Set.of("a"),
                    view -> {
                      throw boom;
                    }),
            2);
    // Sees the batch's earlier, not yet committed, write of "a" and stores its version + 10.
    Future<Object> dependent =
        queue(
            ALICE,
            () ->
                storage.write(
                    ALICE,
                    Set.of("a", "b"),
                    view ->
                        WritePlan.apply(
                            List.of(
                                new Upsert("b", view.version("a").orElse(-100) + 10, utf8("B"))),
                            List.of(),
                            OptionalLong.of(view.globalVersion() + 1),
                            "dependent ok")),
            3);
    blocker.release();

    assertThat(createA.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("ok");
    assertThatThrownBy(() -> throwing.get(WAIT_SECONDS, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCause(boom);
    assertThat(dependent.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("dependent ok");
    assertThat(storage.get(ALICE, "b").orElseThrow().version()).isEqualTo(11);
    assertThat(storage.globalVersion(ALICE)).isEqualTo(1);
    assertThat(gate.committedBatchSizes).containsExactly(1, 3);
    // Creation order within the batch is the queue order.
    assertThat(storage.get(ALICE, "a").orElseThrow().sequence())
        .isLessThan(storage.get(ALICE, "b").orElseThrow().sequence());
  }

  @Test
  void batchWhoseSyncedWriteFailsAnswersNobodyAndLeavesNothingVisible() throws Exception {
    upsert(storage, ALICE, OptionalLong.of(5), "existing", 3, "E");
    List<KeyVersion> listedBefore = storage.list(ALICE, "", Long.MAX_VALUE, 100);

    Held blocker = holdBatchOf(() -> upsert(storage, ALICE, OptionalLong.empty(), "first", 1, "x"));
    Future<Object> create = queue(ALICE, () -> put(ALICE, "a", 0, "A"), 1);
    Future<Object> update = queue(ALICE, () -> put(ALICE, "a", 1, "A2"), 2);
    // Would be a conflict, because of the create above: that answer must not escape either.
    Future<Object> conflicting = queue(ALICE, () -> put(ALICE, "a", 0, "A3"), 3);
    Future<Object> withGlobal =
        queue(
            ALICE,
            () ->
                storage.write(
                    ALICE,
                    Set.of("existing"),
                    view ->
                        WritePlan.apply(
                            List.of(),
                            List.of("existing"),
                            OptionalLong.of(view.globalVersion() + 1),
                            "deleted")),
            4);
    gate.failNextUnheldBatch();
    blocker.release();

    for (Future<Object> write : List.of(create, update, conflicting, withGlobal)) {
      assertThatThrownBy(() -> write.get(WAIT_SECONDS, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(StorageException.class);
    }
    assertThat(gate.failedBatchSizes).containsExactly(4);
    assertUnchangedByFailedBatch(listedBefore);

    // The store goes on: a new write succeeds and a reopen shows the same state.
    assertThat(put(ALICE, "after", 0, "ok")).isEqualTo(WriteOutcome.APPLIED);
    storage.checkHealth();
    storage.close();
    storage = RocksDbStorage.open(dir);
    assertUnchangedByFailedBatch(listedBefore);
    assertThat(storage.get(ALICE, "after").orElseThrow().version()).isEqualTo(1);
  }

  private void assertUnchangedByFailedBatch(List<KeyVersion> listedBefore) {
    assertThat(storage.get(ALICE, "a")).isEmpty();
    assertThat(storage.get(ALICE, "existing").orElseThrow().version()).isEqualTo(3);
    assertThat(storage.globalVersion(ALICE)).isEqualTo(5);
    assertThat(
            storage.list(ALICE, "", Long.MAX_VALUE, 100).stream()
                .filter(entry -> !Set.of("first", "after").contains(entry.key())))
        .containsExactlyElementsOf(listedBefore);
  }

  @Test
  void readersNeverSeeABatchBeforeItsSyncedWriteAndNobodyIsAnsweredBefore() throws Exception {
    upsert(storage, ALICE, OptionalLong.of(7), "updated", 1, "old");
    upsert(storage, ALICE, OptionalLong.empty(), "deleted", 1, "old");
    List<KeyVersion> listedBefore = storage.list(ALICE, "", Long.MAX_VALUE, 100);

    Held blocker = holdBatchOf(() -> upsert(storage, ALICE, OptionalLong.empty(), "first", 1, "x"));
    List<Future<Object>> writes =
        List.of(
            queue(ALICE, () -> put(ALICE, "created", 0, "new"), 1),
            queue(ALICE, () -> put(ALICE, "updated", 1, "new"), 2),
            queue(ALICE, () -> put(ALICE, "created", 0, "again"), 3), // a conflict
            queue(
                ALICE,
                () ->
                    storage.write(
                        ALICE,
                        Set.of("deleted"),
                        view ->
                            WritePlan.apply(
                                List.of(),
                                List.of("deleted"),
                                OptionalLong.of(view.globalVersion() + 1),
                                "gone")),
                4));
    CountDownLatch second = gate.holdNextBatch();
    blocker.release();
    assertThat(gate.held.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(4);

    // The batch of four is decided and held just before its synced write.
    assertThat(storage.get(ALICE, "created")).isEmpty();
    assertThat(storage.get(ALICE, "updated").orElseThrow().value().toStringUtf8()).isEqualTo("old");
    assertThat(storage.get(ALICE, "deleted")).isPresent();
    assertThat(storage.globalVersion(ALICE)).isEqualTo(7);
    assertThat(
            storage.list(ALICE, "", Long.MAX_VALUE, 100).stream()
                .filter(entry -> !entry.key().equals("first")))
        .containsExactlyElementsOf(listedBefore);
    for (Future<Object> write : writes) {
      assertThatThrownBy(() -> write.get(100, TimeUnit.MILLISECONDS))
          .isInstanceOf(TimeoutException.class);
    }

    second.countDown();
    assertThat(writes.get(0).get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(WriteOutcome.APPLIED);
    assertThat(writes.get(1).get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(WriteOutcome.APPLIED);
    assertThat(rejection(writes.get(2).get(WAIT_SECONDS, TimeUnit.SECONDS)).errorCode())
        .isEqualTo(ErrorCode.CONFLICT_EXCEPTION);
    assertThat(writes.get(3).get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("gone");
    assertThat(storage.get(ALICE, "created").orElseThrow().value().toStringUtf8()).isEqualTo("new");
    assertThat(storage.get(ALICE, "updated").orElseThrow().version()).isEqualTo(2);
    assertThat(storage.get(ALICE, "deleted")).isEmpty();
    assertThat(storage.globalVersion(ALICE)).isEqualTo(8);
  }

  /**
   * Each synced batch is reported to the commit observer with its number of writes, before any
   * write of it is answered; a batch that changes nothing (only a conflict) is not reported.
   */
  @Test
  void committedBatchesAreReportedToTheCommitObserver() throws Exception {
    List<Integer> observed = new CopyOnWriteArrayList<>();
    List<Long> elapsed = new CopyOnWriteArrayList<>();
    storage.observeCommits(
        (writes, nanos) -> {
          observed.add(writes);
          elapsed.add(nanos);
        });
    Held blocker = holdBatchOf(() -> upsert(storage, ALICE, OptionalLong.empty(), "first", 1, "x"));
    List<Future<Object>> writes =
        List.of(
            queue(ALICE, () -> put(ALICE, "a", 0, "new"), 1),
            queue(ALICE, () -> put(ALICE, "b", 0, "new"), 2),
            queue(ALICE, () -> put(ALICE, "a", 0, "again"), 3)); // a conflict within the batch
    CountDownLatch second = gate.holdNextBatch();
    blocker.release();
    assertThat(gate.held.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(3);
    assertThat(observed).as("reported before the held batch is written").containsExactly(1);
    second.countDown();
    for (Future<Object> write : writes) {
      write.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
    assertThat(observed).containsExactly(1, 3);
    // A batch of only a conflict writes nothing: no commit to report.
    assertThat(put(ALICE, "a", 0, "conflict").isApplied()).isFalse();
    assertThat(observed).containsExactly(1, 3);
    assertThat(elapsed).as("every reported commit carries its duration").hasSameSizeAs(observed);
    storage.observeCommits(dev.vss.core.spi.CommitObserver.NONE);
    put(ALICE, "c", 0, "v");
    assertThat(observed).hasSize(2);
  }

  @Test
  void writesToOtherKeyspacesDoNotWaitForAHeldBatch() throws Exception {
    Keyspace bob = new Keyspace("bob", "wallet");
    // A keyspace on another queue than alice's (nearly always the first one tried).
    WriteQueues queues = new WriteQueues(RocksDbStorage.QUEUE_STRIPES);
    for (int i = 0; queues.of(bob) == queues.of(ALICE); i++) {
      bob = new Keyspace("bob" + i, "wallet");
    }
    Held blocker = holdBatchOf(() -> upsert(storage, ALICE, OptionalLong.empty(), "first", 1, "x"));
    Keyspace other = bob;
    // Completes although alice's leader is held: different keyspaces do not share a leader.
    callers.submit(() -> put(other, "k", 0, "v")).get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(storage.get(other, "k")).isPresent();
    assertThat(storage.get(ALICE, "first")).isEmpty();
    blocker.release();
    blocker.write.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(storage.get(ALICE, "first")).isPresent();
  }

  /** A put of one key through the core's conflict rules. */
  private WriteOutcome put(Keyspace keyspace, String key, long version, String value) {
    PutObjectRequest request =
        PutObjectRequest.newBuilder()
            .setStoreId(keyspace.storeId())
            .addTransactionItems(
                KeyValue.newBuilder().setKey(key).setVersion(version).setValue(utf8(value)))
            .build();
    return storage.write(keyspace, Set.of(key), view -> ConflictRules.decidePut(request, view));
  }

  /** The error {@code outcome} rejects its write with; fails if it was applied. */
  private static VssException rejection(Object outcome) {
    assertThat(outcome).isInstanceOf(WriteOutcome.Rejected.class);
    return ((WriteOutcome.Rejected) outcome).reason();
  }

  /** Starts {@code write} as the leader of {@code keyspace}'s queue, held before its write. */
  private Held holdBatchOf(Runnable write) throws Exception {
    CountDownLatch release = gate.holdNextBatch();
    Future<?> leader = callers.submit(write);
    Integer writes = gate.held.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(writes).as("held batch").isEqualTo(1);
    return new Held(release, leader);
  }

  /** Submits a write and waits until it is the {@code position}-th write queued. */
  private Future<Object> queue(Keyspace keyspace, Callable<Object> write, int position)
      throws Exception {
    Future<Object> future = callers.submit(write);
    awaitPending(keyspace, position);
    return future;
  }

  private void awaitPending(Keyspace keyspace, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (storage.pendingWrites(keyspace) < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "only " + storage.pendingWrites(keyspace) + " of " + count + " writes queued");
      }
      Thread.sleep(1);
    }
  }

  /** A held batch and the write that leads it. */
  private record Held(CountDownLatch latch, Future<?> write) {
    void release() {
      latch.countDown();
    }
  }

  /**
   * Wraps the synced batch write: holds the next batch when asked, fails the next batch that was
   * not held when asked, and records the size (in callers' writes) of each batch.
   */
  static final class BatchGate implements UnaryOperator<GroupCommit.BatchWriter> {
    final List<Integer> committedBatchSizes = new CopyOnWriteArrayList<>();
    final List<Integer> failedBatchSizes = new CopyOnWriteArrayList<>();

    /** Sizes of batches as they are held. */
    final BlockingQueue<Integer> held = new LinkedBlockingQueue<>();

    private final AtomicReference<CountDownLatch> holdNext = new AtomicReference<>();
    private final AtomicBoolean failNext = new AtomicBoolean();
    private final List<CountDownLatch> all = new CopyOnWriteArrayList<>();

    CountDownLatch holdNextBatch() {
      CountDownLatch latch = new CountDownLatch(1);
      all.add(latch);
      holdNext.set(latch);
      return latch;
    }

    void failNextUnheldBatch() {
      failNext.set(true);
    }

    void releaseAll() {
      all.forEach(CountDownLatch::countDown);
    }

    @Override
    public GroupCommit.BatchWriter apply(GroupCommit.BatchWriter durable) {
      return (batch, writes) -> {
        CountDownLatch latch = holdNext.getAndSet(null);
        if (latch != null) {
          held.add(writes);
          try {
            latch.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RocksDBException("interrupted while held");
          }
        } else if (failNext.getAndSet(false)) {
          failedBatchSizes.add(writes);
          throw new RocksDBException("injected failure of the synced write");
        }
        durable.write(batch, writes);
        committedBatchSizes.add(writes);
      };
    }
  }
}
