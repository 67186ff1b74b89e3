package dev.vss.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vss.core.Keyspace;
import dev.vss.core.spi.StorageException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What opening a store does with a damaged write-ahead log, on real files: a log whose last record
 * a crash cut short opens with every complete record; a log damaged before its end refuses to open,
 * names the file, and leaves it as it was.
 *
 * <p>{@link RocksDbStorage#close()} does not flush memtables (RocksDB flushes at close only data
 * written without a WAL), so after the writes below and a close, the records live only in the WAL;
 * the tests check that, so they test recovery from the WAL and not from table files.
 */
class WalRecoveryTest {
  private static final Keyspace ALICE = new Keyspace("alice", "wallet");
  private static final int RECORDS = 20;

  /** RocksDB's WAL block size; records in the first block need no block-boundary handling. */
  private static final int WAL_BLOCK_BYTES = 32 * 1024;

  private static final int WAL_HEADER_BYTES = 7;

  @TempDir Path tmp;

  @Test
  void aTornLastRecordIsDroppedAndEveryCompleteRecordRecovered() throws IOException {
    Path wal = writeRecordsOnlyToTheWal();
    long size = Files.size(wal);
    // A crash in the middle of appending the last record: its end never reached the file.
    truncate(wal, size - 5);

    assertRecoveredAllButTheLast();
  }

  @Test
  void aLastRecordCutInsideItsHeaderIsDroppedAndEveryCompleteRecordRecovered() throws IOException {
    Path wal = writeRecordsOnlyToTheWal();
    List<Long> offsets = recordOffsets(Files.readAllBytes(wal));
    // The crash left only 3 of the last record's 7 header bytes.
    truncate(wal, offsets.get(offsets.size() - 1) + 3);

    assertRecoveredAllButTheLast();
  }

  @Test
  void damageBeforeTheEndRefusesToOpenNamesTheFileAndKeepsIt() throws IOException {
    Path wal = writeRecordsOnlyToTheWal();
    byte[] bytes = Files.readAllBytes(wal);
    List<Long> offsets = recordOffsets(bytes);
    assertThat(offsets)
        .as(
            "WAL records: the marker, the page-token secret, the usage-counted"
                + " marker, then one per write")
        .hasSize(RECORDS + 3);
    // One flipped bit in the payload of the fifth record (the second write); the 18 records after
    // it are intact.
    int damaged = (int) (offsets.get(4) + WAL_HEADER_BYTES + 10);
    bytes[damaged] ^= 0x04;
    Files.write(wal, bytes);
    Map<String, byte[]> before = storeFiles();

    assertThatThrownBy(() -> RocksDbStorage.open(tmp))
        .isInstanceOf(StorageException.class)
        .hasMessageStartingWith(
            "the write-ahead log "
                + wal.toAbsolutePath()
                + " of the VSS RocksDB store in "
                + tmp.toAbsolutePath()
                + " is damaged before its end"
                + " (checksum mismatch, ")
        .hasMessageContaining("the store is not opened")
        .hasMessageContaining("the file is left unchanged")
        .hasMessageContaining("may be acknowledged writes")
        .hasMessageNotContaining("\n")
        // No cause: a caller printing the root cause's message (the server's start-up line) prints
        // this one, not RocksDB's bare "Corruption: checksum mismatch".
        .hasNoCause();

    // Nothing of the store changed: same WAL bytes, same manifest, no table file written. (The
    // refused open rotates RocksDB's own info log, LOG, which holds no data.)
    assertThat(storeFiles()).usingRecursiveComparison().isEqualTo(before);
    // Still refused on the next attempt, and the failed opens released the directory's lock.
    assertThatThrownBy(() -> RocksDbStorage.open(tmp))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("is damaged before its end");
  }

  /**
   * Opens a new store, writes the format marker, the page-token secret, the usage-counted marker
   * and {@link #RECORDS} records (one WAL record each), closes it, and returns its only WAL file,
   * checking that no table file holds them.
   */
  private Path writeRecordsOnlyToTheWal() throws IOException {
    try (RocksDbStorage storage = RocksDbStorage.open(tmp)) {
      for (int i = 1; i <= RECORDS; i++) {
        RocksDbStorageTest.upsert(storage, ALICE, OptionalLong.empty(), key(i), 1, value(i));
      }
    }
    List<Path> wals = filesEndingWith(".log");
    assertThat(wals).hasSize(1);
    assertThat(filesEndingWith(".sst")).as("nothing was flushed to a table file").isEmpty();
    assertThat(Files.size(wals.get(0))).isLessThan(WAL_BLOCK_BYTES);
    return wals.get(0);
  }

  private void assertRecoveredAllButTheLast() {
    try (RocksDbStorage storage = RocksDbStorage.open(tmp)) {
      for (int i = 1; i < RECORDS; i++) {
        String expected = value(i);
        assertThat(storage.get(ALICE, key(i)))
            .as(key(i))
            .hasValueSatisfying(
                record -> assertThat(record.value().toStringUtf8()).isEqualTo(expected));
      }
      assertThat(storage.get(ALICE, key(RECORDS))).as("the torn record").isEmpty();
      storage.checkHealth();
      RocksDbStorageTest.upsert(storage, ALICE, OptionalLong.empty(), key(RECORDS), 1, "again");
    }
    try (RocksDbStorage storage = RocksDbStorage.open(tmp)) {
      assertThat(storage.get(ALICE, key(RECORDS))).isPresent();
    }
  }

  /** Offsets of the physical records in a WAL that fits in its first block. */
  private static List<Long> recordOffsets(byte[] wal) {
    List<Long> offsets = new ArrayList<>();
    int offset = 0;
    while (offset + WAL_HEADER_BYTES <= wal.length) {
      int length = (wal[offset + 4] & 0xFF) | (wal[offset + 5] & 0xFF) << 8;
      offsets.add((long) offset);
      offset += WAL_HEADER_BYTES + length;
    }
    assertThat(offset).as("records end at the end of the file").isEqualTo(wal.length);
    return offsets;
  }

  private static void truncate(Path file, long size) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(size);
    }
  }

  /** Every file of the store but RocksDB's info logs, with its bytes. */
  private Map<String, byte[]> storeFiles() throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> entries = Files.list(tmp)) {
      for (Path file : entries.toList()) {
        String name = file.getFileName().toString();
        if (!name.startsWith("LOG")) {
          files.put(name, Files.readAllBytes(file));
        }
      }
    }
    return files;
  }

  private List<Path> filesEndingWith(String suffix) throws IOException {
    try (Stream<Path> entries = Files.list(tmp)) {
      return entries.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
    }
  }

  private static String key(int i) {
    return "record-" + i;
  }

  private static String value(int i) {
    return ("value " + i + " ").repeat(20);
  }
}
