package dev.vss.testkit;

import dev.vss.core.Keyspace;
import dev.vss.core.rules.PageToken;
import dev.vss.core.rules.WriteOutcome;
import dev.vss.core.spi.KeyVersion;
import dev.vss.core.spi.Storage;
import dev.vss.core.spi.StoredRecord;
import dev.vss.core.spi.WriteDecision;
import dev.vss.core.spi.WritePlan;
import dev.vss.core.spi.WriteView;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A storage with one deliberate, realistic adapter bug, used to prove that the kit's suites fail
 * when they should. Each {@link Flaw} is a mistake an adapter author could plausibly make.
 */
final class SabotagedStorage implements Storage {
  /** The bug this storage has. */
  enum Flaw {
    /** Applies writes but drops every delete of a plan. */
    IGNORES_DELETES,
    /** Lists each page oldest creation first. */
    LISTS_OLDEST_FIRST,
    /** Matches prefixes like SQL LIKE: {@code _} and {@code %} are wildcards, case is ignored. */
    LIKE_PREFIX,
    /** Never stores a new global version. */
    FORGETS_GLOBAL_VERSION,
    /** Gives an updated key a new creation sequence (delete and insert instead of update). */
    NEW_SEQUENCE_ON_UPDATE,
    /** Stores every key of a user in one space under {@code storeId + key}. */
    JOINS_STORE_AND_KEY,
    /** Decides on versions read before the keyspace is locked (lost updates under races). */
    UNSERIALIZED_WRITES,
    /** Makes a new page-token secret on every call instead of keeping one with the data. */
    NEW_TOKEN_SECRET_PER_CALL,
    /** Uses one well-known page-token secret (all zeros) for every store. */
    ZERO_TOKEN_SECRET,
    /**
     * Serializes writes but applies a plan one item at a time, each its own commit, so readers can
     * see a multi-item put half applied (torn visibility).
     */
    TORN_VISIBILITY,
    /**
     * Decides a delete-only plan (deleteObject) on versions read before the keyspace is locked,
     * then deletes whatever is stored: a conditional delete wipes an update that raced it (a lost
     * update under contention).
     */
    LOST_UPDATE_ON_DELETE
  }

  private final Storage data;
  private final Flaw flaw;
  private final Map<Keyspace, ReentrantLock> writeLocks = new ConcurrentHashMap<>();

  SabotagedStorage(Storage data, Flaw flaw) {
    this.data = data;
    this.flaw = flaw;
  }

  @Override
  public Optional<StoredRecord> get(Keyspace keyspace, String key) {
    if (flaw == Flaw.JOINS_STORE_AND_KEY) {
      return data.get(joined(keyspace), keyspace.storeId() + key)
          .map(
              r ->
                  new StoredRecord(
                      r.key().substring(keyspace.storeId().length()),
                      r.version(),
                      r.value(),
                      r.sequence()));
    }
    return data.get(keyspace, key);
  }

  @Override
  public long globalVersion(Keyspace keyspace) {
    return data.globalVersion(flaw == Flaw.JOINS_STORE_AND_KEY ? joined(keyspace) : keyspace);
  }

  @Override
  public List<KeyVersion> list(Keyspace keyspace, String prefix, long beforeSequence, int limit) {
    switch (flaw) {
      case LISTS_OLDEST_FIRST -> {
        List<KeyVersion> page = new ArrayList<>(data.list(keyspace, prefix, beforeSequence, limit));
        Collections.reverse(page);
        return page;
      }
      case LIKE_PREFIX -> {
        Pattern like = likePattern(prefix);
        return data.list(keyspace, "", beforeSequence, Integer.MAX_VALUE).stream()
            .filter(entry -> like.matcher(entry.key().toLowerCase(Locale.ROOT)).matches())
            .limit(limit)
            .toList();
      }
      case JOINS_STORE_AND_KEY -> {
        int strip = keyspace.storeId().length();
        return data
            .list(joined(keyspace), keyspace.storeId() + prefix, beforeSequence, limit)
            .stream()
            .map(e -> new KeyVersion(e.key().substring(strip), e.version(), e.sequence()))
            .toList();
      }
      default -> {
        return data.list(keyspace, prefix, beforeSequence, limit);
      }
    }
  }

  @Override
  public <R> R write(Keyspace keyspace, Set<String> keys, WriteDecision<R> decision) {
    return switch (flaw) {
      case IGNORES_DELETES ->
          data.write(
              keyspace,
              keys,
              view -> {
                WritePlan<R> plan = decision.decide(view);
                return plan.isAbort()
                    ? plan
                    : WritePlan.apply(
                        plan.upserts(), List.of(), plan.newGlobalVersion(), plan.result());
              });
      case FORGETS_GLOBAL_VERSION ->
          data.write(
              keyspace,
              keys,
              view -> {
                WritePlan<R> plan = decision.decide(view);
                return plan.isAbort()
                    ? plan
                    : WritePlan.apply(
                        plan.upserts(), plan.deletes(), OptionalLong.empty(), plan.result());
              });
      case NEW_SEQUENCE_ON_UPDATE -> newSequenceOnUpdate(keyspace, keys, decision);
      case JOINS_STORE_AND_KEY -> joinedWrite(keyspace, keys, decision);
      case UNSERIALIZED_WRITES -> {
        WriteView early = data.write(keyspace, keys, view -> WritePlan.abort(copy(view, keys)));
        LockSupport.parkNanos(200_000); // widen the window other writers slip through
        yield data.write(keyspace, keys, view -> decision.decide(early));
      }
      case TORN_VISIBILITY -> tornWrite(keyspace, keys, decision);
      case LOST_UPDATE_ON_DELETE -> {
        WriteView early = data.write(keyspace, keys, view -> WritePlan.abort(copy(view, keys)));
        WritePlan<R> plan = decision.decide(early);
        if (plan.isAbort() || !plan.upserts().isEmpty() || plan.newGlobalVersion().isPresent()) {
          yield data.write(keyspace, keys, decision);
        }
        LockSupport.parkNanos(200_000); // widen the window other writers slip through
        yield data.write(keyspace, keys, view -> plan);
      }
      default -> data.write(keyspace, keys, decision);
    };
  }

