package dev.vss.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vss.bench.load.ComparisonResults.Cell;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonReportTest {
  private static Cell cell(double perSecond) {
    return new Cell(perSecond, 1_500_000, 9_000_000, 0, 0);
  }

  private static ComparisonSettings settings(String... args) {
    return ComparisonSettings.parse(args);
  }

  @Test
  void ratiosAreOursOverTheReferenceMedianOfTheSameRun() {
    ComparisonResults results = new ComparisonResults();
    for (double rate : new double[] {10_000, 13_000, 12_000}) {
      results.add(ComparisonResults.REFERENCE, ComparisonWorkload.PUT_MANY, cell(rate));
    }
    for (double rate : new double[] {30_000, 24_000, 20_000}) {
      results.add("postgres", ComparisonWorkload.PUT_MANY, cell(rate));
    }
    assertThat(results.median(ComparisonResults.REFERENCE, ComparisonWorkload.PUT_MANY).perSecond())
        .isEqualTo(12_000);
    assertThat(results.ratio("postgres", ComparisonWorkload.PUT_MANY)).isEqualTo(2.0);
    assertThat(results.ratio("postgres", ComparisonWorkload.GET)).isNaN();
  }

  @Test
  void theMedianOfAnEvenCountIsTheLowerMiddle() {
    ComparisonResults results = new ComparisonResults();
    results.add("sqlite", ComparisonWorkload.GET, cell(4));
    results.add("sqlite", ComparisonWorkload.GET, cell(1));
    assertThat(results.median("sqlite", ComparisonWorkload.GET).perSecond()).isEqualTo(1);
  }

  @Test
  void theReportShowsRatesRatiosAndTheGoalsVerdicts() {
    ComparisonResults results = new ComparisonResults();
    results.add(ComparisonResults.REFERENCE, ComparisonWorkload.PUT_MANY, cell(13_100));
    results.add(ComparisonResults.REFERENCE, ComparisonWorkload.PUT_ONE, cell(8_000));
    results.add(ComparisonResults.REFERENCE, ComparisonWorkload.GET, cell(71_800));
    results.add("postgres", ComparisonWorkload.PUT_MANY, cell(26_200));
    results.add("postgres", ComparisonWorkload.PUT_ONE, cell(4_000));
    results.add("postgres", ComparisonWorkload.GET, cell(35_900));
    results.addResources(
        "postgres",
        new ComparisonResults.Resources(
            1.25,
            new ServerProcess.Memory(102_400, new ServerProcess.Heap(20_480, 262_144)),
            new ServerProcess.Memory(307_200, null)));
    String report =
        new ComparisonReport(settings("--stores", "postgres"), results)
            .write(List.of("Date: today"), List.of("Total run time: 1 s"));
    assertThat(report)
        .contains(
            "| reference's statements on PostgreSQL (JDBC, no HTTP) | 13,100 | 8,000 |"
                + " 71,800 |")
        .contains(
            "| ours over HTTP, postgres | 26,200 (**2.00×**) | 4,000 (**0.50×**) |"
                + " 35,900 (**0.50×**) |")
        .contains("durable puts/s at least 2.00× the reference's statements: 2.00× (**met**)")
        .contains("gets/s at least 1.00×: 0.50× (**not met**)")
        .contains("| postgres | 1 | 1.25 s | 100 MiB | 20 MiB / 256 MiB | 300 MiB | – |")
        .contains("| ours over HTTP, postgres | get | 35,900 | – | 1.50 ms | 9.00 ms | 0 |")
        .startsWith("# ")
        .contains("- Date: today")
        .endsWith("Total run time: 1 s\n")
        .doesNotContain("Cost from");
  }

  @Test
  void goalsAreNotClaimedWithoutThePostgresStore() {
    ComparisonResults results = new ComparisonResults();
    results.add(ComparisonResults.REFERENCE, ComparisonWorkload.PUT_MANY, cell(13_100));
    results.add("sqlite", ComparisonWorkload.PUT_MANY, cell(26_200));
    String report =
        new ComparisonReport(settings("--stores", "sqlite"), results).write(List.of(), List.of());
    assertThat(report).contains("not measured in this run").doesNotContain("(**met**)");
  }

  @Test
  void scalingRowsShowTheLargeSizeOverTheSmall() {
    ComparisonResults results = new ComparisonResults();
    LatencyHistogram small = new LatencyHistogram();
    LatencyHistogram large = new LatencyHistogram();
    for (int i = 0; i < 100; i++) {
      small.record(100_000);
      large.record(300_000);
    }
    results.addScaling(new ComparisonResults.Scaling("rocksdb", "get", small, large));
    String report =
        new ComparisonReport(settings("--stores", "rocksdb"), results).write(List.of(), List.of());
    assertThat(report)
        .contains("## Cost from 10^3 to 10^6 records per store")
        .containsPattern(
            "\\| rocksdb \\| get \\| 10\\d µs \\| 30\\d µs \\| \\*\\*3\\.00×\\*\\* \\|"
                + " 3\\.00× \\|");
  }

  @Test
  void formatsCountsRatiosAndVerdicts() {
    assertThat(ComparisonReport.count(1000)).isEqualTo("10^3");
    assertThat(ComparisonReport.count(1_000_000)).isEqualTo("10^6");
    assertThat(ComparisonReport.count(250_000)).isEqualTo("250,000");
    assertThat(ComparisonReport.count(10)).isEqualTo("10");
    assertThat(ComparisonReport.ratio(Double.NaN)).isEqualTo("–");
    assertThat(ComparisonReport.ratio(1.999)).isEqualTo("2.00×");
    assertThat(ComparisonReport.verdict(1.99, 2.0)).isEqualTo("1.99× (**not met**)");
    assertThat(ComparisonReport.verdict(Double.NaN, 2.0)).isEqualTo("not measured");
  }
}
