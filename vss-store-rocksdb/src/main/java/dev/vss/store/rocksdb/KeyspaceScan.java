package dev.vss.store.rocksdb;

import com.google.protobuf.UnsafeByteOperations;
import dev.vss.core.Keyspace;
import dev.vss.core.spi.KeyspaceFilter;
import dev.vss.core.spi.Snapshot;
import dev.vss.core.spi.SnapshotKeyspace;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.StoredRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

/**
 * Walks the keyspaces of a RocksDB store, for snapshots and bulk loads (see the module README, "On
 * disk layout"): finds every keyspace from the {@code global_versions} and {@code index} column
 * families, and streams one keyspace's records in ascending creation order from the index (whose
 * byte order is newest first, so the walk goes backwards).
 */
final class KeyspaceScan {
  private KeyspaceScan() {}

  /** A keyspace found in the store, with its key prefix. */
  record Found(byte[] prefix, SnapshotKeyspace keyspace) {}

  /**
   * Every keyspace with records or a non-zero global version that passes {@code filter}, in {@link
   * KeyspaceFilter#ORDER}, read through {@code readOptions} (which may carry a snapshot).
   */
  static List<Found> keyspaces(
      RocksDB db,
      ColumnFamilyHandle index,
      ColumnFamilyHandle globalVersions,
      ReadOptions readOptions,
      KeyspaceFilter filter)
      throws RocksDBException {
    Map<byte[], Long> prefixes = new TreeMap<>(Arrays::compareUnsigned);
    try (RocksIterator it = db.newIterator(globalVersions, readOptions)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        long globalVersion = StoreLayout.readLong(it.value(), 0);
        if (globalVersion != 0) {
          prefixes.put(it.key(), globalVersion);
        }
      }
      it.status();
    }
    try (RocksIterator it = db.newIterator(index, readOptions)) {
      // One seek per keyspace: from a keyspace's first entry straight past its last.
      for (it.seekToFirst(); it.isValid(); ) {
        byte[] key = it.key();
        if (key.length <= Long.BYTES) {
          throw new StorageException("damaged index entry key of " + key.length + " bytes");
        }
        byte[] prefix = Arrays.copyOf(key, key.length - Long.BYTES);
        prefixes.putIfAbsent(prefix, 0L);
        it.seek(StoreLayout.indexUpperBound(prefix));
      }
      it.status();
    }
    List<Found> found = new ArrayList<>();
    for (Map.Entry<byte[], Long> entry : prefixes.entrySet()) {
      Keyspace keyspace = decodePrefix(entry.getKey());
      if (filter.matches(keyspace)) {
        found.add(new Found(entry.getKey(), new SnapshotKeyspace(keyspace, entry.getValue())));
      }
    }
    found.sort(
        (a, b) -> KeyspaceFilter.ORDER.compare(a.keyspace().keyspace(), b.keyspace().keyspace()));
    return found;
  }

  /** The keyspace whose prefix is {@code prefix}: two length-prefixed strings. */
  static Keyspace decodePrefix(byte[] prefix) {
    int[] at = {0};
    String user = component(prefix, at);
    String store = component(prefix, at);
    if (at[0] != prefix.length) {
      throw new StorageException("damaged keyspace prefix of " + prefix.length + " bytes");
    }
    return new Keyspace(user, store);
  }

  private static String component(byte[] in, int[] at) {
    int length = 0;
    int shift = 0;
    while (true) {
      if (at[0] >= in.length || shift > 28) {
        throw new StorageException("damaged keyspace prefix of " + in.length + " bytes");
      }
      int b = in[at[0]++] & 0xFF;
      length |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
      shift += 7;
    }
    if (length < 0 || at[0] + length > in.length) {
      throw new StorageException("damaged keyspace prefix of " + in.length + " bytes");
    }
    String text = Utf8.decode(in, at[0], length);
    at[0] += length;
    return text;
  }

  /**
   * The records of one keyspace, oldest first, each checked against its index entry (same sequence,
   * same version); read through {@code readOptions}' snapshot, if any.
   */
  static final class Records implements AutoCloseable {
    private final RocksDB db;
    private final ColumnFamilyHandle records;
    private final ReadOptions pointReads;
    private final byte[] prefix;
    private final Slice lower;
    private final Slice upper;
    private final ReadOptions scanOptions;
    private final RocksIterator it;
    private final Keyspace keyspace;

    Records(
        RocksDB db,
        ColumnFamilyHandle index,
        ColumnFamilyHandle records,
        ReadOptions pointReads,
        Found found) {
      this.db = db;
      this.records = records;
      this.pointReads = pointReads;
      this.prefix = found.prefix();
      this.keyspace = found.keyspace().keyspace();
      lower = new Slice(prefix);
      upper = new Slice(StoreLayout.indexUpperBound(prefix));
      scanOptions = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
      if (pointReads.snapshot() != null) {
        scanOptions.setSnapshot(pointReads.snapshot());
      }
      it = db.newIterator(index, scanOptions);
      it.seekToLast();
    }

    /** The next record, or empty at the end of the keyspace. */
    Optional<StoredRecord> next() {
      if (!it.isValid()) {
        try {
          it.status();
        } catch (RocksDBException e) {
          throw new StorageException("RocksDB index scan failed", e);
        }
        return Optional.empty();
      }
      long sequence = StoreLayout.sequenceOfIndexKey(it.key());
      byte[] entry = it.value();
      it.prev();
      if (entry.length < StoreLayout.INDEX_HEADER_BYTES) {
        throw damaged("an index entry of " + entry.length + " bytes", sequence);
      }
      long version = StoreLayout.readLong(entry, 0);
      String key =
          Utf8.decode(
              entry, StoreLayout.INDEX_HEADER_BYTES, entry.length - StoreLayout.INDEX_HEADER_BYTES);
      byte[] value;
      try {
        value = db.get(records, pointReads, StoreLayout.recordKey(prefix, key));
      } catch (RocksDBException e) {
        throw new StorageException("RocksDB get failed", e);
      }
      if (value == null || value.length < StoreLayout.RECORD_HEADER_BYTES) {
        throw damaged("an index entry without its record", sequence);
      }
      if (StoreLayout.recordSequence(value) != sequence
          || StoreLayout.recordVersion(value) != version) {
        throw damaged("an index entry that disagrees with its record", sequence);
      }
      return Optional.of(
          new StoredRecord(
              key,
              version,
              UnsafeByteOperations.unsafeWrap(
                  value,
                  StoreLayout.RECORD_HEADER_BYTES,
                  value.length - StoreLayout.RECORD_HEADER_BYTES),
              sequence));
    }

    private StorageException damaged(String what, long sequence) {
      return new StorageException(
          "the RocksDB store is damaged: "
              + what
              + " (sequence "
              + sequence
              + " of "
              + keyspace
              + ")");
    }

    @Override
    public void close() {
      it.close();
      scanOptions.close();
      lower.close();
      upper.close();
    }
  }

  /** A {@link Snapshot} over the keyspaces found, reading records through {@code pointReads}. */
  static Snapshot snapshot(
      RocksDB db,
      ColumnFamilyHandle index,
      ColumnFamilyHandle records,
      ReadOptions pointReads,
      List<Found> keyspaces,
      Runnable onClose) {
    return new Snapshot() {
      private int next;
      private Records current;
      private boolean closed;

      @Override
      public Optional<SnapshotKeyspace> nextKeyspace() {
        ensureOpen();
        closeCurrent();
        if (next == keyspaces.size()) {
          return Optional.empty();
        }
        Found found = keyspaces.get(next++);
        current = new Records(db, index, records, pointReads, found);
        return Optional.of(found.keyspace());
      }

      @Override
      public Optional<StoredRecord> nextRecord() {
        ensureOpen();
        return current == null ? Optional.empty() : current.next();
      }

      @Override
      public void close() {
        if (closed) {
          return;
        }
        closed = true;
        closeCurrent();
        onClose.run();
      }

      private void closeCurrent() {
        if (current != null) {
          current.close();
          current = null;
        }
      }

      private void ensureOpen() {
        if (closed) {
          throw new StorageException("the RocksDB snapshot is closed");
        }
      }
    };
  }
}
