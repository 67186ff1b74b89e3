package dev.vss.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.vss.core.Keyspace;
import dev.vss.core.spi.KeyVersion;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.StoredRecord;
import dev.vss.core.spi.WritePlan;
import dev.vss.core.spi.WritePlan.Upsert;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The adapter's own behaviour: persistence across reopen, sequences, listing, lifecycle. */
class RocksDbStorageTest {
  private static final Keyspace ALICE = new Keyspace("alice", "wallet");

  @TempDir Path dir;
  private RocksDbStorage storage;

  @BeforeEach
  void open() {
    storage = RocksDbStorage.open(dir);
  }

  @AfterEach
  void close() {
    storage.close();
  }

  @Test
  void storesAndReadsBackRecordsAndGlobalVersion() {
    upsert(storage, ALICE, OptionalLong.of(1), "a", 1, "A");

    StoredRecord record = storage.get(ALICE, "a").orElseThrow();
    assertThat(record.key()).isEqualTo("a");
    assertThat(record.version()).isEqualTo(1);
    assertThat(record.value().toStringUtf8()).isEqualTo("A");
    assertThat(record.sequence()).isEqualTo(1);
    assertThat(storage.globalVersion(ALICE)).isEqualTo(1);
    assertThat(storage.get(ALICE, "missing")).isEmpty();
    assertThat(storage.globalVersion(new Keyspace("alice", "other"))).isZero();
  }

  @Test
  void reopenKeepsRecordsSequencesAndGlobalVersions() {
    Keyspace bob = new Keyspace("bob", "");
    upsert(storage, ALICE, OptionalLong.of(7), "a", 1, "A");
    upsert(storage, bob, OptionalLong.empty(), "b", 3, "B");
    upsert(storage, ALICE, OptionalLong.empty(), "c", 1, "C");
    List<KeyVersion> aliceBefore = storage.list(ALICE, "", Long.MAX_VALUE, 10);

    storage.close();
    storage = RocksDbStorage.open(dir);

    assertThat(storage.get(ALICE, "a").orElseThrow().value().toStringUtf8()).isEqualTo("A");
    assertThat(storage.get(bob, "b").orElseThrow().version()).isEqualTo(3);
    assertThat(storage.globalVersion(ALICE)).isEqualTo(7);
    assertThat(storage.globalVersion(bob)).isZero();
    assertThat(storage.list(ALICE, "", Long.MAX_VALUE, 10)).isEqualTo(aliceBefore);
    // A key created after the restart takes a sequence above every one used before it.
    upsert(storage, bob, OptionalLong.empty(), "d", 1, "D");
    assertThat(storage.get(bob, "d").orElseThrow().sequence()).isEqualTo(4);
  }

  @Test
  void lastSequenceKeepsTheHighestMergedValueWhateverTheCommitOrder() {
    // Batches of different keyspaces commit in any order; the counter must not move back.
    storage.close();
    try (NativeStore store = NativeStore.open(dir, RocksDbOptions.DEFAULTS)) {
      store.db.merge(
          store.meta, store.durable, NativeStore.LAST_SEQUENCE_KEY, StoreLayout.longBytes(300));
      store.db.merge(
          store.meta, store.durable, NativeStore.LAST_SEQUENCE_KEY, StoreLayout.longBytes(299));
      assertThat(store.lastSequence()).isEqualTo(300);
    } catch (org.rocksdb.RocksDBException e) {
      throw new AssertionError(e);
    }
    storage = RocksDbStorage.open(dir);
    upsert(storage, ALICE, OptionalLong.empty(), "a", 1, "A");
    assertThat(storage.get(ALICE, "a").orElseThrow().sequence()).isEqualTo(301);
  }

  @Test
  void updateKeepsSequenceAndDeleteThenCreateTakesANewOne() {
    upsert(storage, ALICE, OptionalLong.empty(), "a", 1, "A");
    upsert(storage, ALICE, OptionalLong.empty(), "b", 1, "B");
    upsert(storage, ALICE, OptionalLong.empty(), "a", 2, "A2");

    assertThat(storage.get(ALICE, "a").orElseThrow().sequence()).isEqualTo(1);
    assertThat(storage.list(ALICE, "", Long.MAX_VALUE, 10))
        .containsExactly(new KeyVersion("b", 1, 2), new KeyVersion("a", 2, 1));

    delete(storage, ALICE, "a");
    assertThat(storage.get(ALICE, "a")).isEmpty();
    assertThat(storage.list(ALICE, "", Long.MAX_VALUE, 10))
        .containsExactly(new KeyVersion("b", 1, 2));

    upsert(storage, ALICE, OptionalLong.empty(), "a", 1, "A3");
    assertThat(storage.list(ALICE, "", Long.MAX_VALUE, 10))
        .containsExactly(new KeyVersion("a", 1, 3), new KeyVersion("b", 1, 2));
  }

