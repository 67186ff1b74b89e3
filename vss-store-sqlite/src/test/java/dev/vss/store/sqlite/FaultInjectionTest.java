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
import dev.vss.core.spi.StorageException;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQLite faults surface as storage failures, leave nothing behind, and pass. */
class FaultInjectionTest {
  private static final String USER = "alice";
  private static final Keyspace WALLET = new Keyspace(USER, "wallet");

  @TempDir Path dir;

  @Test
  void aFullDiskFailsTheWriteAsInternalAndTheStoreWorksOnceThereIsRoom() throws Exception {
    try (SqliteStorage storage = SqliteStorage.open(dir)) {
      VssService vss = new VssService(storage, Limits.DEFAULTS);
      vss.putObjects(USER, put("wallet", 0L, item("small", 0, "1")));
      // SQLite reports SQLITE_FULL when the file would grow past max_page_count, exactly as when
      // the disk is full.
      storage
          .writer()
          .onConnection(
              connection -> {
                try (Statement statement = connection.createStatement()) {
                  statement.execute("PRAGMA max_page_count = 1");
                }
              });

      PutObjectRequest big =
          PutObjectRequest.newBuilder()
              .setStoreId("wallet")
              .setGlobalVersion(1)
              .addTransactionItems(
                  KeyValue.newBuilder()
                      .setKey("big")
                      .setVersion(0)
                      .setValue(ByteString.copyFrom(new byte[256 * 1024])))
              .addTransactionItems(item("small", 1, "2"))
              .build();
      assertThatThrownBy(() -> vss.putObjects(USER, big))
          .isInstanceOf(VssException.class)
          .hasMessage("internal server error")
          .extracting(e -> ((VssException) e).errorCode())
          .isEqualTo(ErrorCode.INTERNAL_SERVER_EXCEPTION);
      assertThatThrownBy(
              () ->
                  storage.write(
                      WALLET,
                      java.util.Set.of("big"),
                      view ->
                          dev.vss.core.spi.WritePlan.apply(
                              List.of(
                                  new dev.vss.core.spi.WritePlan.Upsert(
                                      "big", 1, ByteString.copyFrom(new byte[256 * 1024]))),
                              List.of(),
                              java.util.OptionalLong.empty(),
                              "x")))
          .isInstanceOf(StorageException.class);

      // Nothing of the failed writes is visible, reads go on.
      assertThat(storage.get(WALLET, "big")).isEmpty();
      assertThat(storage.get(WALLET, "small").orElseThrow().version()).isEqualTo(1);
      assertThat(storage.globalVersion(WALLET)).isEqualTo(1);
      // Not ready while the store cannot take writes: the probe write fails with SQLITE_FULL too.
      for (int probe = 0; probe < 2; probe++) {
        assertThatThrownBy(storage::checkHealth)
            .isInstanceOf(StorageException.class)
            .hasMessageContaining("write probe failed")
            .hasMessageContaining("SQLITE_FULL");
      }

      storage
          .writer()
          .onConnection(
              connection -> {
                try (Statement statement = connection.createStatement()) {
                  statement.execute("PRAGMA max_page_count = 4294967294");
                }
              });
      // Ready again as soon as a write can commit, before any client writes (none would come to
      // a store that is not ready).
      storage.checkHealth();
      storage.checkHealth();
      vss.putObjects(USER, big);
      assertThat(storage.get(WALLET, "big").orElseThrow().value().size()).isEqualTo(256 * 1024);
      assertThat(storage.get(WALLET, "small").orElseThrow().version()).isEqualTo(2);
      assertThat(storage.globalVersion(WALLET)).isEqualTo(2);
    }
  }

