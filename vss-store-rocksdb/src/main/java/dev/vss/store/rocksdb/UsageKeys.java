package dev.vss.store.rocksdb;

import dev.vss.core.Keyspace;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.Usage;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;

/**
 * The usage counters for quotas, in the meta column family: {@code "usage/" || keyspace prefix} to
 * {@code stored bytes || records} (8 bytes each, big-endian), one key per keyspace that holds
 * something. Every batch that changes a keyspace's records puts its new counter in the same {@code
 * WriteBatch}, so the counters are exactly as durable as the data. A user's counters share the
 * prefix {@code "usage/" || component(user_token)} (components are prefix-free), so a user's usage
 * is a short scan.
 *
 * <p>A store written before usage was tracked has no {@value #COUNTED} marker: {@link
 * #ensureCounted} counts every keyspace from the records once, at open, and writes the counters and
 * the marker in one synced batch.
 */
final class UsageKeys {
  private static final Logger LOG = System.getLogger(UsageKeys.class.getName());

  static final String COUNTED = "usage_counted";
  private static final byte[] COUNTED_KEY = COUNTED.getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PREFIX = "usage/".getBytes(StandardCharsets.US_ASCII);
  private static final int VALUE_BYTES = 2 * Long.BYTES;

  private UsageKeys() {}

  /** The counter key of the keyspace whose prefix is {@code keyspacePrefix}. */
  static byte[] key(byte[] keyspacePrefix) {
    byte[] out = Arrays.copyOf(PREFIX, PREFIX.length + keyspacePrefix.length);
    System.arraycopy(keyspacePrefix, 0, out, PREFIX.length, keyspacePrefix.length);
    return out;
  }

  /** The prefix every counter key of {@code userToken}'s keyspaces starts with. */
  static byte[] userPrefix(String userToken) {
    return key(StoreLayout.userPrefix(userToken));
  }

  static byte[] value(Usage usage) {
    byte[] out = new byte[VALUE_BYTES];
    System.arraycopy(StoreLayout.longBytes(usage.bytes()), 0, out, 0, Long.BYTES);
    System.arraycopy(StoreLayout.longBytes(usage.records()), 0, out, Long.BYTES, Long.BYTES);
    return out;
  }

  static Usage read(byte[] value) {
    if (value == null) {
      return Usage.ZERO;
    }
    if (value.length != VALUE_BYTES) {
      throw new StorageException("damaged usage counter of " + value.length + " bytes");
    }
    return new Usage(StoreLayout.readLong(value, 0), StoreLayout.readLong(value, Long.BYTES));
  }

  /** The committed usage of one keyspace. */
  static Usage keyspace(NativeStore store, byte[] keyspacePrefix) {
    try {
      return read(store.db.get(store.meta, key(keyspacePrefix)));
    } catch (RocksDBException e) {
      throw new StorageException("RocksDB get failed", e);
    }
  }

  /** The committed usage of {@code keyspace}. */
  static Usage keyspace(NativeStore store, Keyspace keyspace) {
    return keyspace(store, StoreLayout.keyspacePrefix(keyspace));
  }

  /**
   * The committed counters of every keyspace of a user, by keyspace prefix: a bounded scan of the
   * user's counter keys.
   */
  static Map<ByteBuffer, Usage> user(NativeStore store, String userToken) {
    byte[] prefix = userPrefix(userToken);
    byte[] upper = upperBound(prefix);
    Map<ByteBuffer, Usage> found = new HashMap<>();
    try (Slice lower = new Slice(prefix);
        Slice bound = new Slice(upper);
        ReadOptions options =
            new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(bound);
        RocksIterator it = store.db.newIterator(store.meta, options)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] key = it.key();
        found.put(
            ByteBuffer.wrap(Arrays.copyOfRange(key, PREFIX.length, key.length)), read(it.value()));
      }
      it.status();
    } catch (RocksDBException e) {
      throw new StorageException("RocksDB usage scan failed", e);
    }
    return found;
  }

  /** The sum of {@link #user}: the committed usage of a user. */
  static Usage userTotal(NativeStore store, String userToken) {
    return user(store, userToken).values().stream().reduce(Usage.ZERO, Usage::plus);
  }

  /** The smallest key above every key starting with {@code prefix} (it never ends in 0xFF). */
  private static byte[] upperBound(byte[] prefix) {
    byte[] out = prefix.clone();
    for (int i = out.length - 1; i >= 0; i--) {
      if (out[i] != (byte) 0xFF) {
        out[i]++;
        return Arrays.copyOf(out, i + 1);
      }
    }
    throw new IllegalArgumentException("no upper bound for an all-0xFF prefix");
  }

  /**
   * Counts every keyspace's usage from the records column family, once, if the store has no {@value
   * #COUNTED} marker (a store written before usage was tracked, or a new one), and writes the
   * counters and the marker in one synced batch. Runs at open, before any write.
   */
  static void ensureCounted(NativeStore store, java.nio.file.Path directory) {
    try {
      if (store.db.get(store.meta, COUNTED_KEY) != null) {
        return;
      }
      long started = System.nanoTime();
      Map<ByteBuffer, Usage> counted = new HashMap<>();
      long records = 0;
      try (ReadOptions options = new ReadOptions().setFillCache(false);
          RocksIterator it = store.db.newIterator(store.records, options)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          byte[] key = it.key();
          byte[] keyspacePrefix = Arrays.copyOf(key, StoreLayout.keyspacePrefixLength(key));
          // Only the value's size is needed; RocksDB hands the whole value to Java, once.
          long bytes = it.value().length - StoreLayout.RECORD_HEADER_BYTES;
          counted.merge(ByteBuffer.wrap(keyspacePrefix), new Usage(bytes, 1), Usage::plus);
          records++;
        }
        it.status();
      }
      try (WriteBatch batch = new WriteBatch()) {
        for (Map.Entry<ByteBuffer, Usage> entry : counted.entrySet()) {
          batch.put(store.meta, key(entry.getKey().array()), value(entry.getValue()));
        }
        batch.put(store.meta, COUNTED_KEY, "1".getBytes(StandardCharsets.US_ASCII));
        store.db.write(store.durable, batch);
      }
      if (records > 0) {
        LOG.log(
            Level.INFO,
            "counted the usage (stored bytes, records) of "
                + counted.size()
                + " keyspace(s), "
                + records
                + " record(s), in "
                + directory
                + " for quotas in "
                + (System.nanoTime() - started) / 1_000_000
                + " ms");
      }
    } catch (RocksDBException e) {
      throw new StorageException(
          "counting the usage of " + directory + " failed: " + e.getMessage(), e);
    }
  }
}
