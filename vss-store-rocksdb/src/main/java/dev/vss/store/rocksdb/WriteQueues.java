package dev.vss.store.rocksdb;

import dev.vss.core.Keyspace;
import java.util.ArrayDeque;

/**
 * The write queues of the store: a fixed array of queues chosen by the user token's hash, each with
 * at most one leader at a time.
 *
 * <p>Writes to one keyspace (indeed to one user) always join the same queue, and only that queue's
 * leader decides and commits them, one batch at a time: that is the serialization the SPI requires.
 * Writes to different keyspaces usually join different queues, whose leaders decide in parallel and
 * whose synced batches RocksDB groups into one WAL fsync. Two keyspaces sharing a queue simply
 * share its batches. A fixed array needs no cleanup, unlike a map of per-keyspace queues, and its
 * memory does not grow with users.
 */
final class WriteQueues {
  private final Queue[] stripes;

  /** Creates {@code stripes} queues; rounded up to a power of two. */
  WriteQueues(int stripes) {
    int size = Integer.highestOneBit(Math.max(1, stripes - 1)) << 1;
    this.stripes = new Queue[size];
    for (int i = 0; i < size; i++) {
      this.stripes[i] = new Queue();
    }
  }

  /**
   * The queue that serializes writes to {@code keyspace}: chosen by the user token alone, so that
   * all of a user's writes, on every store id, are decided by one leader at a time. That keeps the
   * user's usage consistent for quotas; writes of one user are few and batch together anyway.
   */
  Queue of(Keyspace keyspace) {
    int h = keyspace.userToken().hashCode();
    // Spread the high bits into the low ones the mask keeps.
    h ^= h >>> 16;
    return stripes[h & (stripes.length - 1)];
  }

  /**
   * Pending writes of some keyspaces and whether a leader is at work on them. Every method holds
   * the queue's monitor only for a few field updates; deciding and writing happen outside it.
   */
  static final class Queue {
    private final ArrayDeque<PendingWrite<?>> pending = new ArrayDeque<>();
    private boolean leading;

    /**
     * Makes {@code write}'s caller the leader if nobody leads (returns true), else queues it for a
     * leader's next batch (returns false).
     */
    synchronized boolean joinOrLead(PendingWrite<?> write) {
      if (!leading) {
        leading = true;
        return true;
      }
      pending.addLast(write);
      return false;
    }

    /** How many writes wait for a leader's batch (for tests). */
    synchronized int pendingCount() {
      return pending.size();
    }

    /** The next queued write for the leader's batch, or null when none is queued. */
    synchronized PendingWrite<?> next() {
      return pending.pollFirst();
    }

    /**
     * Ends the current leader's turn: the oldest queued write's caller leads next (its write opens
     * the next batch), or the queue becomes leaderless when nothing is queued.
     */
    void handOff() {
      PendingWrite<?> next;
      synchronized (this) {
        next = pending.pollFirst();
        if (next == null) {
          leading = false;
          return;
        }
      }
      next.lead();
    }
  }
}
