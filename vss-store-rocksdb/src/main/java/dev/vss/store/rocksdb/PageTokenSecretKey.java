package dev.vss.store.rocksdb;

import dev.vss.core.rules.PageToken;
import dev.vss.core.spi.StorageException;
import java.nio.charset.StandardCharsets;
import org.rocksdb.RocksDBException;

/**
 * The store's page-token secret ({@link dev.vss.core.spi.Storage#pageTokenSecret()}), kept in the
 * meta column family ({@code default}) under the key {@value #KEY}, next to the format marker and
 * the last creation sequence.
 *
 * <p>It is made once, from a secure random source, the first time a store is opened without one (a
 * new store, or one written by a build that had no secret), and written with a synced put before
 * the store serves anything. One directory is open by one process at a time (RocksDB's LOCK file),
 * so no second writer can race the first.
 */
final class PageTokenSecretKey {
  /** The meta key; plain ASCII, so it can never collide with the other meta keys. */
  static final String KEY = "page_token_secret";

  private static final byte[] KEY_BYTES = KEY.getBytes(StandardCharsets.US_ASCII);

  private PageTokenSecretKey() {}

  /**
   * Reads the secret of {@code store}, creating and durably storing one if it has none.
   *
   * @throws StorageException if RocksDB fails or the stored value is not {@value
   *     PageToken#SECRET_BYTES} bytes (damage is reported, never papered over with a new secret)
   */
  static byte[] loadOrCreate(NativeStore store) {
    try {
      byte[] secret = store.db.get(store.meta, KEY_BYTES);
      if (secret == null) {
        secret = PageToken.newSecret();
        store.db.put(store.meta, store.durable, KEY_BYTES, secret);
      }
      if (secret.length != PageToken.SECRET_BYTES) {
        throw new StorageException(
            "the stored page-token secret is damaged: expected "
                + PageToken.SECRET_BYTES
                + " bytes, found "
                + secret.length
                + " bytes");
      }
      return secret;
    } catch (RocksDBException e) {
      throw new StorageException("reading or creating the page-token secret failed", e);
    }
  }
}
