package dev.vss.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vss.core.Keyspace;
import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.spi.StorageException;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Concurrent writes share commits: a structural property of the group-commit writer, made
 * deterministic instead of left to timing. The first put's transaction is held at its insert by a
 * table lock taken from outside; the other puts, all to the same keyspace, queue meanwhile; once
 * the lock is released the writer must commit all of them in one more transaction. With several
 * writers too: one keyspace's writes all wait for the writer that holds it (other writers taking
 * some would only queue on its lock and split them into small batches). PostgreSQL's own count of
 * write transactions (transaction ids assigned) confirms it.
 */
class GroupCommitTest {
  private static final int PUTS = 32;

  @Test
  void writesQueuedBehindACommitShareTheNextCommit() throws Exception {
    writesQueuedBehindACommitShareTheNextCommit(1);
  }

  @Test
  void writesToOneKeyspaceQueuedBehindACommitShareTheNextCommitWithSeveralWriters()
      throws Exception {
    writesQueuedBehindACommitShareTheNextCommit(4);
  }

  private static void writesQueuedBehindACommitShareTheNextCommit(int writers) throws Exception {
    TestPostgres postgres = TestPostgres.shared();
    String database = TestPostgres.uniqueDatabase("groupcommit");
    ExecutorService clients = Executors.newFixedThreadPool(PUTS);
    try (PostgresStorage storage =
            PostgresStorage.open(postgres.options(database).withWriterConnections(writers));
        Connection blocker = postgres.connect(database);
        Connection observer = postgres.connect(database)) {
      VssService vss = new VssService(storage, Limits.DEFAULTS);
      long batchesBefore = storage.committedBatches();
      long writesBefore = storage.committedWrites();
      long xidBefore = nextTransactionId(observer);

      blocker.setAutoCommit(false);
      try (Statement lock = blocker.createStatement()) {
        // Blocks inserts (ROW EXCLUSIVE), not reads.
        lock.execute("LOCK TABLE vss_db IN EXCLUSIVE MODE");
      }
      List<Future<?>> puts = new ArrayList<>();
      puts.add(clients.submit(() -> vss.putObjects("alice", create("k0"))));
      waitFor("the writer waits for the table lock", () -> writerWaitsForLock(observer, database));
      for (int i = 1; i < PUTS; i++) {
        String key = "k" + i;
        puts.add(clients.submit(() -> vss.putObjects("alice", create(key))));
      }
      waitFor("every other put is queued", () -> storage.queuedWrites() == PUTS - 1);
      blocker.commit();
      for (Future<?> put : puts) {
        put.get();
      }

      assertThat(storage.committedWrites() - writesBefore).isEqualTo(PUTS);
      assertThat(storage.committedBatches() - batchesBefore)
          .as("the first put alone, then all the others in one transaction")
          .isEqualTo(2);
      // Seen by PostgreSQL: transaction ids are assigned to writing transactions only (the lock
      // and the reads take none). Autovacuum's ANALYZE may take a few; far fewer than the puts.
      assertThat(nextTransactionId(observer) - xidBefore)
          .as("write transactions for %d puts", PUTS)
          .isBetween(2L, PUTS / 2L);
      for (int i = 0; i < PUTS; i++) {
        assertThat(
                vss.getObject(
                        "alice",
                        GetObjectRequest.newBuilder().setStoreId("s").setKey("k" + i).build())
                    .getValue()
                    .getVersion())
            .isEqualTo(1);
      }
    } finally {
      clients.shutdownNow();
    }
  }

  /**
   * Writes queued with {@code writeAsync} from one thread, as the HTTP shell's IO threads queue
   * them: none completes while its commit is held back, and all complete, in two commits, once it
   * is let go. After the store is closed, {@code writeAsync} fails its stage instead of throwing.
   */
  @Test
  void queuedWritesCompleteOnlyAfterTheirCommit() throws Exception {
    TestPostgres postgres = TestPostgres.shared();
    String database = TestPostgres.uniqueDatabase("queued");
    PostgresStorage closed;
    try (PostgresStorage storage = PostgresStorage.open(postgres.options(database));
        Connection blocker = postgres.connect(database);
        Connection observer = postgres.connect(database)) {
      closed = storage;
      assertThat(storage.writesWithoutBlocking()).isTrue();
      VssService vss = new VssService(storage, Limits.DEFAULTS);
      long batchesBefore = storage.committedBatches();
      blocker.setAutoCommit(false);
      try (Statement lock = blocker.createStatement()) {
        lock.execute("LOCK TABLE vss_db IN EXCLUSIVE MODE");
      }
      List<CompletableFuture<?>> puts = new ArrayList<>();
      puts.add(vss.putObjectsAsync("alice", create("k0")).toCompletableFuture());
      waitFor("the writer waits for the table lock", () -> writerWaitsForLock(observer, database));
      for (int i = 1; i < PUTS; i++) {
        puts.add(vss.putObjectsAsync("alice", create("k" + i)).toCompletableFuture());
      }
      waitFor("every other put is queued", () -> storage.queuedWrites() == PUTS - 1);
      assertThat(puts).noneMatch(CompletableFuture::isDone);

      blocker.commit();
      CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).get(1, TimeUnit.MINUTES);
      assertThat(storage.committedBatches() - batchesBefore).isEqualTo(2);
      for (int i = 0; i < PUTS; i++) {
        assertThat(
                vss.getObject(
                        "alice",
                        GetObjectRequest.newBuilder().setStoreId("s").setKey("k" + i).build())
                    .getValue()
                    .getVersion())
            .isEqualTo(1);
      }
    }
    CompletableFuture<?> afterClose =
        closed
            .writeAsync(new Keyspace("alice", "s"), Set.of("k"), view -> null)
            .toCompletableFuture();
    assertThat(afterClose).isCompletedExceptionally();
    assertThat(afterClose.handle((value, failure) -> failure).join())
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("closed");
  }

  private static PutObjectRequest create(String key) {
    return PutObjectRequest.newBuilder()
        .setStoreId("s")
        .addTransactionItems(
            KeyValue.newBuilder().setKey(key).setVersion(0).setValue(ByteString.copyFromUtf8("v")))
        .build();
  }

  /** The next transaction id PostgreSQL will assign; reading it assigns none. */
  private static long nextTransactionId(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row =
            statement.executeQuery(
                "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint")) {
      row.next();
      return row.getLong(1);
    }
  }

  static boolean writerWaitsForLock(Connection observer, String database) {
    try (Statement statement = observer.createStatement();
        ResultSet row =
            statement.executeQuery(
                "SELECT count(*) FROM pg_stat_activity"
                    + " WHERE application_name = 'vss-jvm' AND wait_event_type = 'Lock'"
                    + " AND datname = '"
                    + database
                    + "'")) {
      row.next();
      return row.getInt(1) == 1;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Polls {@code condition}; a generous bound only ends a hung test, it is not a timing claim. */
  static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting until " + what).isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
