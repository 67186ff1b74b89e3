package dev.vss.server.admin;

import static dev.vss.server.admin.AdminFixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.vss.core.Keyspace;
import dev.vss.core.spi.BulkLoader;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.StoredRecord;
import dev.vss.server.admin.AdminFixture.Kind;
import dev.vss.server.admin.AdminFixture.Put;
import dev.vss.store.rocksdb.RocksDbBulkLoader;
import dev.vss.store.rocksdb.RocksDbOptions;
import dev.vss.store.sqlite.SqliteBulkLoader;
import dev.vss.store.sqlite.SqliteOptions;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A keyspace load that fails halfway (its record stream throws, as an interrupted import does, or
 * it repeats a key) leaves the keyspace as it was: the guarantee an interrupted import rests on.
 */
class BulkLoaderAtomicityTest {
  private static final Keyspace KEYSPACE = new Keyspace("alice", "wallet");

  @TempDir Path dir;

  private static BulkLoader loader(Kind kind, Path path) {
    return kind == Kind.SQLITE
        ? SqliteBulkLoader.open(path, SqliteOptions.DEFAULTS)
        : RocksDbBulkLoader.open(path, RocksDbOptions.DEFAULTS);
  }

  private static StoredRecord record(String key, long sequence) {
    return new StoredRecord(key, 1, ByteString.copyFromUtf8("v-" + key), sequence);
  }

  @ParameterizedTest
  @EnumSource(names = {"SQLITE", "ROCKSDB"})
  void aLoadThatFailsHalfwayChangesNothing(Kind kind) {
    Path data = dir.resolve("data");
    try (var storage = kind.open(data)) {
      AdminFixture.apply(storage, List.of(new Put(KEYSPACE, "kept", 3, bytes("kept"))));
    }
    Map<Keyspace, List<String>> before = AdminFixture.visible(kind, data, List.of(KEYSPACE));
    Iterator<StoredRecord> failing =
        new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            if (next == 3) {
              throw new AdminException(Admin.EXIT_INTERRUPTED, "interrupted");
            }
            return true;
          }

          @Override
          public StoredRecord next() {
            next++;
            return record("new" + next, next);
          }
        };
    try (BulkLoader loader = loader(kind, data)) {
      assertThatThrownBy(() -> loader.replaceKeyspace(KEYSPACE, 5, failing))
          .hasMessageContaining("interrupted");
      assertThatThrownBy(
              () ->
                  loader.replaceKeyspace(
                      KEYSPACE,
                      5,
                      List.of(record("a", 1), record("b", 2), record("a", 3)).iterator()))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("twice");
    }
    assertThat(AdminFixture.visible(kind, data, List.of(KEYSPACE))).isEqualTo(before);
  }
}
