package dev.vss.store.rocksdb;

import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.WriteDecision;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * One caller's write on its way through a keyspace's write queue: what to decide, and later its
 * outcome. The caller's thread parks in {@link #await()} until a batch leader either answers it
 * (after the batch's synced write) or hands it the leadership of the queue.
 *
 * <p>The leader records the decision's outcome with {@link #decided} or {@link #decisionFailed}
 * while it builds the batch, but the caller learns it only from {@link #answer()}, which the leader
 * calls after the batch is durable: an answer, also a conflict, may reveal an earlier write of the
 * same batch, so none is given before the batch is on disk.
 *
 * @param <R> the decision's result type
 */
final class PendingWrite<R> {
  private static final int WAITING = 0;
  private static final int LEAD = 1;
  private static final int DONE = 2;

  final byte[] keyspacePrefix;

  /** The keyspace's user, whose usage the decision may read. */
  final String userToken;

  final Set<String> keys;
  final WriteDecision<R> decision;
  private final Thread caller = Thread.currentThread();

  /** Written by the leader before {@link #state} turns DONE; read by the caller after. */
  private Object result;

  private Throwable failure;
  private volatile int state = WAITING;

  PendingWrite(
      byte[] keyspacePrefix, String userToken, Set<String> keys, WriteDecision<R> decision) {
    this.keyspacePrefix = keyspacePrefix;
    this.userToken = userToken;
    this.keys = keys;
    this.decision = decision;
  }

  /** Records the plan's result, to be answered when the batch has committed. */
  void decided(Object planResult) {
    this.result = planResult;
    this.failure = null;
  }

  /** Records that this write failed on its own (its decision threw); the batch goes on. */
  void decisionFailed(Throwable cause) {
    this.result = null;
    this.failure = cause;
  }

  /** Answers the caller with what was recorded; only after the batch is durable. */
  void answer() {
    finish();
  }

  /** Fails the caller with {@code cause}, whatever was recorded (the batch did not commit). */
  void fail(Throwable cause) {
    this.result = null;
    this.failure = cause;
    finish();
  }

  /** Makes the caller the leader of its queue; its own write is the first of the next batch. */
  void lead() {
    state = LEAD;
    LockSupport.unpark(caller);
  }

  private void finish() {
    state = DONE;
    // A leader answering its own write needs no wake-up (and would leave a stray permit).
    if (caller != Thread.currentThread()) {
      LockSupport.unpark(caller);
    }
  }

  /**
   * Parks until this write is answered or its caller is made leader; returns true for the latter.
   * Does not give up on interrupt (the flag is restored): the write may commit whatever the caller
   * does, so returning early would let a caller believe a committed write failed.
   */
  boolean awaitTurn() {
    boolean interrupted = false;
    int s;
    while ((s = state) == WAITING) {
      LockSupport.park(this);
      if (Thread.interrupted()) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return s == LEAD;
  }

  /** Whether the write has been answered. */
  boolean isDone() {
    return state == DONE;
  }

  /** The answered outcome: the result, or the failure thrown as it is. */
  @SuppressWarnings("unchecked")
  R outcome() {
    Throwable cause = failure;
    if (cause == null) {
      return (R) result;
    }
    if (cause instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    throw new StorageException("RocksDB write failed", cause);
  }
}
