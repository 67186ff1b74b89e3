package dev.vss.store.rocksdb;

import dev.vss.core.spi.CommitObserver;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.Usage;
import dev.vss.core.spi.WritePlan;
import dev.vss.core.spi.WriteView;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Group commit inside a write queue: the queue's leader decides a batch of pending writes one after
 * the other, each against the committed state plus the earlier writes of the batch, writes the
 * whole batch as one synced {@code WriteBatch}, and only then answers every write of it.
 *
 * <ol>
 *   <li>A write's view reads RocksDB (committed data) through the batch's overlay, which holds the
 *       version and sequence (or the absence) of every record the batch has changed so far, and the
 *       global versions it has set: RocksDB's read-your-own-batch, without reading values.
 *   <li>A decision that throws, or a write whose own reads fail, contributes nothing and fails only
 *       its own caller; an abort contributes nothing and gets its result. Mutations of a write are
 *       appended to the batch only once all of them are known.
 *   <li>Readers read RocksDB only, never the overlay, so nothing of a batch is visible before its
 *       synced write returns (RocksDB shows a batch atomically, after its WAL record is synced).
 *   <li>No write is answered before the synced write returns, also not an abort or a failed
 *       decision: an answer such as a conflict may reveal an earlier write of the batch. If the
 *       synced write fails, every write of the batch fails, since later decisions saw earlier, now
 *       lost, writes.
 *   <li>A batch that changes nothing is answered at once, without a write.
 * </ol>
 */
final class GroupCommit {
  private static final Logger LOG = System.getLogger(GroupCommit.class.getName());

  /** Most writes in one batch; later ones wait for the next batch. */
  static final int MAX_BATCH_WRITES = 256;

  /** Batch size (RocksDB's data size) above which no further write joins the batch. */
  static final long MAX_BATCH_BYTES = 16L << 20;

  /** Writes a finished batch durably; tests wrap it to pause or fail the synced write. */
  @FunctionalInterface
  interface BatchWriter {
    /**
     * Writes {@code batch}, holding {@code writes} callers' writes, with {@code sync = true}.
     *
     * @throws RocksDBException if RocksDB refuses or fails the write; nothing of it is then visible
     */
    void write(WriteBatch batch, int writes) throws RocksDBException;
  }

  /** Marks, in the overlay, a record the batch deleted. */
  private static final Existing ABSENT = new Existing(-1, -1, 0);

  private final NativeStore store;
  private final AtomicLong lastSequence;
  private final BatchWriter writer;
  private final Consumer<RocksDBException> writeFailed;

  /** Told about every synced batch write; replaced at any time by {@link #observeCommits}. */
  private volatile CommitObserver observer = CommitObserver.NONE;

  GroupCommit(
      NativeStore store,
      AtomicLong lastSequence,
      BatchWriter writer,
      Consumer<RocksDBException> writeFailed) {
    this.store = store;
    this.lastSequence = lastSequence;
    this.writer = writer;
    this.writeFailed = writeFailed;
  }

