package dev.vss.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of request-body buffers held across the whole server, with a cap. A request reserves
 * buffer capacity as its body arrives (never the declared length up front) and releases it when its
 * exchange completes, so a stalled client holds only what it actually sent, and all bodies together
 * never hold more than the cap.
 */
final class BodyBudget {
  private final long capacity;
  private final AtomicLong used = new AtomicLong();

  BodyBudget(long capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive, was " + capacity);
    }
    this.capacity = capacity;
  }

  /** The cap in bytes. */
  long capacity() {
    return capacity;
  }

  /** Bytes reserved now. */
  long used() {
    return used.get();
  }

  /** Whether {@code bytes} more would fit now (a check, not a reservation). */
  boolean wouldFit(long bytes) {
    return used.get() + bytes <= capacity;
  }

  /** Reserves {@code bytes} if they fit under the cap. */
  boolean tryReserve(long bytes) {
    long current;
    do {
      current = used.get();
      if (current + bytes > capacity) {
        return false;
      }
    } while (!used.compareAndSet(current, current + bytes));
    return true;
  }

  /** Gives back {@code bytes} reserved earlier. */
  void release(long bytes) {
    used.addAndGet(-bytes);
  }
}