  @Test
  void aBusyDatabaseFailsWritesButNotReadsAndPassesWhenTheLockIsGone() throws Exception {
    SqliteOptions options = SqliteOptions.DEFAULTS.withBusyTimeout(Duration.ofMillis(200));
    try (SqliteStorage storage = SqliteStorage.open(dir, options);
        Connection other =
            DriverManager.getConnection(
                "jdbc:sqlite:" + dir.resolve(SqliteStorage.DATABASE_FILE_NAME))) {
      VssService vss = new VssService(storage, Limits.DEFAULTS);
      vss.putObjects(USER, put("wallet", null, item("a", 0, "1")));

      try (Statement statement = other.createStatement()) {
        // Another process holding SQLite's write lock, e.g. a backup tool writing the file.
        statement.execute("BEGIN IMMEDIATE");
        statement.execute("UPDATE keyspaces SET global_version = 99");
        assertThatThrownBy(() -> vss.putObjects(USER, put("wallet", null, item("b", 0, "2"))))
            .isInstanceOf(VssException.class)
            .extracting(e -> ((VssException) e).errorCode())
            .isEqualTo(ErrorCode.INTERNAL_SERVER_EXCEPTION);
        assertThatThrownBy(
                () ->
                    storage.write(
                        WALLET,
                        java.util.Set.of("b"),
                        view -> dev.vss.core.spi.WritePlan.abort("x")))
            .isInstanceOf(StorageException.class);
        // WAL readers are not blocked by the writer lock and never see its uncommitted work.
        assertThat(storage.get(WALLET, "a")).isPresent();
        assertThat(storage.globalVersion(WALLET)).isZero();
        statement.execute("ROLLBACK");
      }

      vss.putObjects(USER, put("wallet", null, item("b", 0, "2")));
      assertThat(storage.get(WALLET, "b")).isPresent();
      assertThat(storage.globalVersion(WALLET)).isZero();
    }
  }

  @Test
  void closingUnderLoadAnswersEveryWriteAndKeepsEveryAcknowledgedOne() throws Exception {
    SqliteStorage storage = SqliteStorage.open(dir);
    VssService vss = new VssService(storage, Limits.DEFAULTS);
    Map<String, Boolean> acknowledged = new ConcurrentHashMap<>();
    AtomicInteger refused = new AtomicInteger();
    CountDownLatch someAcknowledged = new CountDownLatch(50);
    ExecutorService writers = Executors.newFixedThreadPool(8);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int thread = t;
      done.add(
          writers.submit(
              () -> {
                for (int i = 0; ; i++) {
                  String key = thread + "/" + i;
                  try {
                    vss.putObjects(USER, put("wallet", null, item(key, 0, key)));
                  } catch (VssException e) {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.INTERNAL_SERVER_EXCEPTION);
                    refused.incrementAndGet();
                    return null;
                  }
                  acknowledged.put(key, true);
                  someAcknowledged.countDown();
                }
              }));
    }
    assertThat(someAcknowledged.await(60, TimeUnit.SECONDS)).isTrue();
    storage.close();
    for (Future<?> writer : done) {
      writer.get(60, TimeUnit.SECONDS); // every caller got an answer: none hangs
    }
    writers.shutdown();
    assertThat(refused.get()).isEqualTo(8);

    try (SqliteStorage reopened = SqliteStorage.open(dir)) {
      for (String key : acknowledged.keySet()) {
        assertThat(reopened.get(WALLET, key)).as(key).isPresent();
      }
    }
  }

  @Test
  void anUnwritableDirectoryIsRefusedClearly() throws Exception {
    Assumptions.assumeFalse(
        "root".equals(System.getProperty("user.name")), "file permissions do not bind root");
    Path locked =
        Files.createDirectory(
            dir.resolve("locked"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r-xr-xr-x")));
    assertThatThrownBy(() -> SqliteStorage.open(locked))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("not writable");
  }

  @Test
  void aFileThatIsNotAVssDatabaseIsRefused() throws Exception {
    try (Connection foreign =
            DriverManager.getConnection(
                "jdbc:sqlite:" + dir.resolve(SqliteStorage.DATABASE_FILE_NAME));
        Statement statement = foreign.createStatement()) {
      statement.execute("CREATE TABLE something (x)");
    }
    assertThatThrownBy(() -> SqliteStorage.open(dir))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("not a VSS database");
  }
}
