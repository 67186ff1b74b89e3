package dev.vss.testkit;

import dev.vss.core.Keyspace;
import dev.vss.core.rules.PageToken;
import dev.vss.core.spi.KeyVersion;
import dev.vss.core.spi.KeyspaceFilter;
import dev.vss.core.spi.Storage;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.StoredRecord;
import dev.vss.core.spi.Usage;
import dev.vss.core.spi.WriteDecision;
import dev.vss.core.spi.WritePlan;
import dev.vss.core.spi.WriteView;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The reference {@link Storage}: the plainest adapter that can meet the SPI's contract, written to
 * be read rather than to be fast, so that an integrator can diff their own adapter against it. The
 * kit's own tests run every {@code Storage...} suite against it.
 *
 * <ul>
 *   <li><b>One lock.</b> Every method holds the same monitor from start to end, so every call is
 *       atomic, and the order in which calls take the lock is a linearization of them.
 *   <li><b>Copy-on-write.</b> The data is one immutable value: keyspaces in a sorted map, each with
 *       its records in a sorted map and its global version. A write runs the decision on the
 *       current value, builds the next value from the plan, and only then replaces the current one;
 *       a decision that throws, or a plan that aborts, leaves the data exactly as it was.
 *   <li><b>No indexes, no caches.</b> A listing sorts the keyspace's records by creation sequence
 *       on every call; usage is counted from the records on every call.
 * </ul>
 *
 * <p>Creation sequences count from 1 across the whole store, as the SPI asks: a new key takes the
 * next one, an update keeps its key's, a re-created key takes a new one. It {@linkplain
 * #tracksUsage() tracks usage} (by counting), so quotas and {@code StorageQuotaSuite} work with it.
 * It is not durable: the data lives as long as the instance.
 */
public final class ReferenceStorage implements Storage {
  /** One keyspace: its records by key, and its global version. Immutable. */
  private record Space(SortedMap<String, StoredRecord> records, long globalVersion) {
    static final Space EMPTY = new Space(Collections.emptySortedMap(), 0);

    OptionalLong version(String key) {
      StoredRecord record = records.get(key);
      return record == null ? OptionalLong.empty() : OptionalLong.of(record.version());
    }

    OptionalLong storedBytes(String key) {
      StoredRecord record = records.get(key);
      return record == null
          ? OptionalLong.empty()
          : OptionalLong.of(Usage.storedBytes(record.value()));
    }

    Usage usage() {
      Usage usage = Usage.ZERO;
      for (StoredRecord record : records.values()) {
        usage = usage.plus(new Usage(Usage.storedBytes(record.value()), 1));
      }
      return usage;
    }
  }

  private final Object lock = new Object();
  private final byte[] pageTokenSecret = PageToken.newSecret();

  /** Every keyspace ever written; replaced whole by each write, never changed in place. */
  private SortedMap<Keyspace, Space> spaces =
      Collections.unmodifiableSortedMap(new TreeMap<>(KeyspaceFilter.ORDER));

  /** The last creation sequence handed out, store-wide. */
  private long lastSequence;

  private boolean closed;

  /** Creates an empty store. */
  public ReferenceStorage() {}

  @Override
  public Optional<StoredRecord> get(Keyspace keyspace, String key) {
    synchronized (lock) {
      return Optional.ofNullable(space(keyspace).records().get(key));
    }
  }

  @Override
  public long globalVersion(Keyspace keyspace) {
    synchronized (lock) {
      return space(keyspace).globalVersion();
    }
  }

  @Override
  public List<KeyVersion> list(Keyspace keyspace, String prefix, long beforeSequence, int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive, was " + limit);
    }
    synchronized (lock) {
      return space(keyspace).records().values().stream()
          .filter(record -> record.key().startsWith(prefix))
          .filter(record -> record.sequence() < beforeSequence)
          .sorted(Comparator.comparingLong(StoredRecord::sequence).reversed())
          .limit(limit)
          .map(record -> new KeyVersion(record.key(), record.version(), record.sequence()))
          .toList();
    }
  }

  @Override
  public <R> R write(Keyspace keyspace, Set<String> keys, WriteDecision<R> decision) {
    synchronized (lock) {
      Space before = space(keyspace);
      WritePlan<R> plan =
          decision.decide(
              WriteView.of(
                  keys,
                  before::version,
                  before::storedBytes,
                  before::globalVersion,
                  before::usage,
                  () -> userUsageLocked(keyspace.userToken())));
      if (plan.isAbort()) {
        return plan.result();
      }
      TreeMap<String, StoredRecord> records = new TreeMap<>(before.records());
      long sequence = lastSequence;
      for (WritePlan.Upsert upsert : plan.upserts()) {
        StoredRecord existing = records.get(upsert.key());
        long recordSequence = existing != null ? existing.sequence() : ++sequence;
        records.put(
            upsert.key(),
            new StoredRecord(upsert.key(), upsert.version(), upsert.value(), recordSequence));
      }
      for (String key : plan.deletes()) {
        records.remove(key);
      }
      long globalVersion = plan.newGlobalVersion().orElse(before.globalVersion());
      TreeMap<Keyspace, Space> next = new TreeMap<>(KeyspaceFilter.ORDER);
      next.putAll(spaces);
      next.put(keyspace, new Space(Collections.unmodifiableSortedMap(records), globalVersion));
      // The commit point: everything above built new values only.
      spaces = Collections.unmodifiableSortedMap(next);
      lastSequence = sequence;
      return plan.result();
    }
  }

  /** True: usage is counted from the records whenever it is asked for. */
  @Override
  public boolean tracksUsage() {
    return true;
  }

  @Override
  public Usage usage(Keyspace keyspace) {
    synchronized (lock) {
      return space(keyspace).usage();
    }
  }

  @Override
  public Usage userUsage(String userToken) {
    synchronized (lock) {
      ensureOpen();
      return userUsageLocked(userToken);
    }
  }

  @Override
  public void checkHealth() {
    synchronized (lock) {
      ensureOpen();
    }
  }

  @Override
  public byte[] pageTokenSecret() {
    synchronized (lock) {
      ensureOpen();
      return pageTokenSecret.clone();
    }
  }

  /** {@code reference}. */
  @Override
  public String name() {
    return "reference";
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
    }
  }

  /** The keyspace's current value (empty if never written); the caller holds the lock. */
  private Space space(Keyspace keyspace) {
    ensureOpen();
    return spaces.getOrDefault(keyspace, Space.EMPTY);
  }

  private Usage userUsageLocked(String userToken) {
    Usage usage = Usage.ZERO;
    for (var entry : spaces.entrySet()) {
      if (entry.getKey().userToken().equals(userToken)) {
        usage = usage.plus(entry.getValue().usage());
      }
    }
    return usage;
  }

  private void ensureOpen() {
    if (closed) {
      throw new StorageException("reference storage is closed");
    }
  }
}
