package dev.vss.core.memory;

import dev.vss.core.Keyspace;
import dev.vss.core.rules.PageToken;
import dev.vss.core.spi.KeyVersion;
import dev.vss.core.spi.KeyspaceFilter;
import dev.vss.core.spi.Snapshot;
import dev.vss.core.spi.SnapshotKeyspace;
import dev.vss.core.spi.SnapshotSource;
import dev.vss.core.spi.Storage;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.StoredRecord;
import dev.vss.core.spi.Usage;
import dev.vss.core.spi.WriteDecision;
import dev.vss.core.spi.WritePlan;
import dev.vss.core.spi.WriteView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;

/**
 * A thread-safe, non-durable {@link Storage} held in memory: for tests and for embedding where
 * durability comes from elsewhere. Every keyspace has its own read-write lock, so operations on one
 * keyspace are linearizable and reads of different keyspaces never wait for each other; writes also
 * hold their user's monitor, so that the usage it tracks per user is exact under concurrency (a
 * user's writes to different store ids take turns).
 *
 * <p>As a {@link SnapshotSource} (for tests of the export tools: nothing in memory survives to be
 * exported by the command line), a snapshot copies each keyspace under its lock: every keyspace is
 * consistent in itself, but two keyspaces may be copied on either side of a concurrent write.
 */
public final class InMemoryStorage implements Storage, SnapshotSource {
  private final Map<Keyspace, Space> spaces = new ConcurrentHashMap<>();

  /** Each user's usage over its keyspaces; its monitor serializes the user's writes. */
  private final Map<String, UserTotals> users = new ConcurrentHashMap<>();

  private final AtomicLong lastSequence = new AtomicLong();

  /** Lives as long as the data: both go with the instance. */
  private final byte[] pageTokenSecret = PageToken.newSecret();

  private volatile boolean closed;

  /** Creates an empty store. */
  public InMemoryStorage() {}

  @Override
  public Optional<StoredRecord> get(Keyspace keyspace, String key) {
    Space space = existing(keyspace);
    if (space == null) {
      return Optional.empty();
    }
    space.lock.readLock().lock();
    try {
      return Optional.ofNullable(space.records.get(key));
    } finally {
      space.lock.readLock().unlock();
    }
  }

  @Override
  public long globalVersion(Keyspace keyspace) {
    Space space = existing(keyspace);
    if (space == null) {
      return 0;
    }
    space.lock.readLock().lock();
    try {
      return space.globalVersion;
    } finally {
      space.lock.readLock().unlock();
    }
  }

  @Override
  public List<KeyVersion> list(Keyspace keyspace, String prefix, long beforeSequence, int limit) {
    Space space = existing(keyspace);
    if (space == null) {
      return List.of();
    }
    space.lock.readLock().lock();
    try {
      List<KeyVersion> page = new ArrayList<>(Math.min(limit, 128));
      for (String key : space.bySequence.headMap(beforeSequence, false).descendingMap().values()) {
        if (key.startsWith(prefix)) {
          // Under the read lock the two maps agree: every key in bySequence has its record.
          StoredRecord record = Objects.requireNonNull(space.records.get(key), key);
          page.add(new KeyVersion(key, record.version(), record.sequence()));
          if (page.size() == limit) {
            break;
          }
        }
      }
      return page;
    } finally {
      space.lock.readLock().unlock();
    }
  }

  /**
   * {@inheritDoc} Takes the user's monitor, then the keyspace's write lock: a user's writes are
   * serialized over all its store ids, so the view's user usage is exact (an uncontended monitor
   * costs next to nothing).
   */
  @Override
  public <R> R write(Keyspace keyspace, Set<String> keys, WriteDecision<R> decision) {
    ensureOpen();
    UserTotals user = users.computeIfAbsent(keyspace.userToken(), u -> new UserTotals());
    synchronized (user) {
      Space space = spaces.computeIfAbsent(keyspace, k -> new Space());
      space.lock.writeLock().lock();
      try {
        WritePlan<R> plan =
            decision.decide(
                WriteView.of(
                    keys,
                    key -> {
                      StoredRecord record = space.records.get(key);
                      return record == null
                          ? OptionalLong.empty()
                          : OptionalLong.of(record.version());
                    },
                    key -> storedBytes(space, key),
                    () -> space.globalVersion,
                    () -> space.usage,
                    () -> user.usage));
        if (!plan.isAbort()) {
          Usage change = Usage.change(plan, key -> storedBytes(space, key));
          for (WritePlan.Upsert upsert : plan.upserts()) {
            StoredRecord existing = space.records.get(upsert.key());
            long sequence = existing != null ? existing.sequence() : lastSequence.incrementAndGet();
            space.records.put(
                upsert.key(),
                new StoredRecord(upsert.key(), upsert.version(), upsert.value(), sequence));
            if (existing == null) {
              space.bySequence.put(sequence, upsert.key());
            }
          }
          for (String key : plan.deletes()) {
            StoredRecord removed = space.records.remove(key);
            if (removed != null) {
              space.bySequence.remove(removed.sequence());
            }
          }
          plan.newGlobalVersion().ifPresent(v -> space.globalVersion = v);
          space.usage = space.usage.plus(change);
          user.usage = user.usage.plus(change);
        }
        return plan.result();
      } finally {
        space.lock.writeLock().unlock();
      }
    }
  }

