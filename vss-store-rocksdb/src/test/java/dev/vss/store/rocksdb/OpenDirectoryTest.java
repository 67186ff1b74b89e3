package dev.vss.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vss.core.Keyspace;
import dev.vss.core.spi.StorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/** What {@link RocksDbStorage#open} does with directories that are not a healthy store. */
class OpenDirectoryTest {
  private static final Keyspace ALICE = new Keyspace("alice", "wallet");

  @TempDir Path tmp;

  @Test
  void missingDirectoryBecomesANewStore() {
    Path dir = tmp.resolve("a/b/store");
    try (RocksDbStorage storage = RocksDbStorage.open(dir)) {
      RocksDbStorageTest.upsert(storage, ALICE, OptionalLong.empty(), "k", 1, "v");
    }
    try (RocksDbStorage storage = RocksDbStorage.open(dir)) {
      assertThat(storage.get(ALICE, "k")).isPresent();
    }
  }

  @Test
  void aFileIsNotAStore() throws IOException {
    Path file = Files.writeString(tmp.resolve("file"), "hello");
    assertThatThrownBy(() -> RocksDbStorage.open(file))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("is not a VSS RocksDB store")
        .hasMessageContaining("not a directory");
  }

  @Test
  void aDirectoryOfOtherFilesIsNotAStoreAndIsLeftAlone() throws IOException {
    Files.writeString(tmp.resolve("notes.txt"), "hello");
    assertThatThrownBy(() -> RocksDbStorage.open(tmp))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("is not a VSS RocksDB store")
        .hasMessageContaining("no RocksDB database");
    try (Stream<Path> entries = Files.list(tmp)) {
      assertThat(entries).containsExactly(tmp.resolve("notes.txt"));
    }
  }

  @Test
  void anotherRocksDbDatabaseIsNotAStore() throws RocksDBException {
    try (Options options = new Options().setCreateIfMissing(true);
        RocksDB db = RocksDB.open(options, tmp.toString())) {
      db.put("some".getBytes(StandardCharsets.UTF_8), "thing".getBytes(StandardCharsets.UTF_8));
    }
    assertThatThrownBy(() -> RocksDbStorage.open(tmp))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("is not a VSS RocksDB store")
        .hasMessageContaining("column families [default]");
    // Refusing must not have added our column families to the foreign database.
    try (Options options = new Options()) {
      assertThat(RocksDB.listColumnFamilies(options, tmp.toString())).hasSize(1);
    }
  }

  @Test
  void aDatabaseWithOurColumnFamiliesButNoMarkerIsNotAStore() throws RocksDBException {
    createRawDatabaseWithOurFamilies(null);
    assertThatThrownBy(() -> RocksDbStorage.open(tmp))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("is not a VSS RocksDB store")
        .hasMessageContaining("without the VSS format marker");
  }

  @Test
  void anotherFormatIsRefused() throws RocksDBException {
    createRawDatabaseWithOurFamilies("dev.vss.store.rocksdb/99");
    assertThatThrownBy(() -> RocksDbStorage.open(tmp))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("unsupported VSS RocksDB format 'dev.vss.store.rocksdb/99'");
  }

  @Test
  void aStoreWithADamagedManifestIsReportedCorrupt() throws IOException {
    try (RocksDbStorage storage = RocksDbStorage.open(tmp)) {
      RocksDbStorageTest.upsert(storage, ALICE, OptionalLong.empty(), "k", 1, "v");
    }
    Path manifest;
    try (Stream<Path> entries = Files.list(tmp)) {
      manifest =
          entries
              .filter(p -> p.getFileName().toString().startsWith("MANIFEST-"))
              .findFirst()
              .orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(manifest);
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) ~bytes[i];
    }
    Files.write(manifest, bytes);

    assertThatThrownBy(() -> RocksDbStorage.open(tmp))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("corrupt");
  }

  @Test
  void aStoreWhoseCurrentFileIsGarbageIsReportedCorrupt() throws IOException {
    try (RocksDbStorage storage = RocksDbStorage.open(tmp)) {
      RocksDbStorageTest.upsert(storage, ALICE, OptionalLong.empty(), "k", 1, "v");
    }
    Files.writeString(tmp.resolve("CURRENT"), "MANIFEST-999999\n");

    assertThatThrownBy(() -> RocksDbStorage.open(tmp))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("corrupt");
  }

  @Test
  void aStoreWithADamagedTableFileIsReportedCorrupt() throws IOException {
    try (RocksDbStorage storage = RocksDbStorage.open(tmp)) {
      RocksDbStorageTest.upsert(storage, ALICE, OptionalLong.empty(), "k", 1, "v");
    }
    // The second open replays the WAL into table files (flush on recovery).
    RocksDbStorage.open(tmp).close();
    List<Path> tables;
    try (Stream<Path> entries = Files.list(tmp)) {
      tables = entries.filter(p -> p.getFileName().toString().endsWith(".sst")).toList();
    }
    assertThat(tables).isNotEmpty();
    for (Path table : tables) {
      byte[] bytes = Files.readAllBytes(table);
      // The footer's magic number is the last 8 bytes.
      Arrays.fill(bytes, bytes.length - 8, bytes.length, (byte) 0x5A);
      Files.write(table, bytes);
    }

    assertThatThrownBy(() -> RocksDbStorage.open(tmp))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("is a corrupt VSS RocksDB store");
  }

  @Test
  void aFailedOpenReleasesTheDirectory() throws RocksDBException {
    createRawDatabaseWithOurFamilies(null);
    assertThatThrownBy(() -> RocksDbStorage.open(tmp)).isInstanceOf(StorageException.class);
    // The refused open closed its database: the LOCK is free again for a writable open.
    createRawDatabaseWithOurFamilies(NativeStore.FORMAT);
    try (RocksDbStorage storage = RocksDbStorage.open(tmp)) {
      storage.checkHealth();
    }
  }

  /** A database with the store's column families, and the given marker (none when null). */
  private void createRawDatabaseWithOurFamilies(String marker) throws RocksDBException {
    List<ColumnFamilyDescriptor> families =
        List.of(
            new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
            new ColumnFamilyDescriptor(bytes(NativeStore.RECORDS)),
            new ColumnFamilyDescriptor(bytes(NativeStore.INDEX)),
            new ColumnFamilyDescriptor(bytes(NativeStore.GLOBAL_VERSIONS)));
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try (DBOptions options =
            new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
        RocksDB db = RocksDB.open(options, tmp.toString(), families, handles);
        WriteOptions sync = new WriteOptions().setSync(true)) {
      try {
        if (marker != null) {
          db.put(handles.get(0), sync, NativeStore.FORMAT_KEY, bytes(marker));
        }
      } finally {
        handles.forEach(ColumnFamilyHandle::close);
      }
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
