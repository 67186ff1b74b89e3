package dev.vss.bench;

import java.util.Arrays;

/** Recorded latencies in nanoseconds, with percentiles; not thread-safe (one per thread). */
final class Latencies {
  private long[] samples;
  private int count;

  Latencies(int expected) {
    samples = new long[Math.max(16, expected)];
  }

  void add(long nanos) {
    if (count == samples.length) {
      samples = Arrays.copyOf(samples, samples.length * 2);
    }
    samples[count++] = nanos;
  }

  /** Adds every sample of {@code other}. */
  void addAll(Latencies other) {
    for (int i = 0; i < other.count; i++) {
      add(other.samples[i]);
    }
  }

  int count() {
    return count;
  }

  /** The {@code p}-th percentile (nearest rank), 0 when empty. */
  double percentile(double p) {
    if (count == 0) {
      return 0;
    }
    long[] sorted = Arrays.copyOf(samples, count);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100 * count);
    return sorted[Math.min(count, Math.max(1, rank)) - 1];
  }

  double mean() {
    if (count == 0) {
      return 0;
    }
    double sum = 0;
    for (int i = 0; i < count; i++) {
      sum += samples[i];
    }
    return sum / count;
  }
}
