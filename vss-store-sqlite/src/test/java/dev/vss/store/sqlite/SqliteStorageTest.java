package dev.vss.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.vss.core.Keyspace;
import dev.vss.core.Limits;
import dev.vss.core.VssException;
import dev.vss.core.VssService;
import dev.vss.core.spi.KeyVersion;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.StoredRecord;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStorageTest {
  private static final String USER = "alice";
  private static final Keyspace WALLET = new Keyspace(USER, "wallet");

  @TempDir Path dir;

  @Test
  void createsTheDirectoryAndTheDatabaseFileOnFirstOpen() {
    Path data = dir.resolve("a/b/data");
    try (SqliteStorage storage = SqliteStorage.open(data)) {
      assertThat(storage.name()).isEqualTo("sqlite");
      storage.checkHealth();
    }
    assertThat(data.resolve(SqliteStorage.DATABASE_FILE_NAME)).isRegularFile();
  }

  @Test
  void refusesAPathThatIsAFile() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    assertThatThrownBy(() -> SqliteStorage.open(file))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("not a directory");
    Path below = file.resolve("data");
    assertThatThrownBy(() -> SqliteStorage.open(below))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("cannot create data directory");
  }

  @Test
  void refusesADatabasePathThatIsADirectory() throws Exception {
    Files.createDirectories(dir.resolve(SqliteStorage.DATABASE_FILE_NAME));
    assertThatThrownBy(() -> SqliteStorage.open(dir))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("not a regular file");
  }

  @Test
  void runsWalWithFullSynchronousByDefaultAndNormalWhenRelaxed() {
    try (SqliteStorage storage = SqliteStorage.open(dir.resolve("full"))) {
      assertThat(pragmas(storage)).containsExactly("wal", "2");
    }
    SqliteOptions relaxed = SqliteOptions.DEFAULTS.withDurability(SqliteOptions.Durability.RELAXED);
    try (SqliteStorage storage = SqliteStorage.open(dir.resolve("relaxed"), relaxed)) {
      assertThat(pragmas(storage)).containsExactly("wal", "1");
    }
  }

  @Test
  void putGetListAndDeleteThroughTheService() {
    try (SqliteStorage storage = SqliteStorage.open(dir)) {
      VssService vss = new VssService(storage, Limits.DEFAULTS);
      vss.putObjects(USER, put("wallet", 0L, item("a", 0, "1"), item("b", 0, "2")));
      vss.putObjects(USER, put("wallet", 1L, item("a", 1, "3")));

      StoredRecord a = storage.get(WALLET, "a").orElseThrow();
      assertThat(a.version()).isEqualTo(2);
      assertThat(a.value().toStringUtf8()).isEqualTo("3");
      assertThat(storage.globalVersion(WALLET)).isEqualTo(2);
      assertThat(keys(storage.list(WALLET, "", Long.MAX_VALUE, 10))).containsExactly("b", "a");

      vss.deleteObject(
          USER,
          DeleteObjectRequest.newBuilder()
              .setStoreId("wallet")
              .setKeyValue(KeyValue.newBuilder().setKey("b").setVersion(1))
              .build());
      assertThat(storage.get(WALLET, "b")).isEmpty();
      assertThat(keys(storage.list(WALLET, "", Long.MAX_VALUE, 10))).containsExactly("a");
      // Another user's keyspace with the same store id is untouched and empty.
      assertThat(storage.get(new Keyspace("bob", "wallet"), "a")).isEmpty();
      assertThat(storage.globalVersion(new Keyspace("bob", "wallet"))).isZero();
    }
  }

  @Test
  void aConflictWritesNothing() {
    try (SqliteStorage storage = SqliteStorage.open(dir)) {
      VssService vss = new VssService(storage, Limits.DEFAULTS);
      vss.putObjects(USER, put("wallet", null, item("a", 0, "1")));
      assertThatThrownBy(
              () ->
                  vss.putObjects(
                      USER, put("wallet", null, item("b", 0, "2"), item("a", 0, "clash"))))
          .isInstanceOf(VssException.class)
          .extracting(e -> ((VssException) e).errorCode())
          .isEqualTo(ErrorCode.CONFLICT_EXCEPTION);
      assertThat(storage.get(WALLET, "b")).isEmpty();
      assertThat(storage.get(WALLET, "a").orElseThrow().value().toStringUtf8()).isEqualTo("1");
      assertThat(storage.globalVersion(WALLET)).isZero();
    }
  }

  @Test
  void reopeningKeepsRecordsGlobalVersionsAndNeverReusesASequence() {
    long deletedSequence;
    try (SqliteStorage storage = SqliteStorage.open(dir)) {
      VssService vss = new VssService(storage, Limits.DEFAULTS);
      vss.putObjects(USER, put("wallet", 0L, item("a", 0, "1"), item("b", 0, "2")));
      vss.putObjects(USER, put("wallet", null, item("newest", 0, "3")));
      deletedSequence = storage.get(WALLET, "newest").orElseThrow().sequence();
      vss.putObjects(
          USER,
          PutObjectRequest.newBuilder()
              .setStoreId("wallet")
              .addDeleteItems(KeyValue.newBuilder().setKey("newest").setVersion(1))
              .build());
    }
    try (SqliteStorage storage = SqliteStorage.open(dir)) {
      assertThat(storage.get(WALLET, "a").orElseThrow().value().toStringUtf8()).isEqualTo("1");
      assertThat(storage.get(WALLET, "newest")).isEmpty();
      assertThat(storage.globalVersion(WALLET)).isEqualTo(1);
      new VssService(storage, Limits.DEFAULTS)
          .putObjects(USER, put("wallet", null, item("again", 0, "4")));
      assertThat(storage.get(WALLET, "again").orElseThrow().sequence())
          .isGreaterThan(deletedSequence);
      assertThat(keys(storage.list(WALLET, "", Long.MAX_VALUE, 10)))
          .containsExactly("again", "b", "a");
    }
  }

  @Test
  void anUpdateKeepsTheSequenceAndARecreateGetsANewOne() {
    try (SqliteStorage storage = SqliteStorage.open(dir)) {
      VssService vss = new VssService(storage, Limits.DEFAULTS);
      vss.putObjects(USER, put("wallet", null, item("a", 0, "1"), item("b", 0, "1")));
      long first = storage.get(WALLET, "a").orElseThrow().sequence();
      vss.putObjects(USER, put("wallet", null, item("a", 1, "2")));
      assertThat(storage.get(WALLET, "a").orElseThrow().sequence()).isEqualTo(first);
      assertThat(keys(storage.list(WALLET, "", Long.MAX_VALUE, 10))).containsExactly("b", "a");
      vss.putObjects(
          USER,
          PutObjectRequest.newBuilder()
              .setStoreId("wallet")
              .addDeleteItems(KeyValue.newBuilder().setKey("a").setVersion(-1))
              .build());
      vss.putObjects(USER, put("wallet", null, item("a", 0, "3")));
      assertThat(storage.get(WALLET, "a").orElseThrow().sequence()).isGreaterThan(first);
      assertThat(keys(storage.list(WALLET, "", Long.MAX_VALUE, 10))).containsExactly("a", "b");
    }
  }

  @Test
  void prefixesAreLiteralAndKeysKeepEveryCharacter() {
    List<String> stored =
        List.of("a%b", "a_b", "axb", "a\u0000b", "a", "\u00e9t\u00e9", "\ud83d\ude00x", "b", "A%b");
    try (SqliteStorage storage = SqliteStorage.open(dir)) {
      VssService vss = new VssService(storage, Limits.DEFAULTS);
      PutObjectRequest.Builder request = PutObjectRequest.newBuilder().setStoreId("wallet");
      for (String key : stored) {
        request.addTransactionItems(item(key, 0, key));
      }
      vss.putObjects(USER, request.build());
      for (String key : stored) {
        assertThat(storage.get(WALLET, key).orElseThrow().value().toStringUtf8()).isEqualTo(key);
      }
      assertThat(keys(storage.list(WALLET, "a%", Long.MAX_VALUE, 100))).containsExactly("a%b");
      assertThat(keys(storage.list(WALLET, "a_", Long.MAX_VALUE, 100))).containsExactly("a_b");
      assertThat(keys(storage.list(WALLET, "a\u0000", Long.MAX_VALUE, 100)))
          .containsExactly("a\u0000b");
      assertThat(keys(storage.list(WALLET, "\u00e9", Long.MAX_VALUE, 100)))
          .containsExactly("\u00e9t\u00e9");
      assertThat(keys(storage.list(WALLET, "\ud83d\ude00", Long.MAX_VALUE, 100)))
          .containsExactly("\ud83d\ude00x");
      assertThat(keys(storage.list(WALLET, "a", Long.MAX_VALUE, 100)))
          .containsExactlyInAnyOrder("a%b", "a_b", "axb", "a\u0000b", "a");
      assertThat(storage.get(WALLET, "a\u0000")).isEmpty();
    }
  }

  @Test
  void listingPagesBySequenceNewestFirst() {
    try (SqliteStorage storage = SqliteStorage.open(dir)) {
      VssService vss = new VssService(storage, Limits.DEFAULTS);
      for (int i = 0; i < 25; i++) {
        vss.putObjects(
            USER, put("wallet", null, item((i % 2 == 0 ? "even/" : "odd/") + i, 0, "v")));
      }
      List<String> all = new ArrayList<>();
      long before = Long.MAX_VALUE;
      while (true) {
        List<KeyVersion> page = storage.list(WALLET, "even/", before, 4);
        page.forEach(entry -> all.add(entry.key()));
        if (page.size() < 4) {
          break;
        }
        before = page.get(page.size() - 1).sequence();
      }
      List<String> expected = new ArrayList<>();
      for (int i = 24; i >= 0; i -= 2) {
        expected.add("even/" + i);
      }
      assertThat(all).isEqualTo(expected);
    }
  }

  @Test
  void theListQueriesWalkTheSequenceIndexWithoutSorting() throws Exception {
    try (SqliteStorage storage = SqliteStorage.open(dir)) {
      new VssService(storage, Limits.DEFAULTS)
          .putObjects(USER, put("wallet", null, item("a", 0, "1")));
    }
    try (Connection connection =
        DriverManager.getConnection(
            "jdbc:sqlite:" + dir.resolve(SqliteStorage.DATABASE_FILE_NAME))) {
      for (String sql : List.of(ReaderPool.LIST_SQL, ReaderPool.LIST_PREFIX_SQL)) {
        String plan = queryPlan(connection, sql);
        assertThat(plan)
            .contains("USING COVERING INDEX records_by_sequence (keyspace_id=? AND sequence<?)")
            .doesNotContain("TEMP B-TREE");
      }
      assertThat(queryPlan(connection, ReaderPool.GET_SQL)).contains("records_by_key");
    }
  }

  @Test
  void everyCallAfterCloseFailsAndCloseIsIdempotent() {
    SqliteStorage storage = SqliteStorage.open(dir);
    storage.close();
    storage.close();
    assertThatThrownBy(() -> storage.get(WALLET, "a")).isInstanceOf(StorageException.class);
    assertThatThrownBy(() -> storage.globalVersion(WALLET)).isInstanceOf(StorageException.class);
    assertThatThrownBy(() -> storage.list(WALLET, "", Long.MAX_VALUE, 1))
        .isInstanceOf(StorageException.class);
    assertThatThrownBy(
            () -> storage.write(WALLET, Set.of("a"), view -> dev.vss.core.spi.WritePlan.abort("x")))
        .isInstanceOf(StorageException.class);
    assertThatThrownBy(storage::checkHealth).isInstanceOf(StorageException.class);
  }

  @Test
  void closeReleasesTheFileForTheNextOpen() throws Exception {
    SqliteStorage storage = SqliteStorage.open(dir);
    new VssService(storage, Limits.DEFAULTS)
        .putObjects(USER, put("wallet", null, item("a", 0, "1")));
    storage.close();
    // With every connection closed SQLite checkpoints the log into the file and removes it.
    assertThat(dir.resolve(SqliteStorage.DATABASE_FILE_NAME + "-wal")).doesNotExist();
    try (SqliteStorage again = SqliteStorage.open(dir)) {
      assertThat(again.get(WALLET, "a")).isPresent();
    }
  }

  static List<String> pragmas(SqliteStorage storage) {
    AtomicReference<List<String>> values = new AtomicReference<>();
    storage
        .writer()
        .onConnection(
            connection -> {
              List<String> found = new ArrayList<>();
              for (String pragma : List.of("journal_mode", "synchronous")) {
                try (PreparedStatement statement = connection.prepareStatement("PRAGMA " + pragma);
                    ResultSet row = statement.executeQuery()) {
                  row.next();
                  found.add(row.getString(1));
                }
              }
              values.set(found);
            });
    return values.get();
  }

  private static String queryPlan(Connection connection, String sql) throws Exception {
    StringBuilder plan = new StringBuilder();
    try (PreparedStatement statement = connection.prepareStatement("EXPLAIN QUERY PLAN " + sql);
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        plan.append(rows.getString(4)).append('\n');
      }
    }
    return plan.toString();
  }

  static List<String> keys(List<KeyVersion> page) {
    return page.stream().map(KeyVersion::key).toList();
  }

  static KeyValue item(String key, long version, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setVersion(version)
        .setValue(ByteString.copyFromUtf8(value))
        .build();
  }

  static PutObjectRequest put(String storeId, Long globalVersion, KeyValue... items) {
    PutObjectRequest.Builder request = PutObjectRequest.newBuilder().setStoreId(storeId);
    if (globalVersion != null) {
      request.setGlobalVersion(globalVersion);
    }
    for (KeyValue item : items) {
      request.addTransactionItems(item);
    }
    return request.build();
  }
}
