package dev.vss.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import com.zaxxer.hikari.HikariDataSource;
import dev.vss.core.Limits;
import dev.vss.core.VssException;
import dev.vss.core.VssService;
import dev.vss.core.spi.StorageException;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Faults: PostgreSQL unreachable at start, restarted under load, a statement failing in a batch.
 */
class PostgresFaultTest {
  private static PutObjectRequest create(String store, String key, String value) {
    return PutObjectRequest.newBuilder()
        .setStoreId(store)
        .addTransactionItems(
            KeyValue.newBuilder()
                .setKey(key)
                .setVersion(0)
                .setValue(ByteString.copyFromUtf8(value)))
        .build();
  }

  @Test
  void anUnreachableServerFailsOpenWithOneLine() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    PostgresOptions options =
        PostgresOptions.reference(
            "postgres", "postgres", "127.0.0.1:" + closedPort, "postgres", "vss");
    assertThatThrownBy(() -> PostgresStorage.open(options))
        .isInstanceOf(StorageException.class)
        .hasMessageStartingWith("cannot connect to PostgreSQL at 127.0.0.1:" + closedPort)
        .hasNoCause()
        .message()
        .doesNotContain("\n");
  }

  @Test
  void synchronousCommitOffOnTheServerIsSwitchedOnForOurConnections() throws Exception {
    TestPostgres postgres = TestPostgres.shared();
    String database = TestPostgres.uniqueDatabase("synccommit");
    PostgresStorage.open(postgres.options(database)).close();
    postgres.execute(database, "ALTER DATABASE " + database + " SET synchronous_commit = off");
    try (Connection connection = postgres.connect(database);
        Statement statement = connection.createStatement()) {
      assertThat(setting(statement)).isEqualTo("off");
      statement.execute(PostgresStorage.CONNECTION_INIT_SQL);
      assertThat(setting(statement)).isEqualTo("on");
      statement.execute("SET synchronous_commit = remote_apply");
      statement.execute(PostgresStorage.CONNECTION_INIT_SQL);
      assertThat(setting(statement)).as("a stronger level is kept").isEqualTo("remote_apply");
    }
  }

  /**
   * The writers' pool (auto-commit off) commits its connection settings before handing the
   * connection out: a first transaction that fails and rolls back keeps them.
   */
  @Test
  void theWritersConnectionSettingsSurviveARollbackOfTheirFirstTransaction() throws Exception {
    TestPostgres postgres = TestPostgres.shared();
    String database = TestPostgres.uniqueDatabase("initcommit");
    PostgresStorage.open(postgres.options(database)).close();
    postgres.execute(database, "ALTER DATABASE " + database + " SET synchronous_commit = off");
    try (HikariDataSource pool =
            PostgresStorage.pool(postgres.options(database), "writers", 1, false);
        Connection connection = pool.getConnection();
        Statement statement = connection.createStatement()) {
      assertThatThrownBy(() -> statement.execute("SELECT 1 / 0")).isInstanceOf(SQLException.class);
      connection.rollback();
      assertThat(setting(statement)).isEqualTo("on");
      try (ResultSet row = statement.executeQuery("SHOW plan_cache_mode")) {
        row.next();
        assertThat(row.getString(1)).isEqualTo("force_generic_plan");
      }
    }
  }

  private static String setting(Statement statement) throws Exception {
    try (ResultSet row = statement.executeQuery("SHOW synchronous_commit")) {
      row.next();
      return row.getString(1);
    }
  }

  /**
   * One write whose statement fails (a key that fits the VSS limit but not the column once its NUL
   * characters are escaped) among many concurrent ones: only it fails; the others commit.
   */
  @Test
  void aFailingStatementFailsOnlyItsOwnWrite() throws Exception {
    String database = TestPostgres.uniqueDatabase("stmtfault");
    try (PostgresStorage storage = PostgresStorage.open(TestPostgres.shared().options(database))) {
      VssService vss = new VssService(storage, Limits.DEFAULTS);
      String tooLongStored = "\0".repeat(301); // 301 characters, 602 once stored
      int writes = 32;
      ExecutorService pool = Executors.newFixedThreadPool(writes);
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> results = new ArrayList<>();
        for (int i = 0; i < writes; i++) {
          String key = i == writes / 2 ? tooLongStored : "k" + i;
          results.add(
              pool.submit(
                  () -> {
                    start.await();
                    return vss.putObjects("user", create("s", key, "v"));
                  }));
        }
        start.countDown();
        for (int i = 0; i < writes; i++) {
          if (i == writes / 2) {
            Future<?> bad = results.get(i);
            assertThatThrownBy(bad::get).hasCauseInstanceOf(VssException.class);
          } else {
            results.get(i).get(2, TimeUnit.MINUTES);
            assertThat(
                    vss.getObject(
                            "user",
                            GetObjectRequest.newBuilder().setStoreId("s").setKey("k" + i).build())
                        .getValue()
                        .getVersion())
                .isEqualTo(1);
          }
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /**
   * PostgreSQL stopped and started again under load: while it is away writes and the health check
   * fail with a storage fault (a generic INTERNAL error to clients); afterwards the pool recovers
   * by itself, and every acknowledged write is in the database.
   */
  @Test
  void aRestartUnderLoadLosesNoAcknowledgedWriteAndThePoolRecovers() throws Exception {
    assumeTrue(TestPostgres.shared().embedded(), "needs a server this test may restart");
    // fsync=on as in production: a durability test (a fast shutdown flushes either way)
    TestPostgres postgres = TestPostgres.startEmbedded(true);
    try {
      String database = TestPostgres.uniqueDatabase("restart");
      try (PostgresStorage storage =
          PostgresStorage.open(
              postgres.options(database).withConnectionTimeout(java.time.Duration.ofSeconds(1)))) {
        VssService vss = new VssService(storage, Limits.DEFAULTS);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger internalErrors = new AtomicInteger();
        AtomicInteger otherErrors = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch warmedUp = new CountDownLatch(200);
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
          int writer = w;
          Thread thread =
              new Thread(
                  () -> {
                    for (int i = 0; !stop.get(); i++) {
                      String key = "w" + writer + "-" + i;
                      try {
                        vss.putObjects("user", create("s", key, key));
                        acknowledged.add(key);
                        warmedUp.countDown();
                      } catch (VssException e) {
                        (e.errorCode() == ErrorCode.INTERNAL_SERVER_EXCEPTION
                                ? internalErrors
                                : otherErrors)
                            .incrementAndGet();
                      }
                    }
                  });
          thread.start();
          writers.add(thread);
        }
        assertThat(warmedUp.await(5, TimeUnit.MINUTES)).isTrue();
        postgres.stop();
        int failuresBefore = internalErrors.get();
        assertThatThrownBy(storage::checkHealth).isInstanceOf(StorageException.class);
        long outage = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (internalErrors.get() == failuresBefore) {
          assertThat(System.nanoTime()).as("writers see the outage").isLessThan(outage);
          Thread.sleep(20);
        }
        postgres.start();
        int acknowledgedAfterRestart = acknowledged.size();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (acknowledged.size() < acknowledgedAfterRestart + 200) {
          assertThat(System.nanoTime())
              .as("writes succeed again after the restart")
              .isLessThan(deadline);
          Thread.sleep(20);
        }
        storage.checkHealth();
        stop.set(true);
        for (Thread thread : writers) {
          thread.join();
        }
        assertThat(otherErrors.get()).as("faults are INTERNAL, nothing else").isZero();
        for (String key : acknowledged) {
          assertThat(storage.get(new dev.vss.core.Keyspace("user", "s"), key))
              .as(key)
              .hasValueSatisfying(
                  record -> assertThat(record.value().toStringUtf8()).isEqualTo(key));
        }
      }
    } finally {
      postgres.stop();
    }
  }
}
