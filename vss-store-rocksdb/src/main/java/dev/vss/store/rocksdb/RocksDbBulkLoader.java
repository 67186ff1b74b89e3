package dev.vss.store.rocksdb;

import dev.vss.core.Keyspace;
import dev.vss.core.spi.BulkLoader;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.StoredRecord;
import dev.vss.core.spi.Usage;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import org.jspecify.annotations.NullMarked;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;

/**
 * Replaces whole keyspaces of a RocksDB store (import, account deletion) while no server has it
 * open: it opens the directory itself, so RocksDB's {@code LOCK} keeps a server out meanwhile.
 *
 * <p>Each {@link #replaceKeyspace} is one {@code WriteBatch}, synced: the deletes of the keyspace's
 * old records and index entries, the new records and index entries with sequences above the store's
 * last one in the order given, the global version and the sequence counter. RocksDB applies a batch
 * atomically, also across a crash. The batch is built in memory, so loading a keyspace needs memory
 * about the size of its records.
 */
@NullMarked
public final class RocksDbBulkLoader implements BulkLoader {
  private final NativeStore store;
  private long lastSequence;
  private boolean closed;

  private RocksDbBulkLoader(NativeStore store) {
    this.store = store;
    this.lastSequence = store.lastSequence();
  }

  /**
   * Opens (creating if needed) the store in {@code directory} for bulk writes.
   *
   * @throws StorageException if it cannot be opened, or a server holds it
   */
  public static RocksDbBulkLoader open(Path directory, RocksDbOptions options) {
    NativeStore store = NativeStore.open(directory, options);
    try {
      // As RocksDbStorage does, so that a store created here has its secret like any other.
      PageTokenSecretKey.loadOrCreate(store);
      UsageKeys.ensureCounted(store, directory);
      return new RocksDbBulkLoader(store);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  @Override
  public void replaceKeyspace(
      Keyspace keyspace, long globalVersion, Iterator<StoredRecord> records) {
    if (closed) {
      throw new StorageException("the RocksDB bulk loader is closed");
    }
    byte[] prefix = StoreLayout.keyspacePrefix(keyspace);
    long sequence = lastSequence;
    try (WriteBatch batch = new WriteBatch()) {
      deleteExisting(prefix, batch);
      Set<String> keys = new HashSet<>();
      Usage usage = Usage.ZERO;
      while (records.hasNext()) {
        StoredRecord record = records.next();
        if (!keys.add(record.key())) {
          throw new StorageException(
              "replacing "
                  + keyspace
                  + " failed (a key appears twice);"
                  + " the keyspace is unchanged");
        }
        sequence++;
        batch.put(
            store.records,
            StoreLayout.recordKey(prefix, record.key()),
            StoreLayout.recordValue(record.version(), sequence, record.value()));
        batch.put(
            store.index,
            StoreLayout.indexKey(prefix, sequence),
            StoreLayout.indexValue(record.version(), record.key()));
        usage = usage.plus(new Usage(Usage.storedBytes(record.value()), 1));
      }
      if (usage.records() > 0) {
        batch.put(store.meta, UsageKeys.key(prefix), UsageKeys.value(usage));
      } else {
        batch.delete(store.meta, UsageKeys.key(prefix));
      }
      if (globalVersion != 0) {
        batch.put(store.globalVersions, prefix, StoreLayout.globalVersionValue(globalVersion));
      } else {
        batch.delete(store.globalVersions, prefix);
      }
      if (sequence != lastSequence) {
        batch.merge(store.meta, NativeStore.LAST_SEQUENCE_KEY, StoreLayout.longBytes(sequence));
      }
      store.db.write(store.durable, batch);
      lastSequence = sequence;
    } catch (RocksDBException e) {
      throw new StorageException(
          "replacing " + keyspace + " failed: " + e.getMessage() + "; the keyspace is unchanged",
          e);
    }
  }

  /** Adds the deletes of every record and index entry of the keyspace to {@code batch}. */
  private void deleteExisting(byte[] prefix, WriteBatch batch) throws RocksDBException {
    try (Slice lower = new Slice(prefix);
        Slice upper = new Slice(StoreLayout.indexUpperBound(prefix));
        ReadOptions options =
            new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
        RocksIterator it = store.db.newIterator(store.index, options)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] entry = it.value();
        if (entry.length < StoreLayout.INDEX_HEADER_BYTES) {
          throw new StorageException("damaged index entry of " + entry.length + " bytes");
        }
        String key =
            Utf8.decode(
                entry,
                StoreLayout.INDEX_HEADER_BYTES,
                entry.length - StoreLayout.INDEX_HEADER_BYTES);
        batch.delete(store.index, it.key());
        batch.delete(store.records, StoreLayout.recordKey(prefix, key));
      }
      it.status();
    }
  }

  /** Closes the store, releasing its directory. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    store.close();
  }
}
