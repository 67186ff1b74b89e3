package dev.vss.store.rocksdb;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.vss.core.Keyspace;
import dev.vss.core.spi.KeyVersion;
import dev.vss.core.spi.Storage;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.StoredRecord;
import dev.vss.core.spi.Usage;
import dev.vss.core.spi.WriteDecision;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

/**
 * A durable {@link Storage} on an embedded RocksDB database in one directory.
 *
 * <ol>
 *   <li>Durable: a write returns only after the atomic {@code WriteBatch} holding it (records,
 *       index entries, global version and sequence counter together) is synced to the write-ahead
 *       log, so an acknowledged write survives a process kill or an OS crash.
 *   <li>Group commit per keyspace: concurrent writes to one keyspace are decided one after the
 *       other by one leader, each seeing the earlier ones, and committed together with one synced
 *       write ({@link GroupCommit}); writes to different keyspaces are decided in parallel and
 *       share WAL fsyncs through RocksDB's write groups.
 *   <li>Reads take no keyspace lock and see every write that returned before they started.
 *   <li>A list page reads only the creation-order index: its cost grows with the entries it scans,
 *       not with the size of the keyspace (a selective prefix scans past non-matching newer keys).
 * </ol>
 *
 * <pre>{@code
 * try (RocksDbStorage storage = RocksDbStorage.open(Path.of("/var/lib/vss"))) {
 *   VssService vss = new VssService(storage, Limits.DEFAULTS);
 *   ...
 * }
 * }</pre>
 *
 * <p>One directory can be open by one {@code RocksDbStorage} at a time (RocksDB's LOCK file);
 * {@link #close()} releases it.
 */
@NullMarked
public final class RocksDbStorage implements Storage {
  private static final Logger LOG = System.getLogger(RocksDbStorage.class.getName());

  /** Write queues; keyspaces beyond this many share queues (and batches). */
  static final int QUEUE_STRIPES = 1024;

  /** Holds any index entry of a key within the default limits (600 characters, 4 bytes each). */
  private static final int SCAN_BUFFER_BYTES = 4096;

  /**
   * How often {@link #checkHealth()} writes its probe at most; in between it answers from the last
   * probe, so frequent readiness checks cost one small synced write per interval.
   */
  static final long PROBE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final Path directory;
  private final NativeStore store;
  private final WriteQueues writeQueues = new WriteQueues(QUEUE_STRIPES);
  private final GroupCommit groupCommit;

  /** The last creation sequence handed out; never reused, also not after a restart. */
  private final AtomicLong lastSequence;

  private final byte[] pageTokenSecret;

  /**
   * Operations hold the read side while they use native objects; {@link #close()} takes the write
   * side, so it waits for them and nothing touches a freed handle afterwards (which would crash the
   * JVM rather than throw).
   */
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();

  /** One readiness probe at a time; concurrent checks answer from the last one. */
  private final ReentrantLock probeLock = new ReentrantLock();

  /** The last probe's outcome; null until the first check. A failed write makes it stale. */
  private volatile @Nullable Probe lastProbe;

  private boolean closed;

  private RocksDbStorage(
      Path directory, NativeStore store, UnaryOperator<GroupCommit.BatchWriter> batchWriter) {
    this.directory = directory;
    this.store = store;
    this.lastSequence = new AtomicLong(store.lastSequence());
    this.pageTokenSecret = PageTokenSecretKey.loadOrCreate(store);
    UsageKeys.ensureCounted(store, directory);
    GroupCommit.BatchWriter durableWrite = (batch, writes) -> store.db.write(store.durable, batch);
    this.groupCommit =
        new GroupCommit(store, lastSequence, batchWriter.apply(durableWrite), this::writeFailed);
  }

  /**
   * Opens the store in {@code directory} with {@link RocksDbOptions#DEFAULTS}; see {@link
   * #open(Path, RocksDbOptions)}.
   */
  public static RocksDbStorage open(Path directory) {
    return open(directory, RocksDbOptions.DEFAULTS);
  }

  /**
   * Opens the store in {@code directory}, creating a new one when the directory is missing or
   * empty.
   *
   * @throws StorageException with a message naming the problem when the directory is a file, holds
   *     something other than a VSS RocksDB store, holds a corrupt store, or is already open
   */
  public static RocksDbStorage open(Path directory, RocksDbOptions options) {
    return open(directory, options, UnaryOperator.identity());
  }

