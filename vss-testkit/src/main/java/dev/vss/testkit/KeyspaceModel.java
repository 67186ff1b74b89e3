package dev.vss.testkit;

import dev.vss.core.Keyspace;
import dev.vss.core.Limits;
import dev.vss.core.VssException;
import dev.vss.core.rules.PageToken;
import dev.vss.core.rules.RequestValidation;
import dev.vss.core.rules.VssOperations;
import dev.vss.core.spi.KeyVersion;
import dev.vss.core.spi.Storage;
import dev.vss.core.spi.StoredRecord;
import dev.vss.core.spi.WriteDecision;
import dev.vss.core.spi.WritePlan;
import dev.vss.core.spi.WriteView;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.DeleteObjectResponse;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.GetObjectResponse;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.ListKeyVersionsResponse;
import dev.vss.proto.PutObjectRequest;
import dev.vss.proto.PutObjectResponse;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

/**
 * The reference model: an immutable state machine of one keyspace, {@code (state, request) ->
 * (state', response or error)}. It is the executable definition of SPEC section 4 that every
 * storage adapter is compared with by this kit's property tests ({@link ReferenceEndpoint}) and
 * linearizability checks ({@link KeyspaceSequentialModel}).
 *
 * <p>The model runs the same {@link VssOperations} as {@code VssService}, over the simplest storage
 * that can exist: a map copied on every write. Creation sequences count from 1 within the keyspace.
 * A failed step returns the unchanged state with the error.
 *
 * <p>It is a pure model of one keyspace, not a {@code Storage}: its states are values (the checker
 * memoizes and backtracks over them), and its sequences are per keyspace. The naive reference
 * {@code Storage}, with store-wide sequences and its own lock, is {@link ReferenceStorage}.
 */
public final class KeyspaceModel {
  /**
   * The result of one step.
   *
   * @param state the state after the request (the same state on error)
   * @param response the response, or null on error
   * @param error the error, or null on success
   * @param <T> the response type
   */
  public record Step<T>(KeyspaceModel state, T response, VssException error) {
    /** Whether the request succeeded. */
    public boolean succeeded() {
      return error == null;
    }
  }

  private static final String USER = "model";

  private final VssOperations operations;
  private final Map<String, StoredRecord> records;
  private final long globalVersion;
  private final long lastSequence;

  /**
   * Made by {@link #empty} and kept by every later state, as a store keeps its secret. The model
   * knows one keyspace only (its user is a constant), so a secret of its own is what makes a token
   * from another keyspace's model invalid here, as it is in a real store.
   */
  private final byte[] pageTokenSecret;

  private KeyspaceModel(
      VssOperations operations,
      Map<String, StoredRecord> records,
      long globalVersion,
      long lastSequence,
      byte[] pageTokenSecret) {
    this.operations = operations;
    this.records = records;
    this.globalVersion = globalVersion;
    this.lastSequence = lastSequence;
    this.pageTokenSecret = pageTokenSecret;
  }

  /** An empty keyspace enforcing {@code limits}, with a page-token secret of its own. */
  public static KeyspaceModel empty(Limits limits) {
    return new KeyspaceModel(
        new VssOperations(new RequestValidation(limits)), Map.of(), 0, 0, PageToken.newSecret());
  }

  /** The stored records by key. */
  public Map<String, StoredRecord> records() {
    return records;
  }

  /** The global version. */
  public long globalVersion() {
    return globalVersion;
  }

  /** Applies a getObject. */
  public Step<GetObjectResponse> getObject(GetObjectRequest request) {
    return step(storage -> operations.getObject(storage, USER, request));
  }

  /** Applies a putObjects. */
  public Step<PutObjectResponse> putObjects(PutObjectRequest request) {
    return step(storage -> operations.putObjects(storage, USER, request));
  }

  /** Applies a deleteObject. */
  public Step<DeleteObjectResponse> deleteObject(DeleteObjectRequest request) {
    return step(storage -> operations.deleteObject(storage, USER, request));
  }

  /** Applies a listKeyVersions. */
  public Step<ListKeyVersionsResponse> listKeyVersions(ListKeyVersionsRequest request) {
    return step(storage -> operations.listKeyVersions(storage, USER, request));
  }

  private <T> Step<T> step(Function<Storage, T> operation) {
    Scratch scratch = new Scratch(this);
    try {
      T response = operation.apply(scratch);
      return new Step<>(scratch.state, response, null);
    } catch (VssException e) {
      return new Step<>(this, null, e);
    }
  }

  private KeyspaceModel applied(WritePlan<?> plan) {
    Map<String, StoredRecord> next = new HashMap<>(records);
    long sequence = lastSequence;
    for (WritePlan.Upsert upsert : plan.upserts()) {
      StoredRecord existing = next.get(upsert.key());
      long recordSequence = existing != null ? existing.sequence() : ++sequence;
      next.put(
          upsert.key(),
          new StoredRecord(upsert.key(), upsert.version(), upsert.value(), recordSequence));
    }
    plan.deletes().forEach(next::remove);
    long nextGlobal = plan.newGlobalVersion().orElse(globalVersion);
    return new KeyspaceModel(operations, Map.copyOf(next), nextGlobal, sequence, pageTokenSecret);
  }

  /** A single-keyspace storage whose writes replace the model state it holds. */
  private static final class Scratch implements Storage {
    private KeyspaceModel state;

    Scratch(KeyspaceModel state) {
      this.state = state;
    }

    @Override
    public Optional<StoredRecord> get(Keyspace keyspace, String key) {
      return Optional.ofNullable(state.records.get(key));
    }

    @Override
    public long globalVersion(Keyspace keyspace) {
      return state.globalVersion;
    }

    @Override
    public List<KeyVersion> list(Keyspace keyspace, String prefix, long beforeSequence, int limit) {
      return state.records.values().stream()
          .filter(r -> r.sequence() < beforeSequence && r.key().startsWith(prefix))
          .sorted(Comparator.comparingLong(StoredRecord::sequence).reversed())
          .limit(limit)
          .map(r -> new KeyVersion(r.key(), r.version(), r.sequence()))
          .toList();
    }

    @Override
    public <R> R write(Keyspace keyspace, Set<String> keys, WriteDecision<R> decision) {
      KeyspaceModel before = state;
      WritePlan<R> plan =
          decision.decide(
              WriteView.of(
                  keys,
                  key -> {
                    StoredRecord record = before.records.get(key);
                    return record == null
                        ? OptionalLong.empty()
                        : OptionalLong.of(record.version());
                  },
                  before.globalVersion));
      if (!plan.isAbort()) {
        state = before.applied(plan);
      }
      return plan.result();
    }

    @Override
    public byte[] pageTokenSecret() {
      return state.pageTokenSecret.clone();
    }

    @Override
    public void checkHealth() {}

    @Override
    public String name() {
      return "model";
    }

    @Override
    public void close() {}
  }
}
