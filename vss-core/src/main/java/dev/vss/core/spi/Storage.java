package dev.vss.core.spi;

import dev.vss.core.Keyspace;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The seam a storage adapter implements. Adapters own durability, encoding, indexes and batching;
 * they own no VSS rule: every decision about conflicts, versions and validation is made by the core
 * and handed to {@link #write} as a {@link WriteDecision}.
 *
 * <p>Contract, checked by the conformance kit in {@code vss-testkit}:
 *
 * <ol>
 *   <li>All methods are thread-safe.
 *   <li>Reads see every write that returned before they started (read-after-write).
 *   <li>{@link #write} runs its decision on a view that is serialized against all other writes to
 *       the same keyspace, and applies the plan atomically and durably before returning; {@link
 *       #writeAsync} does the same and completes its stage only then.
 *   <li>Faults surface as {@link StorageException}; on a fault nothing of the failed write is
 *       visible, and the store keeps working afterwards if the cause was transient.
 * </ol>
 *
 * <p>Strings are well-formed. Every user token, store id, key and key prefix an adapter receives
 * from the core is a well-formed UTF-16 string: {@code RequestValidation} rejects one holding an
 * unpaired surrogate with INVALID_REQUEST before any storage call (and strings decoded from bytes,
 * such as an export file's, are well-formed by construction). An adapter may therefore encode them
 * with {@code String.getBytes(UTF_8)}, which is injective on well-formed strings, and compare
 * prefixes byte by byte; it needs no defence of its own. Code that calls a {@code Storage}
 * directly, bypassing the core, must keep to the same rule.
 */
public interface Storage extends AutoCloseable {
  /** The record stored under {@code key}, if any. */
  Optional<StoredRecord> get(Keyspace keyspace, String key);

  /** The keyspace's global version; 0 when never set. */
  long globalVersion(Keyspace keyspace);

  /**
   * Up to {@code limit} entries of the keyspace whose key starts with {@code prefix} (a literal
   * prefix: no character is a wildcard) and whose creation sequence is strictly below {@code
   * beforeSequence}, newest creation first.
   *
   * @param prefix literal key prefix; empty matches every key
   * @param beforeSequence exclusive upper bound of the creation sequence; {@link Long#MAX_VALUE}
   *     for the first page
   * @param limit the most entries to return; positive
   */
  List<KeyVersion> list(Keyspace keyspace, String prefix, long beforeSequence, int limit);

  /**
   * Runs {@code decision} on a consistent view of {@code keys} and the global version, serialized
   * against every other write to {@code keyspace}, applies its plan atomically and durably, and
   * returns the plan's result.
   *
   * @param keys every key the decision may read; keys outside this set are not in the view
   */
  <R> R write(Keyspace keyspace, Set<String> keys, WriteDecision<R> decision);

  /**
   * {@link #write}, with its outcome delivered through the returned stage instead of by blocking
   * the caller: for callers that must not wait for a commit, such as the HTTP shell's IO threads,
   * which then answer from the completion.
   *
   * <ol>
   *   <li>The same contract as {@link #write}: the stage completes with the decision's result only
   *       after the plan has been applied atomically and durably; it completes exceptionally with
   *       what {@code write} would have thrown (a {@link StorageException} for a fault, or the
   *       decision's own failure); it never completes before the outcome is known.
   *   <li>It does not throw (short of a {@link VirtualMachineError}): a fault, even one found
   *       before the write was queued, completes the stage exceptionally.
   *   <li>Completions may run on the store's own threads: whatever a caller chains to the stage
   *       must be quick and must not block.
   * </ol>
   *
   * <p>The default runs {@link #write} on the calling thread and returns a completed stage. A store
   * whose writes wait in a queue for a writer thread overrides it to return as soon as the write is
   * queued, and says so with {@link #writesWithoutBlocking}.
   *
   * @param keys every key the decision may read; keys outside this set are not in the view
   */
  default <R> CompletionStage<R> writeAsync(
      Keyspace keyspace, Set<String> keys, WriteDecision<R> decision) {
    try {
      return CompletableFuture.completedFuture(write(keyspace, keys, decision));
    } catch (RuntimeException | Error e) {
      if (e instanceof VirtualMachineError) {
        throw e;
      }
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Whether {@link #writeAsync} returns without blocking its caller (it only queues the write, for
   * a writer thread of the store's), so that it may be called from a thread that must never wait on
   * I/O or locks held across a commit. False by default, where {@code writeAsync} runs the whole
   * write on the calling thread. A wrapper that forwards to another storage forwards both methods
   * or neither: saying true while its {@code writeAsync} is the default would block the caller.
   */
  default boolean writesWithoutBlocking() {
    return false;
  }

  /**
   * Checks that the store can answer requests (used by readiness probes).
   *
   * @throws StorageException if it cannot
   */
  void checkHealth();

  /**
   * A secret of 32 bytes, made once per store from a secure random source and kept with its data,
   * that authenticates page tokens. Every process serving the same data returns the same bytes, and
   * it survives restarts (so a listing continues across restarts and across servers on one
   * database). Returns a copy.
   *
   * <p>{@link #newPageTokenSecret()} makes one. The core never stores or logs it; an adapter must
   * not serve it to clients either. Losing it (a new secret) only invalidates page tokens in
   * flight.
   */
  byte[] pageTokenSecret();

  /**
   * A new secret for {@link #pageTokenSecret()}: 32 bytes from a secure random source. Here, in the
   * SPI, so that an adapter in a module of its own can make one (the rules package that makes page
   * tokens is not exported to it).
   *
   * @return a fresh secret, to be kept with the store's data
   */
  static byte[] newPageTokenSecret() {
    return dev.vss.core.rules.PageToken.newSecret();
  }

  /**
   * Whether this store tracks {@link Usage} (stored bytes and records per keyspace, exactly and
   * durably with the data), so that its write views answer {@link WriteView#storedBytes}, {@link
   * WriteView#keyspaceUsage} and {@link WriteView#userUsage}, and {@link #usage} and {@link
   * #userUsage} work. Quotas need it. False by default.
   */
  default boolean tracksUsage() {
    return false;
  }

  /**
   * The tracked usage of {@code keyspace}: the stored bytes and records every write up to now left
   * in it ({@link Usage#ZERO} for a keyspace never written).
   *
   * @throws UnsupportedOperationException if the store does not {@linkplain #tracksUsage() track
   *     usage}
   */
  default Usage usage(Keyspace keyspace) {
    throw new UnsupportedOperationException(name() + " does not track usage");
  }

  /**
   * The tracked usage of {@code userToken} over all its store ids.
   *
   * @throws UnsupportedOperationException if the store does not {@linkplain #tracksUsage() track
   *     usage}
   */
  default Usage userUsage(String userToken) {
    throw new UnsupportedOperationException(name() + " does not track usage");
  }

  /** A short name for logs and metrics, such as {@code sqlite}. */
  String name();

  /**
   * Reports each committed write transaction to {@code observer} from now on (replacing any earlier
   * one). A store without group commit may ignore it, which is the default.
   */
  default void observeCommits(CommitObserver observer) {}

  /** Flushes and releases every resource; further calls fail. */
  @Override
  void close();
}