  /**
   * Opens the store with its synced batch write wrapped by {@code batchWriter}: for tests that
   * pause a batch before it is written or make its write fail.
   */
  static RocksDbStorage open(
      Path directory, RocksDbOptions options, UnaryOperator<GroupCommit.BatchWriter> batchWriter) {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(options, "options");
    NativeStore store = NativeStore.open(directory, options);
    RocksDbStorage storage;
    try {
      storage = new RocksDbStorage(directory, store, batchWriter);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    LOG.log(
        Level.INFO,
        "opened RocksDB store in "
            + directory.toAbsolutePath()
            + " (last creation sequence "
            + storage.lastSequence.get()
            + ")");
    return storage;
  }

  @Override
  public Optional<StoredRecord> get(Keyspace keyspace, String key) {
    Objects.requireNonNull(key, "key");
    byte[] recordKey = StoreLayout.recordKey(StoreLayout.keyspacePrefix(keyspace), key);
    byte[] value;
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      value = store.db.get(store.records, recordKey);
    } catch (RocksDBException e) {
      throw new StorageException("RocksDB get failed", e);
    } finally {
      lifecycle.readLock().unlock();
    }
    if (value == null) {
      return Optional.empty();
    }
    if (value.length < StoreLayout.RECORD_HEADER_BYTES) {
      throw new StorageException("damaged record of " + value.length + " bytes");
    }
    // The array is ours alone and never changes, so wrapping it saves copying the value.
    ByteString bytes =
        UnsafeByteOperations.unsafeWrap(
            value, StoreLayout.RECORD_HEADER_BYTES, value.length - StoreLayout.RECORD_HEADER_BYTES);
    return Optional.of(
        new StoredRecord(
            key, StoreLayout.recordVersion(value), bytes, StoreLayout.recordSequence(value)));
  }

