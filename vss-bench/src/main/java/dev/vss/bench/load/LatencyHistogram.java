package dev.vss.bench.load;

/**
 * Latencies in nanoseconds, counted in logarithmic buckets: exact below 128 ns, and above that 64
 * buckets per power of two, so a reported percentile is within 1/64 (1.6%) of the true value.
 *
 * <p>Recording is one array increment, with no allocation, so a worker thread can record every
 * operation of a long run in a fixed 30 KiB; one histogram per thread, merged after the run. Not
 * thread-safe.
 */
final class LatencyHistogram {
  /** Sub-buckets per power of two, as a bit count: 2^6 = 64. */
  private static final int SUB_BITS = 6;

  private static final int SUB_COUNT = 1 << SUB_BITS;

  /** Enough buckets for any non-negative long. */
  private static final int BUCKETS = (64 - SUB_BITS) * SUB_COUNT + SUB_COUNT;

  private final long[] counts = new long[BUCKETS];
  private long total;
  private long sum;
  private long max;

  /** Records one latency; negative values (a clock that went backwards) count as 0. */
  void record(long nanos) {
    long value = Math.max(0, nanos);
    counts[index(value)]++;
    total++;
    sum += value;
    max = Math.max(max, value);
  }

  /** Adds every count of {@code other} to this histogram. */
  void add(LatencyHistogram other) {
    for (int i = 0; i < BUCKETS; i++) {
      counts[i] += other.counts[i];
    }
    total += other.total;
    sum += other.sum;
    max = Math.max(max, other.max);
  }

  /** The number of recorded latencies. */
  long count() {
    return total;
  }

  /** The mean latency in nanoseconds, 0 when empty. */
  double mean() {
    return total == 0 ? 0 : (double) sum / total;
  }

  /** The largest recorded latency in nanoseconds, 0 when empty. */
  long max() {
    return max;
  }

  /**
   * The {@code p}-th percentile (nearest rank) in nanoseconds: the middle of the bucket holding the
   * sample of that rank, capped at the largest sample; 0 when empty.
   *
   * @param p between 0 and 100
   */
  double percentile(double p) {
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(p / 100 * total));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.min(max, middle(i));
      }
    }
    return max;
  }

  /**
   * The bucket of {@code value}: the value itself below {@code 2 * SUB_COUNT}; above, the power of
   * two (as the shift that brings the value into {@code [SUB_COUNT, 2 * SUB_COUNT)}) and the top
   * {@code SUB_BITS + 1} bits.
   */
  static int index(long value) {
    if (value < 2 * SUB_COUNT) {
      return (int) value;
    }
    int shift = 63 - Long.numberOfLeadingZeros(value) - SUB_BITS;
    return (shift << SUB_BITS) + (int) (value >>> shift);
  }

  /** The smallest value of bucket {@code index}. */
  static long lowest(int index) {
    if (index < 2 * SUB_COUNT) {
      return index;
    }
    int shift = (index >>> SUB_BITS) - 1;
    long top = index - ((long) shift << SUB_BITS);
    return top << shift;
  }

  /** The middle of bucket {@code index}. */
  static double middle(int index) {
    if (index < 2 * SUB_COUNT) {
      return index;
    }
    int shift = (index >>> SUB_BITS) - 1;
    return lowest(index) + ((1L << shift) - 1) / 2.0;
  }

  @Override
  public String toString() {
    return "LatencyHistogram[count=" + total + ", p50=" + percentile(50) + ", max=" + max + "]";
  }
}