  /**
   * Runs one batch as the leader of {@code queue}: {@code first} (the leader's own write) and then
   * queued writes, until the queue is empty or the batch full; answers all of them. Never throws:
   * every write of the batch is answered, and the caller hands the queue on afterwards.
   */
  void lead(WriteQueues.Queue queue, PendingWrite<?> first) {
    long started = System.nanoTime();
    List<PendingWrite<?>> batch = new ArrayList<>();
    batch.add(first);
    try (WriteBatch writeBatch = new WriteBatch()) {
      Overlay overlay = new Overlay();
      try {
        PendingWrite<?> write = first;
        while (true) {
          decide(write, overlay, writeBatch);
          if (batch.size() >= MAX_BATCH_WRITES || writeBatch.getDataSize() >= MAX_BATCH_BYTES) {
            break;
          }
          write = queue.next();
          if (write == null) {
            break;
          }
          batch.add(write);
        }
        if (overlay.highestNewSequence != 0) {
          writeBatch.merge(
              store.meta,
              NativeStore.LAST_SEQUENCE_KEY,
              StoreLayout.longBytes(overlay.highestNewSequence));
        }
      } catch (RocksDBException e) {
        // Appending to the batch failed; nothing is written, and the batch's decisions may
        // depend on the part that is missing, so none of them stands.
        failAll(batch, "building a RocksDB write batch failed", e);
        return;
      }
      if (overlay.changed) {
        try {
          // One atomic batch, synced before anyone is answered. Batches of other queues join the
          // same RocksDB write group and share its fsync.
          writer.write(writeBatch, batch.size());
        } catch (RocksDBException e) {
          // Atomic: nothing of the batch is visible. Its sequences stay unused, which is harmless.
          writeFailed.accept(e);
          failAll(batch, "the synced RocksDB write of a batch failed", e);
          return;
        }
        // Before anyone of the batch is answered, as the CommitObserver contract says. A batch
        // that changed nothing wrote nothing, so there is no commit to report.
        CommitObserver.notifySafely(observer, batch.size(), System.nanoTime() - started);
      }
      batch.forEach(PendingWrite::answer);
    } catch (RuntimeException | Error e) {
      // A bug here, or a native fault outside any one decision: no caller may be left waiting.
      failAll(batch, "a RocksDB write batch failed unexpectedly", e);
    }
  }

  /** Reports each synced batch write to {@code observer} from now on. */
  void observeCommits(CommitObserver observer) {
    this.observer = java.util.Objects.requireNonNull(observer, "observer");
  }

  private static void failAll(List<PendingWrite<?>> batch, String what, Throwable cause) {
    LOG.log(Level.WARNING, what + "; failing its " + batch.size() + " write(s)", cause);
    StorageException failure = new StorageException("RocksDB write failed", cause);
    for (PendingWrite<?> write : batch) {
      if (!write.isDone()) {
        write.fail(failure);
      }
    }
  }

  /**
   * Decides {@code write} against committed data plus the batch so far and, if its plan changes
   * something, appends the plan to the batch. Records the outcome on {@code write}; throws only if
   * appending to the batch fails, which fails the whole batch.
   */
  private void decide(PendingWrite<?> write, Overlay overlay, WriteBatch writeBatch)
      throws RocksDBException {
    byte[] keyspacePrefix = write.keyspacePrefix;
    Staged staged;
    try {
      Map<String, Existing> existing = new HashMap<>(write.keys.size() * 2);
      for (String key : write.keys) {
        existing.put(key, overlay.record(StoreLayout.recordKey(keyspacePrefix, key)));
      }
      // The global version and the usages are read only when the decision asks: a put without
      // a global version and without quotas reads neither.
      WritePlan<?> plan =
          write.decision.decide(
              WriteView.of(
                  write.keys,
                  key -> {
                    Existing record = existing.get(key);
                    return record == null
                        ? OptionalLong.empty()
                        : OptionalLong.of(record.version());
                  },
                  key -> {
                    Existing record = existing.get(key);
                    return record == null
                        ? OptionalLong.empty()
                        : OptionalLong.of(record.storedBytes());
                  },
                  () -> overlay.globalVersion(keyspacePrefix),
                  () -> overlay.usage(keyspacePrefix),
                  () -> overlay.userUsage(write.userToken)));
      if (plan == null) {
        throw new IllegalStateException("write decision returned no plan");
      }
      if (plan.isEmpty()) {
        write.decided(plan.result());
        return;
      }
      staged = stage(keyspacePrefix, plan, existing, overlay);
    } catch (RuntimeException | Error e) {
      // The decision threw, or this write's own reads failed: it alone fails, and it has put
      // nothing into the batch or the overlay.
      write.decisionFailed(e);
      return;
    }
    staged.appendTo(writeBatch);
    staged.applyTo(overlay);
    write.decided(staged.result);
  }