  @Override
  public long globalVersion(Keyspace keyspace) {
    byte[] globalKey = StoreLayout.keyspacePrefix(keyspace);
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      return readGlobalVersion(globalKey);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  @Override
  public List<KeyVersion> list(Keyspace keyspace, String prefix, long beforeSequence, int limit) {
    Objects.requireNonNull(prefix, "prefix");
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive, was " + limit);
    }
    byte[] keyspacePrefix = StoreLayout.keyspacePrefix(keyspace);
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      // Sequences start at 1, so nothing lies below 1.
      if (beforeSequence <= 1) {
        return List.of();
      }
      return scanIndex(keyspacePrefix, new KeyPrefix(prefix), beforeSequence - 1, limit);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /**
   * Reads index entries from {@code fromSequence} down, newest first. The iterator reads from one
   * implicit snapshot, so a page never shows half of a concurrent batch; the upper bound keeps it
   * inside the keyspace, so RocksDB stops at the keyspace's end instead of reading the next one's
   * blocks.
   */
  private List<KeyVersion> scanIndex(
      byte[] keyspacePrefix, KeyPrefix prefix, long fromSequence, int limit) {
    List<KeyVersion> page = new ArrayList<>(Math.min(limit, 128));
    // Entries are copied into one reused array: a sparse prefix may skip many entries per match,
    // and allocating an array for each would dominate the scan.
    byte[] buffer = new byte[SCAN_BUFFER_BYTES];
    ByteBuffer reusable = ByteBuffer.wrap(buffer);
    try (Slice upperBound = new Slice(StoreLayout.indexUpperBound(keyspacePrefix));
        ReadOptions options = new ReadOptions().setIterateUpperBound(upperBound);
        RocksIterator entries = store.db.newIterator(store.index, options)) {
      for (entries.seek(StoreLayout.indexKey(keyspacePrefix, fromSequence));
          entries.isValid() && page.size() < limit;
          entries.next()) {
        reusable.clear();
        int size = entries.value(reusable);
        if (size < StoreLayout.INDEX_HEADER_BYTES) {
          throw new StorageException("damaged index entry of " + size + " bytes");
        }
        byte[] entry = size <= buffer.length ? buffer : entries.value();
        int keyLength = size - StoreLayout.INDEX_HEADER_BYTES;
        if (prefix.matches(entry, StoreLayout.INDEX_HEADER_BYTES, keyLength)) {
          String key = Utf8.decode(entry, StoreLayout.INDEX_HEADER_BYTES, keyLength);
          page.add(
              new KeyVersion(
                  key,
                  StoreLayout.readLong(entry, 0),
                  StoreLayout.sequenceOfIndexKey(entries.key())));
        }
      }
      entries.status();
      return page;
    } catch (RocksDBException e) {
      throw new StorageException("RocksDB index scan failed", e);
    }
  }

  @Override
  public <R> R write(Keyspace keyspace, Set<String> keys, WriteDecision<R> decision) {
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(decision, "decision");
    PendingWrite<R> write =
        new PendingWrite<>(
            StoreLayout.keyspacePrefix(keyspace), keyspace.userToken(), keys, decision);
    WriteQueues.Queue queue = writeQueues.of(keyspace);
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      // Either this caller leads a batch at once, or it waits until a leader has answered its
      // write or hands it the leadership (then its write opens the next batch).
      if (queue.joinOrLead(write) || write.awaitTurn()) {
        try {
          groupCommit.lead(queue, write);
        } finally {
          queue.handOff();
        }
      }
      return write.outcome();
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /** How many writes of {@code keyspace}'s queue wait for a batch (for tests). */
  int pendingWrites(Keyspace keyspace) {
    return writeQueues.of(keyspace).pendingCount();
  }

  private long readGlobalVersion(byte[] keyspacePrefix) {
    return groupCommit.readGlobalVersion(keyspacePrefix);
  }

  /**
   * Fails unless the store can take writes: it is open, its format marker reads back, and a small
   * synced write to the meta column family succeeds. The write runs at most once per {@link
   * #PROBE_INTERVAL_NANOS}; checks in between answer from its outcome, except that a client write
   * failing in between makes the next check probe again at once.
   *
   * <p>A write is the direct test: after a failed WAL or flush write (a full disk, an I/O error, a
   * corruption found by a compaction) RocksDB stops taking writes and fails each one at once
   * without touching the disk, so the probe is cheap exactly when it fails. RocksDB itself resumes
   * after a full disk once space is free again (it polls every few seconds); the next probe then
   * succeeds and the store is ready again.
   *
   * @throws StorageException when the store is closed or cannot take a write
   */
  @Override
  public void checkHealth() {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      if (!store.formatMarkerReadable()) {
        throw new StorageException("the RocksDB store's format marker is missing");
      }
      Probe probe = currentProbe();
      if (probe.failure() != null) {
        throw new StorageException("the RocksDB store cannot take writes: " + probe.failure());
      }
    } catch (RocksDBException e) {
      throw new StorageException("RocksDB health check failed", e);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /** The last probe if it is recent, else a new one; called under the lifecycle read lock. */
  private Probe currentProbe() {
    Probe probe = lastProbe;
    if (probe != null && !probe.staleAt(System.nanoTime())) {
      return probe;
    }
    // A check that finds another one probing answers from the last outcome rather than queueing
    // behind a write that may hang on a stalled disk; only the very first check waits.
    if (probe == null) {
      probeLock.lock();
    } else if (!probeLock.tryLock()) {
      return probe;
    }
    try {
      Probe previous = lastProbe;
      long now = System.nanoTime();
      if (previous != null && !previous.staleAt(now)) {
        return previous;
      }
      probe = probeWrite(now);
      lastProbe = probe;
      // Log changes only: the server also logs each failed readiness check.
      if (probe.failure() != null && (previous == null || previous.failure() == null)) {
        LOG.log(
            Level.WARNING,
            "the RocksDB store in "
                + directory.toAbsolutePath()
                + " cannot take writes: "
                + probe.failure());
      } else if (probe.failure() == null && previous != null && previous.failure() != null) {
        LOG.log(
            Level.INFO,
            "the RocksDB store in " + directory.toAbsolutePath() + " takes writes again");
      }
      return probe;
    } finally {
      probeLock.unlock();
    }
  }

  private Probe probeWrite(long now) {
    try {
      store.db.put(
          store.meta,
          store.durable,
          NativeStore.HEALTH_PROBE_KEY,
          StoreLayout.longBytes(System.currentTimeMillis()));
      return new Probe(now, null);
    } catch (RocksDBException e) {
      return new Probe(now, describe(e));
    }
  }

  private static String describe(RocksDBException e) {
    return Objects.requireNonNullElse(e.getMessage(), e.toString());
  }

  /**
   * Marks the last probe stale and failed, so the next readiness check reports the failure or, if
   * writes work again by then, finds that out with a new probe. VssService logs the failure itself.
   */
  private void writeFailed(RocksDBException e) {
    lastProbe = new Probe(System.nanoTime() - PROBE_INTERVAL_NANOS, describe(e));
  }

  /**
   * True: every batch puts the new usage counters of the keyspaces it changed in the same synced
   * {@code WriteBatch} as their records ({@link UsageKeys}); a store written before is counted once
   * at open. A user's writes share one write queue, so its usage is consistent in a view.
   */
  @Override
  public boolean tracksUsage() {
    return true;
  }

  @Override
  public Usage usage(Keyspace keyspace) {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      return UsageKeys.keyspace(store, keyspace);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  @Override
  public Usage userUsage(String userToken) {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      return UsageKeys.userTotal(store, userToken);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /** {@inheritDoc} Kept in the meta column family under {@value PageTokenSecretKey#KEY}. */
  @Override
  public byte[] pageTokenSecret() {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      return pageTokenSecret.clone();
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /**
   * Reports each group-committed batch to {@code observer}: how many writes it carried and the time
   * from the start of its decisions until its synced write returned. Called on the batch leader's
   * thread before any write of the batch is answered; a batch that changed nothing writes nothing
   * and is not reported.
   */
  @Override
  public void observeCommits(dev.vss.core.spi.CommitObserver observer) {
    groupCommit.observeCommits(observer);
  }

  /** {@code rocksdb}. */
  @Override
  public String name() {
    return "rocksdb";
  }

  /**
   * Waits for running operations, then closes the database, which releases the directory lock and
   * native memory. Idempotent; every other method fails with {@link StorageException} afterwards.
   */
  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      store.close();
      LOG.log(Level.INFO, "closed RocksDB store in " + directory.toAbsolutePath());
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new StorageException("RocksDB storage is closed");
    }
  }

  /**
   * The outcome of a readiness probe: when it ran ({@link System#nanoTime()}) and why writes fail,
   * or null when the probe write succeeded.
   */
  private record Probe(long atNanos, @Nullable String failure) {
    boolean staleAt(long now) {
      return now - atNanos >= PROBE_INTERVAL_NANOS;
    }
  }
}
