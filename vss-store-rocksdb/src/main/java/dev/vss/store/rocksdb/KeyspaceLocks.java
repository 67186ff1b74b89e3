package dev.vss.store.rocksdb;

import dev.vss.core.Keyspace;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serializes writes per keyspace with a fixed array of locks chosen by the keyspace's hash.
 *
 * <p>Writes to one keyspace always take the same lock, which is what the SPI requires; writes to
 * different keyspaces usually take different locks, so their syncs overlap and RocksDB groups them
 * into one WAL fsync. Two keyspaces that share a stripe merely wait for each other. A fixed array
 * needs no cleanup, unlike a map of per-keyspace locks, and its memory does not grow with users.
 */
final class KeyspaceLocks {
  private final ReentrantLock[] stripes;

  /** Creates {@code stripes} locks; rounded up to a power of two. */
  KeyspaceLocks(int stripes) {
    int size = Integer.highestOneBit(Math.max(1, stripes - 1)) << 1;
    this.stripes = new ReentrantLock[size];
    for (int i = 0; i < size; i++) {
      this.stripes[i] = new ReentrantLock();
    }
  }

  /** The lock that serializes writes to {@code keyspace}. */
  ReentrantLock of(Keyspace keyspace) {
    int h = keyspace.hashCode();
    // Spread the high bits into the low ones the mask keeps.
    h ^= h >>> 16;
    return stripes[h & (stripes.length - 1)];
  }
}
