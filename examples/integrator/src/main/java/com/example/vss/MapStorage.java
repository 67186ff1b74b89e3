package com.example.vss;

import dev.vss.core.Keyspace;
import dev.vss.core.spi.KeyVersion;
import dev.vss.core.spi.Storage;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.StoredRecord;
import dev.vss.core.spi.WriteDecision;
import dev.vss.core.spi.WritePlan;
import dev.vss.core.spi.WriteView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * A small VSS {@link Storage}: every keyspace in maps, one lock for the whole store. It holds no
 * VSS rule (the service decides every write through {@link WriteDecision}); it stores records,
 * lists them newest creation first and applies a decided plan atomically. Nothing survives the
 * process, so its tests declare no {@code REOPENABLE} and no {@code DURABLE} capability.
 */
public final class MapStorage implements Storage {
  private final Map<Keyspace, Space> spaces = new HashMap<>();
  private final byte[] pageTokenSecret = Storage.newPageTokenSecret();
  private long lastSequence;
  private boolean closed;

  /** An empty store. */
  public MapStorage() {}

  @Override
  public synchronized Optional<StoredRecord> get(Keyspace keyspace, String key) {
    return Optional.ofNullable(space(keyspace).records.get(key));
  }

  @Override
  public synchronized long globalVersion(Keyspace keyspace) {
    return space(keyspace).globalVersion;
  }

  @Override
  public synchronized List<KeyVersion> list(Keyspace keyspace, String prefix,
      long beforeSequence, int limit) {
    Space space = space(keyspace);
    List<KeyVersion> page = new ArrayList<>();
    for (String key : space.bySequence.headMap(beforeSequence, false).descendingMap().values()) {
      if (page.size() == limit) {
        break;
      }
      if (key.startsWith(prefix)) {
        StoredRecord record = space.records.get(key);
        page.add(new KeyVersion(key, record.version(), record.sequence()));
      }
    }
    return page;
  }

  @Override
  public synchronized <R> R write(Keyspace keyspace, Set<String> keys,
      WriteDecision<R> decision) {
    Space space = spaces.computeIfAbsent(requireOpen(keyspace), k -> new Space());
    WritePlan<R> plan = decision.decide(WriteView.of(keys, key -> {
      StoredRecord record = space.records.get(key);
      return record == null ? OptionalLong.empty() : OptionalLong.of(record.version());
    }, space.globalVersion));
    // The result is the service's, opaque to a store: hand it back unchanged, applied or not.
    if (plan.isAbort()) {
      return plan.result();
    }
    // Upserts in request order get increasing sequences: keys created by one put list in
    // reverse request order, as WritePlan asks.
    for (WritePlan.Upsert upsert : plan.upserts()) {
      StoredRecord existing = space.records.get(upsert.key());
      long sequence = existing != null ? existing.sequence() : ++lastSequence;
      space.records.put(upsert.key(),
          new StoredRecord(upsert.key(), upsert.version(), upsert.value(), sequence));
      space.bySequence.put(sequence, upsert.key());
    }
    for (String key : plan.deletes()) {
      StoredRecord removed = space.records.remove(key);
      if (removed != null) {
        space.bySequence.remove(removed.sequence());
      }
    }
    plan.newGlobalVersion().ifPresent(version -> space.globalVersion = version);
    return plan.result();
  }

  @Override
  public synchronized void checkHealth() {
    requireOpen(null);
  }

  @Override
  public synchronized byte[] pageTokenSecret() {
    requireOpen(null);
    return pageTokenSecret.clone();
  }

  @Override
  public String name() {
    return "map";
  }

  @Override
  public synchronized void close() {
    closed = true;
  }

  private Space space(Keyspace keyspace) {
    return spaces.getOrDefault(requireOpen(keyspace), Space.EMPTY);
  }

  private Keyspace requireOpen(Keyspace keyspace) {
    if (closed) {
      throw new StorageException("the map storage is closed");
    }
    return keyspace;
  }

  /** One keyspace: records by key, keys by creation sequence, the global version. */
  private static final class Space {
    static final Space EMPTY = new Space();

    final Map<String, StoredRecord> records = new HashMap<>();
    final NavigableMap<Long, String> bySequence = new TreeMap<>();
    long globalVersion;
  }
}
