package dev.vss.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vss.core.spi.StorageException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page-token secret lives in the meta column family, survives reopening, is never replaced. */
class PageTokenSecretKeyTest {
  private static final byte[] KEY = PageTokenSecretKey.KEY.getBytes(StandardCharsets.US_ASCII);

  @TempDir Path dir;

  @Test
  void theSecretIsStoredUnderItsMetaKeyAndKeptAcrossReopens() throws Exception {
    byte[] first;
    try (RocksDbStorage storage = RocksDbStorage.open(dir)) {
      first = storage.pageTokenSecret();
    }
    try (NativeStore store = NativeStore.open(dir, RocksDbOptions.DEFAULTS)) {
      assertThat(store.db.get(store.meta, KEY)).isEqualTo(first);
    }
    try (RocksDbStorage reopened = RocksDbStorage.open(dir)) {
      assertThat(reopened.pageTokenSecret()).hasSize(32).isEqualTo(first);
    }
  }

  @Test
  void twoStoresHaveDifferentSecrets() {
    try (RocksDbStorage one = RocksDbStorage.open(dir.resolve("one"));
        RocksDbStorage two = RocksDbStorage.open(dir.resolve("two"))) {
      assertThat(one.pageTokenSecret()).isNotEqualTo(two.pageTokenSecret());
    }
  }

  @Test
  void aDamagedSecretIsReportedNotReplaced() throws Exception {
    RocksDbStorage.open(dir).close();
    try (NativeStore store = NativeStore.open(dir, RocksDbOptions.DEFAULTS)) {
      store.db.put(store.meta, store.durable, KEY, new byte[] {1, 2});
    }

    assertThatThrownBy(() -> RocksDbStorage.open(dir))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("page-token secret is damaged");
    try (NativeStore store = NativeStore.open(dir, RocksDbOptions.DEFAULTS)) {
      assertThat(store.db.get(store.meta, KEY)).containsExactly(1, 2);
    }
  }
}
