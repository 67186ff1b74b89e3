package dev.vss.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vss.core.Keyspace;
import dev.vss.core.spi.StorageException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real write-ahead log, left by a killed child JVM that wrote {@value #PUTS} puts with automatic
 * checkpoints off (so they all live in the log), damaged in different ways on copies.
 */
class WalDamageTest {
  private static final int PUTS = 20;
  private static final Keyspace STORE = new Keyspace("alice", "wal");
  private static final String WAL = SqliteStorage.DATABASE_FILE_NAME + "-wal";

  @TempDir static Path shared;
  @TempDir Path dir;

  private static Path original;

  @BeforeAll
  static void writeInAChildAndKillIt() throws Exception {
    original = shared.resolve("original");
    try (ChildStore.Child child = new ChildStore.Child(original, "write", Integer.toString(PUTS))) {
      assertThat(child.nextLine()).isEqualTo("OPEN");
      assertThat(child.nextLine()).isEqualTo("DONE " + PUTS);
      child.kill();
    }
    assertThat(Files.size(original.resolve(WAL)))
        .as("the puts live in the log")
        .isGreaterThan((long) PUTS * pageSize(original));
  }

  @Test
  void anUntouchedLogOpensWithEveryPut() throws Exception {
    Path copy = copy();
    // Every frame verifies through the checksum chain and the last one is a commit.
    long frames = frames(copy);
    assertThat(WalCheck.check(copy.resolve(WAL), pageSize(copy)))
        .isEqualTo(new WalCheck.Result(frames, frames, 0));
    try (SqliteStorage storage = SqliteStorage.open(copy)) {
      assertPuts(storage, PUTS);
    }
  }

  @Test
  void aDamagedFrameFollowedByCommitsIsRefusedAndTheFilesAreLeftAlone() throws Exception {
    Path copy = copy();
    Path wal = copy.resolve(WAL);
    long frames = frames(copy);
    long damaged = frames / 2; // in the middle: committed transactions follow it
    flipByte(wal, frameOffset(copy, damaged) + WalCheck.FRAME_HEADER_BYTES + 100);
    byte[] walBefore = Files.readAllBytes(wal);
    byte[] databaseBefore = Files.readAllBytes(copy.resolve(SqliteStorage.DATABASE_FILE_NAME));

    // What SQLite alone makes of it: later commits silently gone. (On a copy: SQLite's recovery
    // may rewrite the files.)
    Path plain = copyOf(copy, dir.resolve("plain"));
    assertThat(countRecordsWithPlainSqlite(plain)).isLessThan(PUTS);

    assertThatThrownBy(() -> SqliteStorage.open(copy))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("write-ahead log " + wal.toAbsolutePath() + " is damaged")
        .hasMessageContaining("frame " + (damaged + 1) + " of " + frames)
        .hasMessageContaining("refusing to open")
        .hasMessageNotContaining("\n");
    assertThat(Files.readAllBytes(wal)).isEqualTo(walBefore);
    assertThat(Files.readAllBytes(copy.resolve(SqliteStorage.DATABASE_FILE_NAME)))
        .isEqualTo(databaseBefore);
    // The refusal released the directory: a second attempt refuses the same way, not "in use".
    assertThatThrownBy(() -> SqliteStorage.open(copy)).hasMessageContaining("is damaged");
  }

  @Test
  void aDamagedFirstFrameIsRefused() throws Exception {
    Path copy = copy();
    flipByte(copy.resolve(WAL), frameOffset(copy, 0) + WalCheck.FRAME_HEADER_BYTES + 7);
    assertThatThrownBy(() -> SqliteStorage.open(copy))
        .hasMessageContaining("frame 1 of " + frames(copy));
  }

  @Test
  void aDamagedLogHeaderFollowedByCommitsIsRefused() throws Exception {
    Path copy = copy();
    flipByte(copy.resolve(WAL), 17); // in salt-1: the header's checksum fails
    assertThat(countRecordsWithPlainSqlite(copyOf(copy, dir.resolve("plain")))).isLessThan(PUTS);
    assertThatThrownBy(() -> SqliteStorage.open(copy))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("its header fails its checksum");
  }

  @Test
  void aTornTailOpensWithEveryCompleteCommit() throws Exception {
    Path copy = copy();
    Path wal = copy.resolve(WAL);
    // Cut the last frame (the last put's commit frame) in half, as a crash during its write would.
    long cut = Files.size(wal) - (WalCheck.FRAME_HEADER_BYTES + pageSize(copy)) / 2;
    try (FileChannel channel = FileChannel.open(wal, StandardOpenOption.WRITE)) {
      channel.truncate(cut);
    }
    try (SqliteStorage storage = SqliteStorage.open(copy)) {
      assertPuts(storage, PUTS - 1);
    }
  }

  @Test
  void aDamagedLastFrameIsATornTail() throws Exception {
    Path copy = copy();
    long frames = frames(copy);
    flipByte(copy.resolve(WAL), frameOffset(copy, frames - 1) + 200);
    WalCheck.Result result = WalCheck.check(copy.resolve(WAL), pageSize(copy));
    assertThat(result.frames()).isEqualTo(frames);
    assertThat(result.committedFrames()).isBetween(1L, frames - 2);
    assertThat(result.ignoredFrames()).isEqualTo(frames - result.committedFrames());
    try (SqliteStorage storage = SqliteStorage.open(copy)) {
      assertPuts(storage, PUTS - 1);
    }
  }

  /** Exactly puts {@code 0..count-1} are there, with their values. */
  private static void assertPuts(SqliteStorage storage, int count) {
    for (int i = 0; i < PUTS; i++) {
      if (i < count) {
        assertThat(storage.get(STORE, "k" + i).orElseThrow().value().toStringUtf8())
            .isEqualTo(ChildStore.value(i));
      } else {
        assertThat(storage.get(STORE, "k" + i)).as("k" + i).isEmpty();
      }
    }
    storage.checkHealth();
  }

  private Path copy() throws Exception {
    return copyOf(original, dir.resolve("copy"));
  }

  /** The database and its log, without the shared-memory index (a killed process's is stale). */
  private static Path copyOf(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    for (String name : new String[] {SqliteStorage.DATABASE_FILE_NAME, WAL}) {
      if (Files.exists(from.resolve(name))) {
        Files.copy(from.resolve(name), to.resolve(name));
      }
    }
    return to;
  }

  private static int countRecordsWithPlainSqlite(Path directory) throws Exception {
    try (Connection connection =
            DriverManager.getConnection(
                "jdbc:sqlite:" + directory.resolve(SqliteStorage.DATABASE_FILE_NAME));
        Statement statement = connection.createStatement()) {
      try (ResultSet table =
          statement.executeQuery("SELECT count(*) FROM sqlite_schema WHERE name = 'records'")) {
        table.next();
        if (table.getInt(1) == 0) {
          return 0; // not even the schema survived
        }
      }
      try (ResultSet row = statement.executeQuery("SELECT count(*) FROM records")) {
        row.next();
        return row.getInt(1);
      }
    }
  }

  private static int pageSize(Path directory) throws Exception {
    try (FileChannel channel = FileChannel.open(directory.resolve(WAL))) {
      ByteBuffer header = ByteBuffer.allocate(WalCheck.HEADER_BYTES);
      channel.read(header, 0);
      return header.getInt(8);
    }
  }

  private static long frames(Path directory) throws Exception {
    return (Files.size(directory.resolve(WAL)) - WalCheck.HEADER_BYTES)
        / (WalCheck.FRAME_HEADER_BYTES + pageSize(directory));
  }

  private static long frameOffset(Path directory, long frame) throws Exception {
    return WalCheck.HEADER_BYTES + frame * (WalCheck.FRAME_HEADER_BYTES + pageSize(directory));
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
