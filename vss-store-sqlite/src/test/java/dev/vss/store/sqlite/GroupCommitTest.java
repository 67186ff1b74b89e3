package dev.vss.store.sqlite;

import static dev.vss.store.sqlite.SqliteStorageTest.item;
import static dev.vss.store.sqlite.SqliteStorageTest.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.vss.core.Keyspace;
import dev.vss.core.Limits;
import dev.vss.core.VssException;
import dev.vss.core.VssService;
import dev.vss.core.spi.KeyVersion;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.WritePlan;
import dev.vss.proto.ErrorCode;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitTest {
  private static final String USER = "alice";
  private static final Keyspace WALLET = new Keyspace(USER, "wallet");

  @TempDir Path dir;
  private final ExecutorService callers = Executors.newCachedThreadPool();

  @AfterEach
  void stopCallers() throws InterruptedException {
    callers.shutdownNow();
    assertThat(callers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aConflictInsideABatchLeavesEveryOtherWriteCommitted() throws Exception {
    try (SqliteStorage storage = SqliteStorage.open(dir)) {
      VssService vss = new VssService(storage, Limits.DEFAULTS);
      vss.putObjects(USER, put("wallet", null, item("taken", 0, "original")));
      long batchesBefore = storage.writer().committedBatches();

      WriterGate gate = WriterGate.close(storage);
      List<Future<?>> creates = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        String key = "key-" + i;
        creates.add(submit(() -> vss.putObjects(USER, put("wallet", null, item(key, 0, key)))));
      }
      gate.awaitQueued(20);
      Future<?> conflicting =
          submit(() -> vss.putObjects(USER, put("wallet", null, item("taken", 0, "clash"))));
      gate.awaitQueued(21);
      gate.open();

      for (Future<?> create : creates) {
        create.get(30, TimeUnit.SECONDS);
      }
      assertThatThrownBy(() -> conflicting.get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(VssException.class)
          .cause()
          .extracting(e -> ((VssException) e).errorCode())
          .isEqualTo(ErrorCode.CONFLICT_EXCEPTION);
      // All 21 writes shared one transaction.
      assertThat(storage.writer().committedBatches()).isEqualTo(batchesBefore + 1);
      for (int i = 0; i < 20; i++) {
        assertThat(storage.get(WALLET, "key-" + i).orElseThrow().value().toStringUtf8())
            .isEqualTo("key-" + i);
      }
      assertThat(storage.get(WALLET, "taken").orElseThrow().value().toStringUtf8())
          .isEqualTo("original");
      assertThat(storage.list(WALLET, "", Long.MAX_VALUE, 100)).hasSize(21);
    }
  }

  @Test
  void aLaterWriteInTheBatchSeesAnEarlierOne() throws Exception {
    try (SqliteStorage storage = SqliteStorage.open(dir)) {
      VssService vss = new VssService(storage, Limits.DEFAULTS);
      WriterGate gate = WriterGate.close(storage);
      Future<?> first =
          submit(() -> vss.putObjects(USER, put("wallet", 0L, item("k", 0, "first"))));
      gate.awaitQueued(1);
      Future<?> second =
          submit(() -> vss.putObjects(USER, put("wallet", 0L, item("k", 0, "second"))));
      gate.awaitQueued(2);
      Future<?> third =
          submit(() -> vss.putObjects(USER, put("wallet", 1L, item("k", 1, "third"))));
      gate.awaitQueued(3);
      gate.open();

      first.get(30, TimeUnit.SECONDS);
      assertThatThrownBy(() -> second.get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(VssException.class);
      third.get(30, TimeUnit.SECONDS);
      assertThat(storage.get(WALLET, "k").orElseThrow().version()).isEqualTo(2);
      assertThat(storage.get(WALLET, "k").orElseThrow().value().toStringUtf8()).isEqualTo("third");
      assertThat(storage.globalVersion(WALLET)).isEqualTo(2);
    }
  }

  @Test
  void aThrowingDecisionFailsOnlyItsOwnWrite() throws Exception {
    try (SqliteStorage storage = SqliteStorage.open(dir)) {
      long batchesBefore = storage.writer().committedBatches();
      WriterGate gate = WriterGate.close(storage);
      Future<?> before = submit(() -> create(storage, "before"));
      gate.awaitQueued(1);
      IllegalStateException boom = new IllegalStateException("boom");
      Future<?> throwing =
          submit(
              () ->
                  storage.write(
                      WALLET,
                      Set.of("x"),
                      view -> {
                        throw boom;
                      }));
      gate.awaitQueued(2);
      Future<?> after = submit(() -> create(storage, "after"));
      gate.awaitQueued(3);
      gate.open();

      before.get(30, TimeUnit.SECONDS);
      after.get(30, TimeUnit.SECONDS);
      assertThatThrownBy(() -> throwing.get(30, TimeUnit.SECONDS)).cause().isSameAs(boom);
      assertThat(storage.writer().committedBatches()).isEqualTo(batchesBefore + 1);
      assertThat(storage.get(WALLET, "before")).isPresent();
      assertThat(storage.get(WALLET, "after")).isPresent();
      assertThat(storage.get(WALLET, "x")).isEmpty();
    }
  }

  @Test
  void aWriteWhoseStatementsFailIsUndoneAloneWithinItsBatch() throws Exception {
    try (SqliteStorage storage = SqliteStorage.open(dir)) {
      WriterGate gate = WriterGate.close(storage);
      Future<?> before = submit(() -> create(storage, "before"));
      gate.awaitQueued(1);
      // A plan that breaks its own contract (the same key twice) makes SQLite reject the second
      // insert after the first went in: a statement failure in the middle of one write.
      WritePlan.Upsert twice = new WritePlan.Upsert("dup", 1, ByteString.copyFromUtf8("v"));
      Future<?> failing =
          submit(
              () ->
                  storage.write(
                      WALLET,
                      Set.of("dup", "other"),
                      view ->
                          WritePlan.apply(
                              List.of(
                                  new WritePlan.Upsert("other", 1, ByteString.copyFromUtf8("o")),
                                  twice,
                                  twice),
                              List.of(),
                              OptionalLong.of(7),
                              "never")));
      gate.awaitQueued(2);
      Future<?> after = submit(() -> create(storage, "after"));
      gate.awaitQueued(3);
      gate.open();

      before.get(30, TimeUnit.SECONDS);
      after.get(30, TimeUnit.SECONDS);
      assertThatThrownBy(() -> failing.get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(StorageException.class);
      assertThat(storage.get(WALLET, "dup")).isEmpty();
      assertThat(storage.get(WALLET, "other")).isEmpty();
      assertThat(storage.globalVersion(WALLET)).isZero();
      assertThat(SqliteStorageTest.keys(storage.list(WALLET, "", Long.MAX_VALUE, 10)))
          .containsExactly("after", "before");
    }
  }

  @Test
  void aFailedCommitFailsEveryWriteOfTheBatchAndTheNextBatchCommits() throws Exception {
    try (SqliteStorage storage = SqliteStorage.open(dir)) {
      create(storage, "earlier");
      // Make COMMIT itself fail: when the key "poison" is inserted, a temporary trigger adds a
      // row breaking a foreign key whose check is deferred to COMMIT.
      storage
          .writer()
          .onConnection(
              connection -> {
                try (Statement statement = connection.createStatement()) {
                  statement.execute("PRAGMA foreign_keys = ON");
                  statement.execute(
                      "CREATE TEMP TABLE guard (id INTEGER PRIMARY KEY,"
                          + " parent INTEGER REFERENCES guard (id) DEFERRABLE INITIALLY DEFERRED)");
                  statement.execute(
                      "CREATE TEMP TRIGGER poison AFTER INSERT ON main.records"
                          + " WHEN NEW.key = CAST('poison' AS BLOB)"
                          + " BEGIN INSERT INTO guard (id, parent) VALUES (1, 42); END");
                }
              });
      long batchesBefore = storage.writer().committedBatches();
      WriterGate gate = WriterGate.close(storage);
      Future<?> before = submit(() -> create(storage, "before"));
      gate.awaitQueued(1);
      Future<?> poison = submit(() -> create(storage, "poison"));
      gate.awaitQueued(2);
      Future<?> after = submit(() -> create(storage, "after"));
      gate.awaitQueued(3);
      gate.open();

      for (Future<?> write : List.of(before, poison, after)) {
        assertThatThrownBy(() -> write.get(30, TimeUnit.SECONDS))
            .hasCauseInstanceOf(StorageException.class);
      }
      assertThat(storage.writer().committedBatches()).isEqualTo(batchesBefore);
      for (String key : List.of("before", "poison", "after")) {
        assertThat(storage.get(WALLET, key)).as(key).isEmpty();
      }
      assertThat(SqliteStorageTest.keys(storage.list(WALLET, "", Long.MAX_VALUE, 10)))
          .containsExactly("earlier");

      storage
          .writer()
          .onConnection(
              connection -> {
                try (Statement statement = connection.createStatement()) {
                  statement.execute("DROP TRIGGER temp.poison");
                }
              });
      create(storage, "again");
      assertThat(SqliteStorageTest.keys(storage.list(WALLET, "", Long.MAX_VALUE, 10)))
          .containsExactly("again", "earlier");
    }
  }

  @Test
  void withoutGroupCommitEveryWriteIsItsOwnTransaction() throws Exception {
    try (SqliteStorage storage =
        SqliteStorage.open(dir, SqliteOptions.DEFAULTS.withGroupCommit(false))) {
      long batchesBefore = storage.writer().committedBatches();
      WriterGate gate = WriterGate.close(storage);
      List<Future<?>> writes = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        String key = "key-" + i;
        writes.add(submit(() -> create(storage, key)));
      }
      gate.awaitQueued(10);
      gate.open();
      for (Future<?> write : writes) {
        write.get(30, TimeUnit.SECONDS);
      }
      assertThat(storage.writer().committedBatches()).isEqualTo(batchesBefore + 10);
      assertThat(storage.list(WALLET, "", Long.MAX_VALUE, 100)).hasSize(10);
    }
  }

  @Test
  void batchesNeverExceedTheirLimit() throws Exception {
    try (SqliteStorage storage =
        SqliteStorage.open(dir, SqliteOptions.DEFAULTS.withMaxBatchSize(4))) {
      long batchesBefore = storage.writer().committedBatches();
      WriterGate gate = WriterGate.close(storage);
      List<Future<?>> writes = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        String key = "key-" + i;
        writes.add(submit(() -> create(storage, key)));
      }
      gate.awaitQueued(10);
      gate.open();
      for (Future<?> write : writes) {
        write.get(30, TimeUnit.SECONDS);
      }
      // 10 queued writes in batches of at most 4: 4 + 4 + 2.
      assertThat(storage.writer().committedBatches()).isEqualTo(batchesBefore + 3);
    }
  }

  @Test
  void concurrentCreatesGetDistinctSequencesAndAllCommit() throws Exception {
    try (SqliteStorage storage = SqliteStorage.open(dir)) {
      VssService vss = new VssService(storage, Limits.DEFAULTS);
      List<Future<?>> writes = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        int thread = t;
        writes.add(
            submit(
                () -> {
                  for (int i = 0; i < 25; i++) {
                    vss.putObjects(USER, put("wallet", null, item(thread + "/" + i, 0, "v")));
                  }
                  return null;
                }));
      }
      for (Future<?> write : writes) {
        write.get(60, TimeUnit.SECONDS);
      }
      List<KeyVersion> all = storage.list(WALLET, "", Long.MAX_VALUE, 1000);
      assertThat(all).hasSize(400);
      Set<Long> sequences = new HashSet<>();
      all.forEach(entry -> sequences.add(entry.sequence()));
      assertThat(sequences).hasSize(400);
      for (int i = 1; i < all.size(); i++) {
        assertThat(all.get(i).sequence()).isLessThan(all.get(i - 1).sequence());
      }
    }
  }

  private static Object create(SqliteStorage storage, String key) {
    return storage.write(
        WALLET,
        Set.of(key),
        view ->
            view.version(key).isPresent()
                ? WritePlan.abort("exists")
                : WritePlan.apply(
                    List.of(new WritePlan.Upsert(key, 1, ByteString.copyFromUtf8(key))),
                    List.of(),
                    OptionalLong.empty(),
                    "created"));
  }

  private Future<?> submit(Callable<?> call) {
    return callers.submit(call);
  }
}
