package dev.vss.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.vss.core.Keyspace;
import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.StoredRecord;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The batched get path ({@link GetBatcher}): gets queued while a statement runs are answered by one
 * statement, each with its own record; a get called after a write was acknowledged sees it; a
 * failed statement fails each of its gets instead of leaving them waiting; the statement looks keys
 * up by the primary key. Batches are formed deterministically: the reader's statement is held by a
 * table lock taken from outside while the other gets queue.
 */
class GetBatcherTest {
  private static final int QUEUED = 24;

  @Test
  void getsQueuedBehindAStatementAreAnsweredByOneStatementEachWithItsOwnRecord() throws Exception {
    TestPostgres postgres = TestPostgres.shared();
    String database = TestPostgres.uniqueDatabase("getbatch");
    ExecutorService clients = Executors.newFixedThreadPool(QUEUED + 1);
    try (PostgresStorage storage =
            PostgresStorage.open(postgres.options(database).withGetConnections(1));
        Connection blocker = postgres.connect(database);
        Connection observer = postgres.connect(database)) {
      VssService vss = new VssService(storage, Limits.DEFAULTS);
      // Keyspaces told apart by user and by store id; each key's value names its keyspace.
      for (int i = 0; i < QUEUED; i++) {
        vss.putObjects(user(i), put(store(i), "k", "value of " + i, 0));
      }
      long statementsBefore = storage.gets().statements();

      blocker.setAutoCommit(false);
      try (Statement lock = blocker.createStatement()) {
        lock.execute("LOCK TABLE vss_db IN ACCESS EXCLUSIVE MODE"); // blocks reads too
      }
      List<Future<Optional<StoredRecord>>> gets = new ArrayList<>();
      gets.add(clients.submit(() -> storage.get(new Keyspace(user(0), store(0)), "k")));
      waitFor("the reader waits for the table lock", () -> readerWaitsForLock(observer, database));
      for (int i = 1; i < QUEUED; i++) {
        // Every third a key that is not there: the batch must answer it empty, not shift rows.
        String key = i % 3 == 0 ? "missing" : "k";
        Keyspace keyspace = new Keyspace(user(i), store(i));
        gets.add(clients.submit(() -> storage.get(keyspace, key)));
      }
      waitFor("every other get is queued", () -> storage.gets().queuedGets() == QUEUED - 1);
      blocker.commit();

      for (int i = 0; i < QUEUED; i++) {
        Optional<StoredRecord> record = gets.get(i).get(60, TimeUnit.SECONDS);
        if (i % 3 == 0 && i > 0) {
          assertThat(record).as("get %d", i).isEmpty();
        } else {
          assertThat(record).as("get %d", i).isPresent();
          assertThat(record.get().key()).isEqualTo("k");
          assertThat(record.get().value().toStringUtf8()).isEqualTo("value of " + i);
          assertThat(record.get().version()).isEqualTo(1);
        }
      }
      assertThat(storage.gets().statements() - statementsBefore)
          .as("the first get alone, then all the others in one statement")
          .isEqualTo(2);
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void aGetCalledAfterAnAcknowledgedWriteSeesItWhileOtherGetsKeepBatchesRunning() throws Exception {
    TestPostgres postgres = TestPostgres.shared();
    String database = TestPostgres.uniqueDatabase("getbatch");
    ExecutorService readers = Executors.newFixedThreadPool(8);
    AtomicBoolean running = new AtomicBoolean(true);
    try (PostgresStorage storage = PostgresStorage.open(postgres.options(database))) {
      VssService vss = new VssService(storage, Limits.DEFAULTS);
      vss.putObjects("alice", put("s", "hot", "0", -1));
      List<Future<?>> load = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        load.add(
            readers.submit(
                () -> {
                  while (running.get()) {
                    storage.get(new Keyspace("alice", "s"), "hot");
                  }
                  return null;
                }));
      }
      for (int i = 1; i <= 200; i++) {
        vss.putObjects("alice", put("s", "hot", Integer.toString(i), -1));
        assertThat(
                vss.getObject(
                        "alice",
                        GetObjectRequest.newBuilder().setStoreId("s").setKey("hot").build())
                    .getValue()
                    .getValue()
                    .toStringUtf8())
            .as("get after put %d was acknowledged", i)
            .isEqualTo(Integer.toString(i));
      }
      running.set(false);
      for (Future<?> reader : load) {
        reader.get(60, TimeUnit.SECONDS);
      }
      assertThat(storage.gets().gets())
          .as("gets share statements under load")
          .isGreaterThan(storage.gets().statements());
    } finally {
      running.set(false);
      readers.shutdownNow();
    }
  }

  @Test
  void aFailedStatementFailsEachOfItsGetsWithAStorageFault() throws Exception {
    TestPostgres postgres = TestPostgres.shared();
    String database = TestPostgres.uniqueDatabase("getbatch");
    ExecutorService clients = Executors.newFixedThreadPool(QUEUED + 1);
    try (PostgresStorage storage =
            PostgresStorage.open(postgres.options(database).withGetConnections(1));
        Connection blocker = postgres.connect(database);
        Connection observer = postgres.connect(database)) {
      VssService vss = new VssService(storage, Limits.DEFAULTS);
      vss.putObjects("alice", put("s", "k", "v", 0));

      blocker.setAutoCommit(false);
      try (Statement lock = blocker.createStatement()) {
        lock.execute("LOCK TABLE vss_db IN ACCESS EXCLUSIVE MODE");
      }
      Future<Optional<StoredRecord>> first =
          clients.submit(() -> storage.get(new Keyspace("alice", "s"), "k"));
      waitFor("the reader waits for the table lock", () -> readerWaitsForLock(observer, database));
      List<Future<Optional<StoredRecord>>> queued = new ArrayList<>();
      for (int i = 0; i < QUEUED; i++) {
        Keyspace keyspace = new Keyspace("user-" + i, "s");
        queued.add(clients.submit(() -> storage.get(keyspace, "k")));
      }
      waitFor("the other gets are queued", () -> storage.gets().queuedGets() == QUEUED);
      // The table disappears under its name: the next statement cannot run.
      try (Statement rename = blocker.createStatement()) {
        rename.execute("ALTER TABLE vss_db RENAME TO vss_db_away");
      }
      blocker.commit();

      try {
        first.get(60, TimeUnit.SECONDS); // either outcome: it may have resolved the table first
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(StorageException.class);
      }
      for (Future<Optional<StoredRecord>> get : queued) {
        assertThatThrownBy(() -> get.get(60, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .cause()
            .isInstanceOf(StorageException.class)
            .hasMessageStartingWith("PostgreSQL get failed");
      }

      postgres.execute(database, "ALTER TABLE vss_db_away RENAME TO vss_db");
      assertThat(storage.get(new Keyspace("alice", "s"), "k"))
          .as("the reader still serves")
          .isPresent();
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void stoppingEndsEveryReaderThreadThoughOneMayDrainTheStopSignalWithItsBatch() throws Exception {
    DataSource noDatabase =
        (DataSource)
            Proxy.newProxyInstance(
                GetBatcherTest.class.getClassLoader(),
                new Class<?>[] {DataSource.class},
                (proxy, method, arguments) -> {
                  throw new SQLException("no database in this test");
                });
    for (int i = 0; i < 50; i++) {
      GetBatcher batcher = new GetBatcher(noDatabase, 4, 256, "test-reader-" + i);
      Thread stopper = new Thread(batcher::stop);
      stopper.start();
      stopper.join(60_000); // a bound that only ends a hung test
      assertThat(stopper.isAlive()).as("stop() returned, round %d", i).isFalse();
    }
  }

  @Test
  void theBatchStatementLooksKeysUpByThePrimaryKey() throws Exception {
    TestPostgres postgres = TestPostgres.shared();
    String database = TestPostgres.uniqueDatabase("getbatch");
    try (PostgresStorage storage = PostgresStorage.open(postgres.options(database))) {
      // A table large enough that a scan would be a real choice, with statistics.
      postgres.execute(
          database,
          "INSERT INTO vss_db (user_token, store_id, key, value, version)"
              + " SELECT 'u' || (n % 100), 's', 'k' || n, '\\x00'::bytea, 1"
              + " FROM generate_series(1, 20000) AS n",
          "ANALYZE vss_db");
      String generic =
          GetBatcher.GET_BATCH_SQL
              .replaceFirst("\\?", "\\$1")
              .replaceFirst("\\?", "\\$2")
              .replaceFirst("\\?", "\\$3");
      PostgresOptions options = postgres.options(database);
      Properties properties = options.driverProperties();
      // The simple protocol: $1 stays a placeholder for EXPLAIN (GENERIC_PLAN), not a parameter.
      properties.setProperty("preferQueryMode", "simple");
      try (Connection connection =
              DriverManager.getConnection(options.jdbcUrl(database), properties);
          Statement statement = connection.createStatement()) {
        // The plan prepared statements use once PostgreSQL settles on a generic one.
        String plan = plan(statement, "EXPLAIN (GENERIC_PLAN) " + generic);
        assertThat(plan).contains("Index Scan using vss_db_pkey").doesNotContain("Seq Scan");
        // The plan for a concrete batch of 200 keys.
        String keys = "ARRAY(SELECT 'k' || n FROM generate_series(1, 200) AS n)::varchar[]";
        String users =
            "ARRAY(SELECT 'u' || (n % 100) FROM generate_series(1, 200) AS n)" + "::varchar[]";
        String stores = "array_fill('s'::varchar, ARRAY[200])";
        String concrete =
            generic
                .replace("$1::varchar[]", users)
                .replace("$2::varchar[]", stores)
                .replace("$3::varchar[]", keys);
        plan = plan(statement, "EXPLAIN " + concrete);
        assertThat(plan).contains("Index Scan using vss_db_pkey").doesNotContain("Seq Scan");
      }
    }
  }

  private static String plan(Statement statement, String explain) throws SQLException {
    StringBuilder plan = new StringBuilder();
    try (ResultSet rows = statement.executeQuery(explain)) {
      while (rows.next()) {
        plan.append(rows.getString(1)).append('\n');
      }
    }
    return plan.toString();
  }

  private static String user(int i) {
    return "user-" + (i % 5);
  }

  private static String store(int i) {
    return "store-" + i;
  }

  private static PutObjectRequest put(String storeId, String key, String value, long version) {
    return PutObjectRequest.newBuilder()
        .setStoreId(storeId)
        .addTransactionItems(
            KeyValue.newBuilder()
                .setKey(key)
                .setVersion(version)
                .setValue(ByteString.copyFromUtf8(value)))
        .build();
  }

  private static boolean readerWaitsForLock(Connection observer, String database) {
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
  private static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting until " + what).isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
