package dev.vss.store.sqlite;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.vss.core.Keyspace;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.WriteDecision;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One caller's write waiting for the writer thread: what to decide, and the future the caller
 * blocks on. The writer completes the future only after the transaction holding the write has
 * committed (or failed).
 *
 * @param <R> the decision's result type
 */
final class WriteRequest<R> implements WriterTask {
  final Set<String> keys;
  final WriteDecision<R> decision;
  final byte[] userToken;
  final byte[] storeId;

  /** The UTF-8 bytes of every declared key. */
  final Map<String, byte[]> encodedKeys;

  private final CompletableFuture<R> outcome = new CompletableFuture<>();

  /**
   * Encodes the keyspace and keys on the caller's thread, so that a batch's writer thread only runs
   * SQL.
   */
  WriteRequest(Keyspace keyspace, Set<String> keys, WriteDecision<R> decision) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.decision = Objects.requireNonNull(decision, "decision");
    this.userToken = keyspace.userToken().getBytes(UTF_8);
    this.storeId = keyspace.storeId().getBytes(UTF_8);
    this.encodedKeys = new HashMap<>(keys.size() * 2);
    for (String key : keys) {
      encodedKeys.put(key, key.getBytes(UTF_8));
    }
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
