package dev.vss.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.vss.core.Keyspace;
import dev.vss.core.Limits;
import dev.vss.core.VssException;
import dev.vss.core.VssService;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A batch's writes and its {@code COMMIT} go to PostgreSQL in one round trip, so what must stop the
 * commit has to fail inside that round trip. Real faults, made with triggers on {@code vss_db}:
 *
 * <ul>
 *   <li>a row that changes under the batch (a trigger that silently skips some inserts and updates,
 *       as a writer that does not take the keyspace locks would make a statement touch fewer rows
 *       than it was given): the rows-touched check fails in SQL, nothing of the write commits, and
 *       in a batch only that write fails;
 *   <li>a {@code COMMIT} that fails (a deferred constraint trigger that refuses one key at commit
 *       time): no write of that batch is answered with success, and none is stored.
 * </ul>
 */
class WritePipelineTest {
  private static final int PUTS = 16;

  /** Skips (returns NULL for) inserts and updates of the key 'skip': the row is left untouched. */
  private static final String SKIP_TRIGGER =
      "CREATE FUNCTION vss_test_skip() RETURNS trigger LANGUAGE plpgsql AS $$"
          + " BEGIN IF NEW.key = 'skip' THEN RETURN NULL; END IF; RETURN NEW; END $$;"
          + " CREATE TRIGGER vss_test_skip BEFORE INSERT OR UPDATE ON vss_db"
          + " FOR EACH ROW EXECUTE FUNCTION vss_test_skip()";

  /** Refuses, at COMMIT, a transaction that inserted the key 'boom'. */
  private static final String COMMIT_TRIGGER =
      "CREATE FUNCTION vss_test_boom() RETURNS trigger LANGUAGE plpgsql AS $$"
          + " BEGIN IF NEW.key = 'boom' THEN RAISE EXCEPTION 'refused at commit'; END IF;"
          + " RETURN NULL; END $$;"
          + " CREATE CONSTRAINT TRIGGER vss_test_boom AFTER INSERT ON vss_db"
          + " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION vss_test_boom()";

  @Test
  void aStatementThatTouchesFewerRowsThanGivenCommitsNothingOfItsWrite() throws Exception {
    TestPostgres postgres = TestPostgres.shared();
    String database = TestPostgres.uniqueDatabase("touched");
    try (PostgresStorage storage = PostgresStorage.open(postgres.options(database))) {
      VssService vss = new VssService(storage, Limits.DEFAULTS);
      vss.putObjects("alice", put(item("skip", 0, "first")));
      postgres.execute(database, SKIP_TRIGGER);

      // One write of two items: the update of 'skip' touches no row, the create of 'other' one.
      assertInternalError(
          () -> vss.putObjects("alice", put(item("skip", 1, "second"), item("other", 0, "v"))));
      assertThat(storage.get(new Keyspace("alice", "s"), "other"))
          .as("the create beside the failed update did not commit")
          .isEmpty();
      assertThat(storage.get(new Keyspace("alice", "s"), "skip"))
          .hasValueSatisfying(
              record -> {
                assertThat(record.version()).isEqualTo(1);
                assertThat(record.value().toStringUtf8()).isEqualTo("first");
              });
      // A create the trigger skips: the insert's check.
      assertInternalError(
          () -> vss.putObjects("bob", put(item("skip", 0, "v"), item("k", 0, "v"))));
      assertThat(storage.get(new Keyspace("bob", "s"), "k")).isEmpty();

      vss.putObjects("alice", put(item("after", 0, "v")));
      assertThat(storage.get(new Keyspace("alice", "s"), "after")).isPresent();
    }
  }

