package dev.vss.store.sqlite;

import static dev.vss.store.sqlite.SqliteStorageTest.item;
import static dev.vss.store.sqlite.SqliteStorageTest.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vss.core.Keyspace;
import dev.vss.core.Limits;
import dev.vss.core.VssException;
import dev.vss.core.VssService;
import dev.vss.core.spi.StorageException;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.GetObjectRequest;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damage in the file is reported, never served, and makes readiness fail where it must. */
class CorruptionTest {
  private static final String USER = "alice";
  private static final Keyspace WALLET = new Keyspace(USER, "wallet");
  private static final String SECRET_A = "the-value-of-a-0123456789";

  @TempDir Path dir;

  private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
  private final Logger storeLogger = Logger.getLogger("dev.vss.store.sqlite");
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          logged.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void captureLogs() {
    storeLogger.addHandler(capture);
  }

  @AfterEach
  void releaseLogs() {
    storeLogger.removeHandler(capture);
  }

  @Test
  void aFlippedByteInAValueIsAGenericInternalErrorAndALoudLogNeverTheBytes() throws Exception {
    writeAandB();
    Path file = dir.resolve(SqliteStorage.DATABASE_FILE_NAME);
    byte[] bytes = Files.readAllBytes(file);
    int at = indexOf(bytes, SECRET_A.getBytes(StandardCharsets.US_ASCII));
    assertThat(at).as("the value is in the checkpointed file").isPositive();
    flipByte(file, at + 5);

    try (SqliteStorage storage = SqliteStorage.open(dir)) { // quick_check: the structure is fine
      VssService vss = new VssService(storage, Limits.DEFAULTS);
      assertThatThrownBy(
              () ->
                  vss.getObject(
                      USER, GetObjectRequest.newBuilder().setStoreId("wallet").setKey("a").build()))
          .isInstanceOf(VssException.class)
          .hasMessage("internal server error")
          .extracting(e -> ((VssException) e).errorCode())
          .isEqualTo(ErrorCode.INTERNAL_SERVER_EXCEPTION);
      assertThatThrownBy(() -> storage.get(WALLET, "a"))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("failed its checksum");
      assertThat(logged)
          .anySatisfy(
              record -> {
                assertThat(record.getLevel()).isEqualTo(java.util.logging.Level.SEVERE);
                assertThat(record.getMessage())
                    .contains("CORRUPTED RECORD", "user_token=alice", "store_id=wallet", "key=a")
                    .doesNotContain("the-value");
              });
      // Only that record: the other one, the list (entries intact) and writes go on.
      assertThat(storage.get(WALLET, "b").orElseThrow().value().toStringUtf8()).isEqualTo("2");
      assertThat(SqliteStorageTest.keys(storage.list(WALLET, "", Long.MAX_VALUE, 10)))
          .containsExactly("b", "a");
      storage.checkHealth();

      IntegrityReport report = storage.checkIntegrity();
      assertThat(report.ok()).isFalse();
      assertThat(report.sqliteProblems()).isEmpty(); // SQLite itself sees nothing wrong
      assertThat(report.recordProblemCount()).isEqualTo(1);
      assertThat(report.recordProblems().get(0)).contains("key=a", "store_id=wallet");
      // Known damage: not ready until a check passes.
      assertThatThrownBy(storage::checkHealth).hasMessageContaining("damaged");

      // Repair by overwriting the record (as a client restoring it would), then check again.
      vss.putObjects(USER, put("wallet", null, item("a", 1, "restored")));
      assertThat(storage.get(WALLET, "a").orElseThrow().value().toStringUtf8())
          .isEqualTo("restored");
      assertThat(storage.checkIntegrity().ok()).isTrue();
      storage.checkHealth();
    }
  }

  @Test
  void anAlteredVersionFailsGetAndList() throws Exception {
    writeAandB();
    sql("UPDATE records SET version = 7 WHERE key = CAST('a' AS BLOB)");
    try (SqliteStorage storage = SqliteStorage.open(dir)) {
      assertThatThrownBy(() -> storage.get(WALLET, "a"))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("checksum");
      assertThatThrownBy(() -> storage.list(WALLET, "", Long.MAX_VALUE, 10))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("checksum");
      assertThatThrownBy(() -> storage.list(WALLET, "a", Long.MAX_VALUE, 10))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("checksum");
      assertThat(SqliteStorageTest.keys(storage.list(WALLET, "b", Long.MAX_VALUE, 10)))
          .containsExactly("b");
    }
  }

