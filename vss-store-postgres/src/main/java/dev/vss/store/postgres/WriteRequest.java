package dev.vss.store.postgres;

import dev.vss.core.Keyspace;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.WriteDecision;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * One caller's write waiting for a writer thread. The writer completes it only after the
 * transaction holding it has committed (or failed).
 *
 * @param <R> the decision's result type
 */
final class WriteRequest<R> {
  final Set<String> keys;
  final WriteDecision<R> decision;

  /** The stored forms of the user token and store id. */
  final String userToken;

  final String storeId;

  /** The stored form of every declared key. */
  final Map<String, String> storedKeys;

  private final CompletableFuture<R> outcome = new CompletableFuture<>();

  /**
   * Encodes the keyspace and keys on the caller's thread, so that a batch's writer thread only runs
   * SQL.
   */
  WriteRequest(Keyspace keyspace, Set<String> keys, WriteDecision<R> decision) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.decision = Objects.requireNonNull(decision, "decision");
    this.userToken = TextCodec.encode(keyspace.userToken());
    this.storeId = TextCodec.encode(keyspace.storeId());
    this.storedKeys = new LinkedHashMap<>(keys.size() * 2);
    for (String key : keys) {
      storedKeys.put(key, TextCodec.encode(key));
    }
  }

  /**
   * The advisory lock id of this request's keyspace: a 64-bit FNV-1a hash of the stored user token
   * and store id. Stored forms hold no NUL, so NUL separates them unambiguously; two keyspaces
   * sharing an id only serialize each other's writes.
   */
  long lockId() {
    return lockId(userToken, storeId);
  }

  /**
   * The advisory lock id of a keyspace, from its stored (encoded) user token and store id: every
   * writer of the keyspace, in every process, takes this lock (bulk loads too).
   */
  static long lockId(String userToken, String storeId) {
    long hash = 0xcbf29ce484222325L;
    hash = fnv(hash, userToken);
    hash = (hash ^ 0) * 0x100000001b3L;
    return fnv(hash, storeId);
  }

  /**
   * The advisory lock id of a user's usage, from its stored user token: writes whose decision reads
   * usage take it beside their keyspace lock, so that a user's quota is checked by one write at a
   * time over all its store ids. A tag no stored user token starts the hash with keeps these ids
   * apart from keyspace ids (a collision would only serialize more).
   */
  static long userLockId(String userToken) {
    long hash = 0xcbf29ce484222325L;
    hash = fnv(hash, "\uFFFFusage\uFFFF");
    return fnv(hash, userToken);
  }

  private static long fnv(long hash, String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      hash = (hash ^ (c & 0xff)) * 0x100000001b3L;
      hash = (hash ^ (c >>> 8)) * 0x100000001b3L;
    }
    return hash;
  }

  /**
   * The outcome as the caller sees it: completed by the writer thread once the transaction holding
   * this write has committed (or failed). A view, so the caller cannot complete it.
   */
  CompletionStage<R> outcome() {
    return outcome.minimalCompletionStage();
  }

  /** Completes the caller's write with the decision's result. */
  @SuppressWarnings("unchecked")
  void succeed(Object result) {
    outcome.complete((R) result);
  }

  /** Fails the caller's write with {@code cause}, thrown as it is to the caller. */
  void fail(Throwable cause) {
    outcome.completeExceptionally(cause);
  }

  /**
   * Waits for the outcome without giving up on interrupt: the write may commit whatever the caller
   * does, so answering early would make the caller believe a committed write failed.
   */
  R await() {
    try {
      return outcome.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new StorageException("write failed", cause);
    }
  }
}