  private static OptionalLong storedBytes(Space space, String key) {
    StoredRecord record = space.records.get(key);
    return record == null
        ? OptionalLong.empty()
        : OptionalLong.of(Usage.storedBytes(record.value()));
  }

  /** True: usage is kept per keyspace and per user, updated with every write. */
  @Override
  public boolean tracksUsage() {
    return true;
  }

  @Override
  public Usage usage(Keyspace keyspace) {
    Space space = existing(keyspace);
    if (space == null) {
      return Usage.ZERO;
    }
    space.lock.readLock().lock();
    try {
      return space.usage;
    } finally {
      space.lock.readLock().unlock();
    }
  }

  @Override
  public Usage userUsage(String userToken) {
    ensureOpen();
    UserTotals user = users.get(userToken);
    if (user == null) {
      return Usage.ZERO;
    }
    synchronized (user) {
      return user.usage;
    }
  }

  /** {@inheritDoc} Copies the selected keyspaces at once; see the class doc for consistency. */
  @Override
  public Snapshot openSnapshot(KeyspaceFilter filter) {
    ensureOpen();
    TreeSet<Keyspace> selected = new TreeSet<>(KeyspaceFilter.ORDER);
    spaces.keySet().stream().filter(filter::matches).forEach(selected::add);
    List<SnapshotKeyspace> keyspaces = new ArrayList<>();
    List<List<StoredRecord>> records = new ArrayList<>();
    for (Keyspace keyspace : selected) {
      // Keyspaces are only ever added to the map, never removed.
      Space space = Objects.requireNonNull(spaces.get(keyspace), "selected keyspace");
      space.lock.readLock().lock();
      try {
        List<StoredRecord> copy = new ArrayList<>(space.bySequence.size());
        space.bySequence.values().forEach(key -> copy.add(space.records.get(key)));
        if (copy.isEmpty() && space.globalVersion == 0) {
          continue;
        }
        keyspaces.add(new SnapshotKeyspace(keyspace, space.globalVersion));
        records.add(copy);
      } finally {
        space.lock.readLock().unlock();
      }
    }
    return new Snapshot() {
      private int next;
      private @Nullable Iterator<StoredRecord> current;

      @Override
      public Optional<SnapshotKeyspace> nextKeyspace() {
        if (next == keyspaces.size()) {
          current = null;
          return Optional.empty();
        }
        current = records.get(next).iterator();
        return Optional.of(keyspaces.get(next++));
      }

      @Override
      public Optional<StoredRecord> nextRecord() {
        return current != null && current.hasNext()
            ? Optional.of(current.next())
            : Optional.empty();
      }

      @Override
      public void close() {
        current = null;
      }
    };
  }

  /** {@code memory}. */
  @Override
  public String kind() {
    return name();
  }

  @Override
  public void checkHealth() {
    ensureOpen();
  }

  @Override
  public byte[] pageTokenSecret() {
    ensureOpen();
    return pageTokenSecret.clone();
  }

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public void close() {
    closed = true;
  }

  private @Nullable Space existing(Keyspace keyspace) {
    ensureOpen();
    return spaces.get(keyspace);
  }

  private void ensureOpen() {
    if (closed) {
      throw new StorageException("in-memory storage is closed");
    }
  }

  /** One keyspace: its records, its creation-order index and its global version. */
  private static final class Space {
    final ReadWriteLock lock = new ReentrantReadWriteLock();
    final Map<String, StoredRecord> records = new HashMap<>();
    final NavigableMap<Long, String> bySequence = new TreeMap<>();
    long globalVersion;
    Usage usage = Usage.ZERO;
  }

  /** One user's usage over all its keyspaces; guarded by its own monitor. */
  private static final class UserTotals {
    Usage usage = Usage.ZERO;
  }
}