  @Test
  void aFailedCheckInABatchFailsOnlyItsOwnWrite() throws Exception {
    TestPostgres postgres = TestPostgres.shared();
    String database = TestPostgres.uniqueDatabase("touchedbatch");
    try (PostgresStorage storage =
        PostgresStorage.open(postgres.options(database).withWriterConnections(1))) {
      VssService vss = new VssService(storage, Limits.DEFAULTS);
      postgres.execute(database, SKIP_TRIGGER);
      List<Future<?>> puts = runOneBatch(postgres, database, storage, vss, "skip");
      for (int i = 1; i < PUTS; i++) {
        Future<?> put = puts.get(i);
        if (i == PUTS / 2) {
          assertInternalError(() -> get(put));
          assertThat(storage.get(new Keyspace("alice", "s"), "skip-partner")).isEmpty();
        } else {
          get(put);
          assertThat(storage.get(new Keyspace("alice", "s"), "k" + i)).isPresent();
        }
      }
    }
  }

  @Test
  void aCommitThatFailsAnswersNoWriteOfItsBatchWithSuccess() throws Exception {
    TestPostgres postgres = TestPostgres.shared();
    String database = TestPostgres.uniqueDatabase("commitfault");
    try (PostgresStorage storage =
        PostgresStorage.open(postgres.options(database).withWriterConnections(1))) {
      VssService vss = new VssService(storage, Limits.DEFAULTS);
      postgres.execute(database, COMMIT_TRIGGER);
      long batchesBefore = storage.committedBatches();
      List<Future<?>> puts = runOneBatch(postgres, database, storage, vss, "boom");
      for (int i = 1; i < PUTS; i++) {
        int put = i;
        assertInternalError(() -> get(puts.get(put)));
        assertThat(storage.get(new Keyspace("alice", "s"), "k" + i)).as("k" + i).isEmpty();
      }
      assertThat(storage.committedBatches() - batchesBefore)
          .as("only the first put, alone, committed")
          .isEqualTo(1);
      vss.putObjects("alice", put(item("after", 0, "v")));
      assertThat(storage.get(new Keyspace("alice", "s"), "after")).isPresent();
    }
  }

  /**
   * Puts k0 alone, held at its insert by a table lock taken from outside, while k1 .. k15 queue
   * behind it; the put in the middle also writes {@code badKey} (and 'skip-partner'). Once the lock
   * is released, k1 .. k15 run as one batch. Returns the puts' futures, k0's done.
   */
  private static List<Future<?>> runOneBatch(
      TestPostgres postgres,
      String database,
      PostgresStorage storage,
      VssService vss,
      String badKey)
      throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(PUTS);
    try (Connection blocker = postgres.connect(database);
        Connection observer = postgres.connect(database)) {
      blocker.setAutoCommit(false);
      try (Statement lock = blocker.createStatement()) {
        lock.execute("LOCK TABLE vss_db IN EXCLUSIVE MODE");
      }
      List<Future<?>> puts = new ArrayList<>();
      puts.add(clients.submit(() -> vss.putObjects("alice", put(item("k0", 0, "v")))));
      GroupCommitTest.waitFor(
          "the writer waits for the table lock",
          () -> GroupCommitTest.writerWaitsForLock(observer, database));
      for (int i = 1; i < PUTS; i++) {
        PutObjectRequest request =
            i == PUTS / 2
                ? put(item(badKey, 0, "v"), item("skip-partner", 0, "v"))
                : put(item("k" + i, 0, "v"));
        puts.add(clients.submit(() -> vss.putObjects("alice", request)));
      }
      GroupCommitTest.waitFor(
          "every other put is queued", () -> storage.queuedWrites() == PUTS - 1);
      blocker.commit();
      get(puts.get(0));
      for (Future<?> put : puts) {
        try {
          put.get();
        } catch (ExecutionException e) {
          // asserted by the caller
        }
      }
      return puts;
    } finally {
      clients.shutdown();
    }
  }

  private static Object get(Future<?> future) throws Exception {
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private static void assertInternalError(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            VssException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTERNAL_SERVER_EXCEPTION));
  }

  private static KeyValue item(String key, long version, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setVersion(version)
        .setValue(ByteString.copyFromUtf8(value))
        .build();
  }

  private static PutObjectRequest put(KeyValue... items) {
    PutObjectRequest.Builder request = PutObjectRequest.newBuilder().setStoreId("s");
    for (KeyValue item : items) {
      request.addTransactionItems(item);
    }
    return request.build();
  }
}
