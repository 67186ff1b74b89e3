package dev.vss.store.rocksdb;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.vss.core.Keyspace;
import dev.vss.core.spi.KeyVersion;
import dev.vss.core.spi.Storage;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.StoredRecord;
import dev.vss.core.spi.WriteDecision;
import dev.vss.core.spi.WritePlan;
import dev.vss.core.spi.WriteView;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;

/**
 * A durable {@link Storage} on an embedded RocksDB database in one directory.
 *
 * <ol>
 *   <li>Durable: a write returns only after its one atomic {@code WriteBatch} (records, index
 *       entries, global version and sequence counter together) is synced to the write-ahead log, so
 *       an acknowledged write survives a process kill or an OS crash.
 *   <li>Serialized per keyspace: writes to one keyspace run their decision one at a time; writes to
 *       different keyspaces run concurrently and share WAL fsyncs (RocksDB's group commit).
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
public final class RocksDbStorage implements Storage {
  private static final Logger LOG = System.getLogger(RocksDbStorage.class.getName());
  private static final int LOCK_STRIPES = 1024;
  /** Holds any index entry of a key within the default limits (600 characters, 4 bytes each). */
  private static final int SCAN_BUFFER_BYTES = 4096;
  /**
   * How often {@link #checkHealth()} writes its probe at most; in between it answers from the last
   * probe, so frequent readiness checks cost one small synced write per interval.
   */
  static final long PROBE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final Path directory;
  private final NativeStore store;
  private final KeyspaceLocks keyspaceLocks = new KeyspaceLocks(LOCK_STRIPES);
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
  private volatile Probe lastProbe;
  private boolean closed;

  private RocksDbStorage(Path directory, NativeStore store) {
    this.directory = directory;
    this.store = store;
    this.lastSequence = new AtomicLong(store.lastSequence());
    this.pageTokenSecret = PageTokenSecretKey.loadOrCreate(store);
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
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(options, "options");
    NativeStore store = NativeStore.open(directory, options);
    RocksDbStorage storage;
    try {
      storage = new RocksDbStorage(directory, store);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    LOG.log(Level.INFO, "opened RocksDB store in " + directory.toAbsolutePath()
        + " (last creation sequence " + storage.lastSequence.get() + ")");
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
    ByteString bytes = UnsafeByteOperations.unsafeWrap(value, StoreLayout.RECORD_HEADER_BYTES,
        value.length - StoreLayout.RECORD_HEADER_BYTES);
    return Optional.of(new StoredRecord(key, StoreLayout.recordVersion(value), bytes,
        StoreLayout.recordSequence(value)));
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
  private List<KeyVersion> scanIndex(byte[] keyspacePrefix, KeyPrefix prefix, long fromSequence,
      int limit) {
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
          String key = StringCodec.decode(entry, StoreLayout.INDEX_HEADER_BYTES, keyLength);
          page.add(new KeyVersion(key, StoreLayout.readLong(entry, 0),
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
    byte[] keyspacePrefix = StoreLayout.keyspacePrefix(keyspace);
    ReentrantLock keyspaceLock = keyspaceLocks.of(keyspace);
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      keyspaceLock.lock();
      try {
        return decideAndApply(keyspacePrefix, keys, decision);
      } finally {
        keyspaceLock.unlock();
      }
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /**
   * Runs under the keyspace's lock: nothing else writes to the keyspace between reading the view
   * and committing the batch, and a committed batch is visible to the next holder of the lock.
   */
  private <R> R decideAndApply(byte[] keyspacePrefix, Set<String> keys,
      WriteDecision<R> decision) {
    Map<String, Existing> existing = new HashMap<>();
    for (String key : keys) {
      existing.put(key, readExisting(keyspacePrefix, key));
    }
    long globalVersion = readGlobalVersion(keyspacePrefix);
    WritePlan<R> plan = decision.decide(WriteView.of(keys, key -> {
      Existing record = existing.get(key);
      return record == null ? OptionalLong.empty() : OptionalLong.of(record.version());
    }, globalVersion));
    if (plan.isEmpty()) {
      return plan.result();
    }
    try (WriteBatch batch = new WriteBatch()) {
      long highestNewSequence = 0;
      for (WritePlan.Upsert upsert : plan.upserts()) {
        Existing record = existingOf(existing, keyspacePrefix, upsert.key());
        long sequence;
        if (record != null) {
          sequence = record.sequence();
        } else {
          sequence = lastSequence.incrementAndGet();
          highestNewSequence = sequence;
        }
        batch.put(store.records, StoreLayout.recordKey(keyspacePrefix, upsert.key()),
            StoreLayout.recordValue(upsert.version(), sequence, upsert.value()));
        // Also rewritten for an update: the index carries the version for listing.
        batch.put(store.index, StoreLayout.indexKey(keyspacePrefix, sequence),
            StoreLayout.indexValue(upsert.version(), upsert.key()));
      }
      for (String key : plan.deletes()) {
        Existing record = existingOf(existing, keyspacePrefix, key);
        if (record != null) {
          batch.delete(store.records, StoreLayout.recordKey(keyspacePrefix, key));
          batch.delete(store.index, StoreLayout.indexKey(keyspacePrefix, record.sequence()));
        }
      }
      if (plan.newGlobalVersion().isPresent()) {
        batch.put(store.globalVersions, keyspacePrefix,
            StoreLayout.globalVersionValue(plan.newGlobalVersion().getAsLong()));
      }
      if (highestNewSequence != 0) {
        batch.merge(store.meta, NativeStore.LAST_SEQUENCE_KEY,
            StoreLayout.longBytes(highestNewSequence));
      }
      // One atomic batch, synced before returning. Concurrent callers' batches join one WAL write
      // group, whose leader syncs once for all of them.
      store.db.write(store.durable, batch);
    } catch (RocksDBException e) {
      // The batch is atomic: nothing of it is visible. Sequences taken for it stay unused, which
      // is harmless: sequences need only be unique and increasing.
      writeFailed(e);
      throw new StorageException("RocksDB write failed", e);
    }
    return plan.result();
  }

  /** The stored version and sequence of {@code key}, or null when it does not exist. */
  private Existing readExisting(byte[] keyspacePrefix, String key) {
    byte[] header = new byte[StoreLayout.RECORD_HEADER_BYTES];
    int size;
    try {
      // Copies only the 16-byte header into Java, however large the value is.
      size = store.db.get(store.records, StoreLayout.recordKey(keyspacePrefix, key), header);
    } catch (RocksDBException e) {
      throw new StorageException("RocksDB get failed", e);
    }
    if (size == RocksDB.NOT_FOUND) {
      return null;
    }
    if (size < StoreLayout.RECORD_HEADER_BYTES) {
      throw new StorageException("damaged record of " + size + " bytes");
    }
    return new Existing(StoreLayout.recordVersion(header), StoreLayout.recordSequence(header));
  }

  /**
   * A plan key's stored state: from the view's reads when declared, else read now (still under the
   * keyspace lock), so an upsert of an undeclared existing key keeps its sequence.
   */
  private Existing existingOf(Map<String, Existing> existing, byte[] keyspacePrefix, String key) {
    if (existing.containsKey(key)) {
      return existing.get(key);
    }
    return readExisting(keyspacePrefix, key);
  }

  private long readGlobalVersion(byte[] keyspacePrefix) {
    try {
      byte[] value = store.db.get(store.globalVersions, keyspacePrefix);
      return value == null ? 0 : StoreLayout.readLong(value, 0);
    } catch (RocksDBException e) {
      throw new StorageException("RocksDB get failed", e);
    }
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
        LOG.log(Level.WARNING, "the RocksDB store in " + directory.toAbsolutePath()
            + " cannot take writes: " + probe.failure());
      } else if (probe.failure() == null && previous != null && previous.failure() != null) {
        LOG.log(Level.INFO, "the RocksDB store in " + directory.toAbsolutePath()
            + " takes writes again");
      }
      return probe;
    } finally {
      probeLock.unlock();
    }
  }

  private Probe probeWrite(long now) {
    try {
      store.db.put(store.meta, store.durable, NativeStore.HEALTH_PROBE_KEY,
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

  /** A stored record's version and creation sequence. */
  private record Existing(long version, long sequence) {}

  /**
   * The outcome of a readiness probe: when it ran ({@link System#nanoTime()}) and why writes
   * fail, or null when the probe write succeeded.
   */
  private record Probe(long atNanos, String failure) {
    boolean staleAt(long now) {
      return now - atNanos >= PROBE_INTERVAL_NANOS;
    }
  }
}