  @Test
  void aRowCopiedOverAnotherKeyWithItsChecksumsIsCaught() throws Exception {
    writeAandB();
    // b's value, version and checksums under a's key and sequence: a swapped, self-consistent row.
    sql(
        "UPDATE records SET (version, value, entry_crc, record_crc) = (SELECT version, value,"
            + " entry_crc, record_crc FROM records WHERE key = CAST('b' AS BLOB))"
            + " WHERE key = CAST('a' AS BLOB)");
    try (SqliteStorage storage = SqliteStorage.open(dir)) {
      assertThatThrownBy(() -> storage.get(WALLET, "a")).hasMessageContaining("checksum");
      assertThat(storage.get(WALLET, "b")).isPresent();
    }
  }

  @Test
  void aDamagedPageHeaderIsRefusedAtOpen() throws Exception {
    writeAandB();
    damageRootPageOf("records");
    assertThatThrownBy(() -> SqliteStorage.open(dir))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(
            "database file "
                + dir.resolve(SqliteStorage.DATABASE_FILE_NAME)
                + " is damaged (PRAGMA quick_check")
        .hasMessageNotContaining("\n");
  }

  @Test
  void withoutTheOpenCheckADamagedPageHeaderMakesReadinessFail() throws Exception {
    writeAandB();
    damageRootPageOf("records");
    SqliteOptions noCheck = SqliteOptions.DEFAULTS.withOpenCheck(SqliteOptions.OpenCheck.NONE);
    try (SqliteStorage storage = SqliteStorage.open(dir, noCheck)) {
      assertThatThrownBy(storage::checkHealth).isInstanceOf(StorageException.class);
      assertThatThrownBy(() -> storage.get(WALLET, "a")).isInstanceOf(StorageException.class);
      // Sticky: damage does not heal, readiness stays failed without touching the pages again.
      assertThatThrownBy(storage::checkHealth).hasMessageContaining("damaged");
      IntegrityReport report = storage.checkIntegrity();
      assertThat(report.ok()).isFalse();
      assertThatThrownBy(storage::checkHealth).hasMessageContaining("damaged");
    }
  }

  @Test
  void theFullOpenCheckVerifiesEveryRecord() throws Exception {
    writeAandB();
    sql("UPDATE records SET value = CAST('x' AS BLOB) WHERE key = CAST('b' AS BLOB)");
    SqliteOptions full = SqliteOptions.DEFAULTS.withOpenCheck(SqliteOptions.OpenCheck.FULL);
    assertThatThrownBy(() -> SqliteStorage.open(dir, full))
        .hasMessageContaining("1 record(s) fail their checksums")
        .hasMessageContaining("key=b");
    try (SqliteStorage storage = SqliteStorage.open(dir)) { // QUICK does not read records
      assertThat(storage.get(WALLET, "a")).isPresent();
    }
  }

  @Test
  void aCleanStorePassesTheFullCheck() throws Exception {
    writeAandB();
    try (SqliteStorage storage = SqliteStorage.open(dir)) {
      IntegrityReport report = storage.checkIntegrity();
      assertThat(report.ok()).isTrue();
      assertThat(report.recordsChecked()).isEqualTo(4); // 2 rows + 2 list-index entries
      storage.checkHealth();
    }
  }

  private void writeAandB() {
    try (SqliteStorage storage = SqliteStorage.open(dir)) {
      new VssService(storage, Limits.DEFAULTS)
          .putObjects(USER, put("wallet", null, item("a", 0, SECRET_A), item("b", 0, "2")));
    } // close checkpoints everything into the database file
  }

  private void sql(String statement) throws Exception {
    try (Connection connection =
            DriverManager.getConnection(
                "jdbc:sqlite:" + dir.resolve(SqliteStorage.DATABASE_FILE_NAME));
        Statement s = connection.createStatement()) {
      s.execute(statement);
    }
  }

  /** Overwrites the b-tree page type byte of the table's root page with an invalid value. */
  private void damageRootPageOf(String table) throws Exception {
    int root;
    int pageSize;
    try (Connection connection =
            DriverManager.getConnection(
                "jdbc:sqlite:" + dir.resolve(SqliteStorage.DATABASE_FILE_NAME));
        Statement s = connection.createStatement()) {
      try (ResultSet row =
          s.executeQuery("SELECT rootpage FROM sqlite_schema WHERE name = '" + table + "'")) {
        row.next();
        root = row.getInt(1);
      }
      try (ResultSet row = s.executeQuery("PRAGMA page_size")) {
        row.next();
        pageSize = row.getInt(1);
      }
    }
    assertThat(root).isGreaterThan(1);
    try (FileChannel channel =
        FileChannel.open(dir.resolve(SqliteStorage.DATABASE_FILE_NAME), StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(new byte[] {(byte) 0x6b}), (long) (root - 1) * pageSize);
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static void flipByte(Path file, long position) throws Exception {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, position);
      one.put(0, (byte) (one.get(0) ^ 0x01)).rewind();
      channel.write(one, position);
    }
  }
}
