package dev.vss.testkit.runner;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The last requests the runner sent and what the server answered, so that a failed scenario's
 * report shows the exchanges that led to it. Cleared when a test starts; keeps the newest few.
 */
final class ExchangeLog {
  private static final int KEPT = 6;
  private static final Deque<String> RECENT = new ArrayDeque<>();

  private ExchangeLog() {}

  static void record(String exchange) {
    synchronized (RECENT) {
      RECENT.addLast(exchange);
      while (RECENT.size() > KEPT) {
        RECENT.removeFirst();
      }
    }
  }

  static void clear() {
    synchronized (RECENT) {
      RECENT.clear();
    }
  }

  /** The recorded exchanges, oldest first. */
  static List<String> recent() {
    synchronized (RECENT) {
      return new ArrayList<>(RECENT);
    }
  }
}