  /**
   * The mutations of {@code plan}, with sequences assigned: computed completely before any of them
   * touches the batch, so a failing read leaves the batch as it was.
   */
  private Staged stage(
      byte[] keyspacePrefix, WritePlan<?> plan, Map<String, Existing> existing, Overlay overlay) {
    Staged staged = new Staged(plan.result());
    long bytesAdded = 0;
    long recordsAdded = 0;
    for (WritePlan.Upsert upsert : plan.upserts()) {
      byte[] recordKey = StoreLayout.recordKey(keyspacePrefix, upsert.key());
      Existing record =
          existing.containsKey(upsert.key())
              ? existing.get(upsert.key())
              : overlay.record(recordKey);
      bytesAdded += Usage.storedBytes(upsert.value()) - (record == null ? 0 : record.storedBytes());
      recordsAdded += record == null ? 1 : 0;
      long sequence;
      if (record != null) {
        sequence = record.sequence();
      } else {
        sequence = lastSequence.incrementAndGet();
        staged.highestNewSequence = sequence;
      }
      staged.recordPuts.add(
          new Put(recordKey, StoreLayout.recordValue(upsert.version(), sequence, upsert.value())));
      // Also rewritten for an update: the index carries the version for listing.
      staged.indexPuts.add(
          new Put(
              StoreLayout.indexKey(keyspacePrefix, sequence),
              StoreLayout.indexValue(upsert.version(), upsert.key())));
      staged.overlayRecords.put(
          ByteBuffer.wrap(recordKey),
          new Existing(upsert.version(), sequence, Usage.storedBytes(upsert.value())));
    }
    for (String key : plan.deletes()) {
      byte[] recordKey = StoreLayout.recordKey(keyspacePrefix, key);
      Existing record = existing.containsKey(key) ? existing.get(key) : overlay.record(recordKey);
      if (record != null) {
        staged.recordDeletes.add(recordKey);
        staged.indexDeletes.add(StoreLayout.indexKey(keyspacePrefix, record.sequence()));
        staged.overlayRecords.put(ByteBuffer.wrap(recordKey), ABSENT);
        bytesAdded -= record.storedBytes();
        recordsAdded--;
      }
    }
    if (bytesAdded != 0 || recordsAdded != 0) {
      // Only this queue's leader writes this user's counters, so read-modify-write is safe.
      staged.usageKeyspace = keyspacePrefix;
      staged.usage = overlay.usage(keyspacePrefix).plus(new Usage(bytesAdded, recordsAdded));
    }
    if (plan.newGlobalVersion().isPresent()) {
      staged.globalVersionKey = keyspacePrefix;
      staged.globalVersion = plan.newGlobalVersion().getAsLong();
    }
    return staged;
  }

  /** A stored record's version, creation sequence and stored bytes. */
  record Existing(long version, long sequence, long storedBytes) {}

  private record Put(byte[] key, byte[] value) {}

  /** One write's mutations, ready to append to the batch and to the overlay. */
  private final class Staged {
    final Object result;
    final List<Put> recordPuts = new ArrayList<>(2);
    final List<Put> indexPuts = new ArrayList<>(2);
    final List<byte[]> recordDeletes = new ArrayList<>(0);
    final List<byte[]> indexDeletes = new ArrayList<>(0);
    final Map<ByteBuffer, Existing> overlayRecords = new HashMap<>(4);
    byte[] globalVersionKey;
    long globalVersion;
    byte[] usageKeyspace;
    Usage usage;
    long highestNewSequence;

    Staged(Object result) {
      this.result = result;
    }

    void appendTo(WriteBatch batch) throws RocksDBException {
      for (Put put : recordPuts) {
        batch.put(store.records, put.key(), put.value());
      }
      for (Put put : indexPuts) {
        batch.put(store.index, put.key(), put.value());
      }
      for (byte[] key : recordDeletes) {
        batch.delete(store.records, key);
      }
      for (byte[] key : indexDeletes) {
        batch.delete(store.index, key);
      }
      if (globalVersionKey != null) {
        batch.put(
            store.globalVersions, globalVersionKey, StoreLayout.globalVersionValue(globalVersion));
      }
      if (usageKeyspace != null) {
        batch.put(store.meta, UsageKeys.key(usageKeyspace), UsageKeys.value(usage));
      }
    }