  @Test
  void multiItemPlanAppliesEverythingAtOnce() {
    upsert(storage, ALICE, OptionalLong.empty(), "old", 1, "O");
    storage.write(
        ALICE,
        Set.of("x", "y", "old"),
        view ->
            WritePlan.apply(
                List.of(new Upsert("x", 1, utf8("X")), new Upsert("y", 1, utf8("Y"))),
                List.of("old"),
                OptionalLong.of(5),
                "done"));

    assertThat(storage.get(ALICE, "old")).isEmpty();
    assertThat(storage.list(ALICE, "", Long.MAX_VALUE, 10))
        .extracting(KeyVersion::key)
        .containsExactlyInAnyOrder("x", "y");
    assertThat(storage.globalVersion(ALICE)).isEqualTo(5);
  }

  @Test
  void viewSeesStoredVersionsAndGlobalVersion() {
    upsert(storage, ALICE, OptionalLong.of(4), "a", 9, "A");
    List<Object> seen = new ArrayList<>();
    String result =
        storage.write(
            ALICE,
            Set.of("a", "missing"),
            view -> {
              seen.add(view.version("a"));
              seen.add(view.version("missing"));
              seen.add(view.globalVersion());
              return WritePlan.abort("aborted");
            });
    assertThat(result).isEqualTo("aborted");
    assertThat(seen).containsExactly(OptionalLong.of(9), OptionalLong.empty(), 4L);
    assertThatThrownBy(
            () ->
                storage.write(
                    ALICE,
                    Set.of("a"),
                    view -> {
                      view.version("undeclared");
                      return WritePlan.abort(null);
                    }))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void abortedOrFailedDecisionWritesNothing() {
    upsert(storage, ALICE, OptionalLong.of(1), "a", 1, "A");
    storage.write(ALICE, Set.of("a"), view -> WritePlan.abort("conflict"));
    assertThatThrownBy(
            () ->
                storage.write(
                    ALICE,
                    Set.of("a"),
                    view -> {
                      throw new IllegalStateException("decision failed");
                    }))
        .hasMessage("decision failed");

    assertThat(storage.get(ALICE, "a").orElseThrow().value().toStringUtf8()).isEqualTo("A");
    assertThat(storage.globalVersion(ALICE)).isEqualTo(1);
    assertThat(storage.list(ALICE, "", Long.MAX_VALUE, 10)).hasSize(1);
  }

  @Test
  void listPagesNewestFirstBelowTheGivenSequence() {
    for (int i = 1; i <= 5; i++) {
      upsert(storage, ALICE, OptionalLong.empty(), "k" + i, 1, "v");
    }
    List<KeyVersion> first = storage.list(ALICE, "", Long.MAX_VALUE, 2);
    assertThat(first).extracting(KeyVersion::key).containsExactly("k5", "k4");
    List<KeyVersion> second = storage.list(ALICE, "", first.get(1).sequence(), 2);
    assertThat(second).extracting(KeyVersion::key).containsExactly("k3", "k2");
    List<KeyVersion> last = storage.list(ALICE, "", second.get(1).sequence(), 2);
    assertThat(last).extracting(KeyVersion::key).containsExactly("k1");
    assertThat(storage.list(ALICE, "", 1, 2)).isEmpty();
    assertThat(storage.list(ALICE, "", Long.MIN_VALUE, 2)).isEmpty();
  }

  @Test
  void listPrefixIsLiteralAndStaysInsideTheKeyspace() {
    upsert(storage, ALICE, OptionalLong.empty(), "a%b", 1, "v");
    upsert(storage, ALICE, OptionalLong.empty(), "axb", 1, "v");
    upsert(storage, ALICE, OptionalLong.empty(), "a_c", 1, "v");
    upsert(storage, ALICE, OptionalLong.empty(), "b", 1, "v");
    // Keyspaces whose encodings sort right next to ALICE's.
    upsert(storage, new Keyspace("alice", "wallet2"), OptionalLong.empty(), "a%z", 1, "v");
    upsert(storage, new Keyspace("alice", "walle"), OptionalLong.empty(), "a%y", 1, "v");
    upsert(storage, new Keyspace("alicewallet", ""), OptionalLong.empty(), "a%x", 1, "v");

    assertThat(storage.list(ALICE, "a%", Long.MAX_VALUE, 10))
        .extracting(KeyVersion::key)
        .containsExactly("a%b");
    assertThat(storage.list(ALICE, "a_", Long.MAX_VALUE, 10))
        .extracting(KeyVersion::key)
        .containsExactly("a_c");
    assertThat(storage.list(ALICE, "a", Long.MAX_VALUE, 10))
        .extracting(KeyVersion::key)
        .containsExactly("a_c", "axb", "a%b");
    assertThat(storage.list(ALICE, "", Long.MAX_VALUE, 10)).hasSize(4);
    assertThat(storage.list(ALICE, "zzz", Long.MAX_VALUE, 10)).isEmpty();
  }

  @Test
  void keysThatDifferOnlyInAstralOrReplacementCharactersStayDistinct() {
    // The core passes only well-formed strings; these share every byte but the last few.
    upsert(storage, ALICE, OptionalLong.empty(), "k?", 1, "question");
    upsert(storage, ALICE, OptionalLong.empty(), "k\uFFFD", 1, "replacement");
    upsert(storage, ALICE, OptionalLong.empty(), "k\uD83D\uDE00", 1, "grin");
    upsert(storage, ALICE, OptionalLong.empty(), "k\uD83D\uDE01", 1, "beam");

    assertThat(storage.get(ALICE, "k\uFFFD").orElseThrow().value().toStringUtf8())
        .isEqualTo("replacement");
    assertThat(storage.get(ALICE, "k?").orElseThrow().value().toStringUtf8()).isEqualTo("question");
    assertThat(storage.list(ALICE, "k\uD83D\uDE00", Long.MAX_VALUE, 10))
        .extracting(KeyVersion::key)
        .containsExactly("k\uD83D\uDE00");
    assertThat(storage.list(ALICE, "k", Long.MAX_VALUE, 10))
        .extracting(KeyVersion::key)
        .containsExactly("k\uD83D\uDE01", "k\uD83D\uDE00", "k\uFFFD", "k?");
  }

  @Test
  void listsKeysLongerThanTheScanBuffer() {
    // 3000 three-byte characters: a 9000-byte index entry, more than the reused scan buffer.
    String longKey = "\u20AC".repeat(3000);
    upsert(storage, ALICE, OptionalLong.empty(), longKey, 1, "v");
    upsert(storage, ALICE, OptionalLong.empty(), "short", 1, "v");
    upsert(storage, ALICE, OptionalLong.empty(), longKey + "x", 1, "v");

    assertThat(storage.list(ALICE, "", Long.MAX_VALUE, 10))
        .extracting(KeyVersion::key)
        .containsExactly(longKey + "x", "short", longKey);
    assertThat(storage.list(ALICE, "\u20AC", Long.MAX_VALUE, 10))
        .extracting(KeyVersion::key)
        .containsExactly(longKey + "x", longKey);
  }

  @Test
  void emptyValueAndLargeValueRoundTrip() {
    byte[] large = new byte[3 * 1024 * 1024];
    for (int i = 0; i < large.length; i++) {
      large[i] = (byte) (i * 31);
    }
    storage.write(
        ALICE,
        Set.of("empty", "large"),
        view ->
            WritePlan.apply(
                List.of(
                    new Upsert("empty", 1, ByteString.EMPTY),
                    new Upsert("large", 1, ByteString.copyFrom(large))),
                List.of(),
                OptionalLong.empty(),
                null));
    assertThat(storage.get(ALICE, "empty").orElseThrow().value()).isEqualTo(ByteString.EMPTY);
    assertThat(storage.get(ALICE, "large").orElseThrow().value().toByteArray()).isEqualTo(large);
  }

  @Test
  void concurrentWritersToOneKeyspaceAreSerialized() throws Exception {
    int threads = 8;
    int increments = 25;
    upsert(storage, ALICE, OptionalLong.empty(), "counter", 0, "");
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < increments; i++) {
                    // Read-modify-write inside the decision: lost updates would show as a lower
                    // count.
                    storage.write(
                        ALICE,
                        Set.of("counter"),
                        view ->
                            WritePlan.apply(
                                List.of(
                                    new Upsert(
                                        "counter",
                                        view.version("counter").getAsLong() + 1,
                                        ByteString.EMPTY)),
                                List.of(),
                                OptionalLong.of(view.globalVersion() + 1),
                                null));
                  }
                }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(storage.get(ALICE, "counter").orElseThrow().version())
        .isEqualTo(threads * increments);
    assertThat(storage.globalVersion(ALICE)).isEqualTo(threads * increments);
  }

  @Test
  void concurrentKeyspacesNeverShareASequence() throws Exception {
    int threads = 8;
    int keysEach = 20;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Keyspace keyspace = new Keyspace("user" + t, "s");
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < keysEach; i++) {
                    upsert(storage, keyspace, OptionalLong.empty(), "k" + i, 1, "v");
                  }
                }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }
    storage.close();
    storage = RocksDbStorage.open(dir);
    List<Long> sequences = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      storage
          .list(new Keyspace("user" + t, "s"), "", Long.MAX_VALUE, 100)
          .forEach(entry -> sequences.add(entry.sequence()));
    }
    assertThat(sequences).doesNotHaveDuplicates().hasSize(threads * keysEach);
    upsert(storage, ALICE, OptionalLong.empty(), "after", 1, "v");
    assertThat(storage.get(ALICE, "after").orElseThrow().sequence())
        .isGreaterThan(sequences.stream().mapToLong(Long::longValue).max().orElseThrow());
  }

  @Test
  void closeIsIdempotentAndLaterCallsFail() {
    storage.close();
    storage.close();
    assertThatThrownBy(() -> storage.get(ALICE, "a"))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> storage.list(ALICE, "", Long.MAX_VALUE, 1))
        .isInstanceOf(StorageException.class);
    assertThatThrownBy(() -> storage.globalVersion(ALICE)).isInstanceOf(StorageException.class);
    assertThatThrownBy(storage::checkHealth).isInstanceOf(StorageException.class);
    assertThatThrownBy(() -> upsert(storage, ALICE, OptionalLong.empty(), "a", 1, "A"))
        .isInstanceOf(StorageException.class);
  }

  @Test
  void secondOpenOfTheSameDirectoryFailsUntilTheFirstIsClosed() {
    upsert(storage, ALICE, OptionalLong.empty(), "a", 1, "A");
    assertThatThrownBy(() -> RocksDbStorage.open(dir))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("already open");

    storage.close();
    storage = RocksDbStorage.open(dir);
    assertThat(storage.get(ALICE, "a")).isPresent();
  }

  @Test
  void healthCheckPassesOnAnOpenStore() {
    storage.checkHealth();
    assertThat(storage.name()).isEqualTo("rocksdb");
  }

  @Test
  void customOptionsOpenAndPersist() {
    storage.close();
    RocksDbOptions options =
        RocksDbOptions.DEFAULTS
            .withBlockCacheBytes(8L << 20)
            .withCompression(RocksDbOptions.Compression.ZSTD)
            .withWriteBufferBytes(4L << 20)
            .withMaxBackgroundJobs(1);
    storage = RocksDbStorage.open(dir, options);
    upsert(storage, ALICE, OptionalLong.empty(), "a", 1, "A");
    storage.close();
    storage =
        RocksDbStorage.open(
            dir, RocksDbOptions.DEFAULTS.withCompression(RocksDbOptions.Compression.NONE));
    assertThat(storage.get(ALICE, "a")).isPresent();
  }

  @Test
  void optionsRejectNonsense() {
    assertThatThrownBy(() -> RocksDbOptions.DEFAULTS.withBlockCacheBytes(1000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blockCacheBytes");
    assertThatThrownBy(() -> RocksDbOptions.DEFAULTS.withWriteBufferBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("writeBufferBytes");
    assertThatThrownBy(() -> RocksDbOptions.DEFAULTS.withMaxBackgroundJobs(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBackgroundJobs");
    assertThatThrownBy(() -> RocksDbOptions.DEFAULTS.withCompression(null))
        .isInstanceOf(NullPointerException.class);
  }

  static void upsert(
      RocksDbStorage storage,
      Keyspace keyspace,
      OptionalLong globalVersion,
      String key,
      long version,
      String value) {
    storage.write(
        keyspace,
        Set.of(key),
        view ->
            WritePlan.apply(
                List.of(new Upsert(key, version, utf8(value))), List.of(), globalVersion, null));
  }

  static void delete(RocksDbStorage storage, Keyspace keyspace, String key) {
    storage.write(
        keyspace,
        Set.of(key),
        view -> WritePlan.apply(List.of(), List.of(key), OptionalLong.empty(), null));
  }

  static ByteString utf8(String s) {
    return ByteString.copyFromUtf8(s);
  }
}
