package dev.vss.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A write that waits for its keyspace's lock decides on what the previous holder committed: the
 * read that feeds the decision must take its snapshot after the lock was granted (in READ
 * COMMITTED, a statement of its own after the locking one), or a write of another process holding
 * the lock would be overwritten blindly. The other holder is played by a connection of the test
 * that takes the same advisory lock, as every server process and the bulk loader do.
 */
class KeyspaceLockTest {
  @Test
  void aWriteWaitingForTheKeyspaceLockDecidesOnTheHoldersCommit() throws Exception {
    TestPostgres postgres = TestPostgres.shared();
    String database = TestPostgres.uniqueDatabase("keyspacelock");
    ExecutorService client = Executors.newSingleThreadExecutor();
    try (PostgresStorage storage = PostgresStorage.open(postgres.options(database));
        Connection holder = postgres.connect(database);
        Connection observer = postgres.connect(database)) {
      VssService vss = new VssService(storage, Limits.DEFAULTS);
      vss.putObjects("alice", put("k", 0)); // stored at version 1

      holder.setAutoCommit(false);
      try (PreparedStatement lock = holder.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
        lock.setLong(1, WriteRequest.lockId("alice", "s"));
        lock.execute();
      }
      try (Statement update = holder.createStatement()) {
        assertThat(
                update.executeUpdate(
                    "UPDATE vss_db SET version = 7 WHERE user_token = 'alice'"
                        + " AND store_id = 's' AND key = 'k'"))
            .isEqualTo(1);
      }
      // Succeeds only if the decision sees the holder's version 7, not the 1 before it.
      Future<?> conditional = client.submit(() -> vss.putObjects("alice", put("k", 7)));
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (!writerWaitsForAdvisoryLock(observer, database)) {
        assertThat(System.nanoTime())
            .as("waiting until the writer waits for the lock")
            .isLessThan(deadline);
        Thread.sleep(10);
      }
      holder.commit();
      conditional.get();

      assertThat(
              vss.getObject(
                      "alice", GetObjectRequest.newBuilder().setStoreId("s").setKey("k").build())
                  .getValue()
                  .getVersion())
          .isEqualTo(8);
    } finally {
      client.shutdownNow();
    }
  }

  private static PutObjectRequest put(String key, long version) {
    return PutObjectRequest.newBuilder()
        .setStoreId("s")
        .addTransactionItems(
            KeyValue.newBuilder()
                .setKey(key)
                .setVersion(version)
                .setValue(ByteString.copyFromUtf8("v")))
        .build();
  }

  private static boolean writerWaitsForAdvisoryLock(Connection observer, String database)
      throws SQLException {
    try (Statement statement = observer.createStatement();
        ResultSet row =
            statement.executeQuery(
                "SELECT count(*) FROM pg_stat_activity"
                    + " WHERE application_name = 'vss-jvm' AND wait_event = 'advisory'"
                    + " AND datname = '"
                    + database
                    + "'")) {
      row.next();
      return row.getInt(1) == 1;
    }
  }
}
