package dev.vss.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
  @Test
  void emptyHistogramReportsZero() {
    LatencyHistogram histogram = new LatencyHistogram();
    assertThat(histogram.count()).isZero();
    assertThat(histogram.percentile(50)).isZero();
    assertThat(histogram.mean()).isZero();
  }

  @Test
  void smallValuesAreExact() {
    LatencyHistogram histogram = new LatencyHistogram();
    for (long v = 1; v <= 100; v++) {
      histogram.record(v);
    }
    assertThat(histogram.percentile(50)).isEqualTo(50);
    assertThat(histogram.percentile(99)).isEqualTo(99);
    assertThat(histogram.percentile(100)).isEqualTo(100);
    assertThat(histogram.mean()).isEqualTo(50.5);
  }

  @Test
  void bucketsTileTheRangeWithoutGapsOrOverlaps() {
    long previousLowest = -1;
    for (int index = 0; index < 60 * 64; index++) {
      long lowest = LatencyHistogram.lowest(index);
      assertThat(lowest).isGreaterThan(previousLowest);
      assertThat(LatencyHistogram.index(lowest)).isEqualTo(index);
      if (index > 0) {
        assertThat(LatencyHistogram.index(lowest - 1)).isEqualTo(index - 1);
      }
      previousLowest = lowest;
      if (lowest > Long.MAX_VALUE / 4) {
        break;
      }
    }
    assertThat(LatencyHistogram.index(Long.MAX_VALUE)).isGreaterThan(0);
  }

  @Test
  void percentilesAreWithinTwoPercentOfTheExactNearestRank() {
    SplittableRandom random = new SplittableRandom(3);
    long[] samples = new long[100_000];
    LatencyHistogram histogram = new LatencyHistogram();
    for (int i = 0; i < samples.length; i++) {
      // log-uniform from 1 µs to 100 ms, like real latencies
      samples[i] = (long) Math.exp(Math.log(1_000) + random.nextDouble() * Math.log(100_000));
      histogram.record(samples[i]);
    }
    Arrays.sort(samples);
    for (double p : new double[] {50, 90, 99, 99.9}) {
      long exact = samples[(int) Math.ceil(p / 100 * samples.length) - 1];
      assertThat(histogram.percentile(p)).as("p%s", p).isCloseTo(exact, within(exact * 0.02));
    }
  }

  @Test
  void mergingAddsCountsAndKeepsTheMaximum() {
    LatencyHistogram a = new LatencyHistogram();
    LatencyHistogram b = new LatencyHistogram();
    a.record(1_000);
    b.record(5_000_000);
    b.record(-5);
    a.add(b);
    assertThat(a.count()).isEqualTo(3);
    assertThat(a.max()).isEqualTo(5_000_000);
    assertThat(a.percentile(100)).isEqualTo(5_000_000);
    assertThat(a.percentile(1)).isZero();
  }
}