  private <R> R tornWrite(Keyspace keyspace, Set<String> keys, WriteDecision<R> decision) {
    ReentrantLock lock = writeLocks.computeIfAbsent(keyspace, k -> new ReentrantLock());
    lock.lock();
    try {
      WriteView view = data.write(keyspace, keys, current -> WritePlan.abort(copy(current, keys)));
      WritePlan<R> plan = decision.decide(view);
      if (plan.isAbort()) {
        return plan.result();
      }
      // Each item its own commit, as an adapter that forgot its transaction would do.
      for (WritePlan.Upsert upsert : plan.upserts()) {
        applyAlone(keyspace, List.of(upsert), List.of(), OptionalLong.empty());
      }
      for (String key : plan.deletes()) {
        applyAlone(keyspace, List.of(), List.of(key), OptionalLong.empty());
      }
      if (plan.newGlobalVersion().isPresent()) {
        applyAlone(keyspace, List.of(), List.of(), plan.newGlobalVersion());
      }
      return plan.result();
    } finally {
      lock.unlock();
    }
  }

  private void applyAlone(
      Keyspace keyspace,
      List<WritePlan.Upsert> upserts,
      List<String> deletes,
      OptionalLong globalVersion) {
    Set<String> keys = new HashSet<>(deletes);
    upserts.forEach(upsert -> keys.add(upsert.key()));
    data.write(
        keyspace,
        keys,
        view -> WritePlan.apply(upserts, deletes, globalVersion, WriteOutcome.APPLIED));
    Thread.yield();
  }

  @Override
  public byte[] pageTokenSecret() {
    return switch (flaw) {
      case NEW_TOKEN_SECRET_PER_CALL -> PageToken.newSecret();
      case ZERO_TOKEN_SECRET -> new byte[PageToken.SECRET_BYTES];
      default -> data.pageTokenSecret();
    };
  }

  @Override
  public void checkHealth() {
    data.checkHealth();
  }

  @Override
  public String name() {
    return "sabotaged (" + flaw + ") " + data.name();
  }

  @Override
  public void close() {
    data.close();
  }

  private <R> R newSequenceOnUpdate(
      Keyspace keyspace, Set<String> keys, WriteDecision<R> decision) {
    List<WritePlan<R>> decided = new ArrayList<>();
    List<String> updated = new ArrayList<>();
    // First delete every key the plan updates, then insert it again: a new sequence each time.
    data.write(
        keyspace,
        keys,
        view -> {
          WritePlan<R> plan = decision.decide(view);
          decided.add(plan);
          if (plan.isAbort()) {
            return plan;
          }
          plan.upserts().stream()
              .map(WritePlan.Upsert::key)
              .filter(key -> view.version(key).isPresent())
              .forEach(updated::add);
          return WritePlan.apply(List.of(), updated, OptionalLong.empty(), plan.result());
        });
    WritePlan<R> plan = decided.get(decided.size() - 1);
    if (plan.isAbort()) {
      return plan.result();
    }
    return data.write(keyspace, keys, view -> plan);
  }

  private <R> R joinedWrite(Keyspace keyspace, Set<String> keys, WriteDecision<R> decision) {
    String store = keyspace.storeId();
    Set<String> joinedKeys = keys.stream().map(k -> store + k).collect(Collectors.toSet());
    return data.write(
        joined(keyspace),
        joinedKeys,
        view -> {
          WritePlan<R> plan =
              decision.decide(
                  WriteView.of(keys, key -> view.version(store + key), view.globalVersion()));
          if (plan.isAbort()) {
            return plan;
          }
          return WritePlan.apply(
              plan.upserts().stream()
                  .map(u -> new WritePlan.Upsert(store + u.key(), u.version(), u.value()))
                  .toList(),
              plan.deletes().stream().map(k -> store + k).toList(),
              plan.newGlobalVersion(),
              plan.result());
        });
  }

  private static Keyspace joined(Keyspace keyspace) {
    return new Keyspace(keyspace.userToken(), "");
  }

  private static WriteView copy(WriteView view, Set<String> keys) {
    Map<String, OptionalLong> versions = new HashMap<>();
    keys.forEach(key -> versions.put(key, view.version(key)));
    return WriteView.of(keys, versions::get, view.globalVersion());
  }

  private static Pattern likePattern(String prefix) {
    StringBuilder regex = new StringBuilder();
    for (char c : prefix.toLowerCase(Locale.ROOT).toCharArray()) {
      switch (c) {
        case '_' -> regex.append('.');
        case '%' -> regex.append(".*");
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.append(".*").toString(), Pattern.DOTALL);
  }
}