    void applyTo(Overlay overlay) {
      overlay.records.putAll(overlayRecords);
      if (globalVersionKey != null) {
        overlay.globalVersions.put(ByteBuffer.wrap(globalVersionKey), globalVersion);
      }
      if (usageKeyspace != null) {
        overlay.usages.put(ByteBuffer.wrap(usageKeyspace), usage);
      }
      if (highestNewSequence != 0) {
        overlay.highestNewSequence = highestNewSequence;
      }
      overlay.changed |=
          !recordPuts.isEmpty() || !recordDeletes.isEmpty() || globalVersionKey != null;
    }
  }

  /**
   * What the batch has changed so far, by record key and keyspace prefix, consulted before RocksDB.
   * The leader alone uses it, so it needs no locking.
   */
  private final class Overlay {
    final Map<ByteBuffer, Existing> records = new HashMap<>();
    final Map<ByteBuffer, Long> globalVersions = new HashMap<>();
    final Map<ByteBuffer, Usage> usages = new HashMap<>();
    long highestNewSequence;
    boolean changed;

    /** The record's state as of the batch so far: null when it does not exist. */
    Existing record(byte[] recordKey) {
      Existing batched = records.get(ByteBuffer.wrap(recordKey));
      if (batched != null) {
        return batched == ABSENT ? null : batched;
      }
      return readExisting(recordKey);
    }

    long globalVersion(byte[] keyspacePrefix) {
      Long batched = globalVersions.get(ByteBuffer.wrap(keyspacePrefix));
      return batched != null ? batched : readGlobalVersion(keyspacePrefix);
    }

    /** The keyspace's usage as of the batch so far. */
    Usage usage(byte[] keyspacePrefix) {
      Usage batched = usages.get(ByteBuffer.wrap(keyspacePrefix));
      return batched != null ? batched : UsageKeys.keyspace(store, keyspacePrefix);
    }

    /**
     * The user's usage as of the batch so far: its committed counters, with the ones this batch
     * changed replaced. Every write of the user goes through this queue ({@link WriteQueues}), so
     * no other leader changes them meanwhile.
     */
    Usage userUsage(String userToken) {
      Map<ByteBuffer, Usage> counters = UsageKeys.user(store, userToken);
      ByteBuffer userPrefix = ByteBuffer.wrap(StoreLayout.userPrefix(userToken));
      for (Map.Entry<ByteBuffer, Usage> batched : usages.entrySet()) {
        ByteBuffer keyspace = batched.getKey();
        if (keyspace.remaining() >= userPrefix.remaining()
            && keyspace.slice(0, userPrefix.remaining()).equals(userPrefix)) {
          counters.put(keyspace, batched.getValue());
        }
      }
      return counters.values().stream().reduce(Usage.ZERO, Usage::plus);
    }
  }

  /** The committed version and sequence of a record, or null when it does not exist. */
  private Existing readExisting(byte[] recordKey) {
    byte[] header = new byte[StoreLayout.RECORD_HEADER_BYTES];
    int size;
    try {
      // Copies only the 16-byte header into Java, however large the value is.
      size = store.db.get(store.records, recordKey, header);
    } catch (RocksDBException e) {
      throw new StorageException("RocksDB get failed", e);
    }
    if (size == RocksDB.NOT_FOUND) {
      return null;
    }
    if (size < StoreLayout.RECORD_HEADER_BYTES) {
      throw new StorageException("damaged record of " + size + " bytes");
    }
    return new Existing(
        StoreLayout.recordVersion(header),
        StoreLayout.recordSequence(header),
        size - StoreLayout.RECORD_HEADER_BYTES);
  }

  /** The committed global version of a keyspace; 0 when never set. */
  long readGlobalVersion(byte[] keyspacePrefix) {
    try {
      byte[] value = store.db.get(store.globalVersions, keyspacePrefix);
      return value == null ? 0 : StoreLayout.readLong(value, 0);
    } catch (RocksDBException e) {
      throw new StorageException("RocksDB get failed", e);
    }
  }
}
