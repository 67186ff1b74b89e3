package dev.vss.bench.load;

import dev.vss.bench.load.ComparisonResults.Cell;
import dev.vss.bench.load.ComparisonResults.Resources;
import dev.vss.bench.load.ComparisonResults.Scaling;
import java.util.List;
import java.util.Locale;

/**
 * The Markdown report of a {@link ReferenceComparison} run: our stores over HTTP beside the
 * reference's statements, as ratios of medians measured in the same run, then the cells in detail,
 * our server's start-up and memory, and the scaling probe.
 */
final class ComparisonReport {
  /**
   * The PostgreSQL store issue's goals: our puts (many keyspaces) and gets over the reference's.
   */
  static final double PUT_GOAL = 2.0;

  static final double GET_GOAL = 1.0;

  private final ComparisonSettings settings;
  private final ComparisonResults results;
  private final StringBuilder out = new StringBuilder();

  ComparisonReport(ComparisonSettings settings, ComparisonResults results) {
    this.settings = settings;
    this.results = results;
  }

  /** The whole report, with the machine lines first and the closing lines last. */
  String write(List<String> machine, List<String> closing) {
    line("# Our server against the reference's storage statements");
    line("");
    for (String text : machine) {
      line("- " + text);
    }
    line("");
    line("## Throughput at " + settings.connections() + " connections");
    line("");
    line(
        "Requests per second (median of "
            + settings.repeats()
            + " round(s)); in brackets the"
            + " ratio to the reference's statements on PostgreSQL in the same run.");
    line("");
    summary();
    line("");
    goals();
    line("");
    line("## Cells");
    line("");
    cells();
    line("");
    line("## Our server: start-up and memory");
    line("");
    resources();
    if (!results.scaling().isEmpty()) {
      line("");
      line(
          "## Cost from "
              + count(ComparisonSettings.SCALE_SMALL)
              + " to "
              + count(settings.scaleRecords())
              + " records per store");
      line("");
      scaling();
    }
    line("");
    for (String text : closing) {
      line(text);
    }
    return out.toString();
  }

  private void summary() {
    StringBuilder header = new StringBuilder("| target |");
    StringBuilder rule = new StringBuilder("|---|");
    for (ComparisonWorkload workload : ComparisonWorkload.values()) {
      header.append(' ').append(workloadHeading(workload)).append(" |");
      rule.append("---:|");
    }
    line(header.toString());
    line(rule.toString());
    for (String target : results.targets()) {
      StringBuilder row = new StringBuilder("| ").append(targetName(target)).append(" |");
      for (ComparisonWorkload workload : ComparisonWorkload.values()) {
        Cell cell = results.median(target, workload);
        row.append(' ').append(cell == null ? "–" : rate(cell.perSecond()));
        if (cell != null && !target.equals(ComparisonResults.REFERENCE)) {
          row.append(" (**").append(ratio(results.ratio(target, workload))).append("**)");
        }
        row.append(" |");
      }
      line(row.toString());
    }
  }

  private String workloadHeading(ComparisonWorkload workload) {
    return switch (workload) {
      case PUT_MANY -> "durable puts/s, " + count(settings.shape().keyspaces()) + " keyspaces";
      case PUT_ONE -> "durable puts/s, one keyspace";
      case GET -> "gets/s";
    };
  }

  private void goals() {
    if (results.median("postgres", ComparisonWorkload.PUT_MANY) == null
        || results.median(ComparisonResults.REFERENCE, ComparisonWorkload.PUT_MANY) == null) {
      line(
          "Goals of the PostgreSQL store (puts ≥ "
              + ratio(PUT_GOAL)
              + ", gets ≥ "
              + ratio(GET_GOAL)
              + " the reference's statements): not measured in this run.");
      return;
    }
    double puts = results.ratio("postgres", ComparisonWorkload.PUT_MANY);
    double gets = results.ratio("postgres", ComparisonWorkload.GET);
    line(
        "Goals of the PostgreSQL store on the same database server: durable puts/s at least "
            + ratio(PUT_GOAL)
            + " the reference's statements: "
            + verdict(puts, PUT_GOAL)
            + "; gets/s at least "
            + ratio(GET_GOAL)
            + ": "
            + verdict(gets, GET_GOAL)
            + ".");
  }

  /** {@code 2.13× (met)} or {@code 0.80× (not met)}; {@code not measured} for NaN. */
  static String verdict(double measured, double goal) {
    if (Double.isNaN(measured)) {
      return "not measured";
    }
    return ratio(measured) + " (**" + (measured >= goal ? "met" : "not met") + "**)";
  }

  private void cells() {
    line("| target | workload | requests/s | range of rounds | p50 | p99 | failures |");
    line("|---|---|---:|---:|---:|---:|---:|");
    for (String target : results.targets()) {
      for (ComparisonWorkload workload : ComparisonWorkload.values()) {
        Cell median = results.median(target, workload);
        if (median == null) {
          continue;
        }
        List<Cell> rounds = results.rounds(target, workload);
        double low = rounds.stream().mapToDouble(Cell::perSecond).min().orElse(0);
        double high = rounds.stream().mapToDouble(Cell::perSecond).max().orElse(0);
        long failures = rounds.stream().mapToLong(Cell::failures).sum();
        int firstStatus =
            rounds.stream()
                .mapToInt(Cell::firstFailureStatus)
                .filter(s -> s != 0)
                .findFirst()
                .orElse(0);
        line(
            "| "
                + targetName(target)
                + " | "
                + workload.label()
                + " | "
                + rate(median.perSecond())
                + " | "
                + (rounds.size() > 1 ? rate(low) + " – " + rate(high) : "–")
                + " | "
                + LoadReport.micros(median.p50Nanos())
                + " | "
                + LoadReport.micros(median.p99Nanos())
                + " | "
                + (failures == 0 ? "0" : failures + " (status " + firstStatus + ")")
                + " |");
      }
    }
  }

  private void resources() {
    line(
        "| store | round | start-up to `/ready` 200 | RSS idle | heap used / committed idle"
            + " | RSS under load | heap used / committed under load |");
    line("|---|---:|---:|---:|---:|---:|---:|");
    for (String store : settings.stores()) {
      List<Resources> rounds = results.resources(store);
      for (int i = 0; i < rounds.size(); i++) {
        Resources r = rounds.get(i);
        line(
            "| "
                + store
                + " | "
                + (i + 1)
                + " | "
                + String.format(Locale.ROOT, "%.2f s", r.startupSeconds())
                + " | "
                + rss(r.idle())
                + " | "
                + heap(r.idle())
                + " | "
                + rss(r.underLoad())
                + " | "
                + heap(r.underLoad())
                + " |");
      }
    }
  }

  private void scaling() {
    line(
        "One keyspace grown from "
            + count(ComparisonSettings.SCALE_SMALL)
            + " to "
            + count(settings.scaleRecords())
            + " records of 1 KiB; at each size one thread runs each"
            + " operation for "
            + settings.scaleSeconds()
            + " s through `VssService` (no HTTP): a"
            + " durable put overwriting a random key (version -1), a get of a random key, the first"
            + " list page of 100. The ratio is the large size's latency over the small size's.");
    line("");
    line(
        "| store | operation | p50 at "
            + count(ComparisonSettings.SCALE_SMALL)
            + " | p50 at "
            + count(settings.scaleRecords())
            + " | p50 ratio | mean ratio |");
    line("|---|---|---:|---:|---:|---:|");
    for (Scaling s : results.scaling()) {
      line(
          "| "
              + s.store()
              + " | "
              + s.operation()
              + " | "
              + LoadReport.micros(s.small().percentile(50))
              + " | "
              + LoadReport.micros(s.large().percentile(50))
              + " | **"
              + ratio(s.p50Ratio())
              + "** | "
              + ratio(s.meanRatio())
              + " |");
    }
  }

  /** How the report names a target. */
  static String targetName(String target) {
    return target.equals(ComparisonResults.REFERENCE)
        ? "reference's statements on PostgreSQL (JDBC, no HTTP)"
        : "ours over HTTP, " + target;
  }

  /** A rate such as {@code 13,100}. */
  static String rate(double perSecond) {
    return String.format(Locale.ROOT, "%,.0f", perSecond);
  }

  /** A ratio such as {@code 2.05×}; {@code –} for NaN. */
  static String ratio(double ratio) {
    return Double.isNaN(ratio) || Double.isInfinite(ratio)
        ? "–"
        : String.format(Locale.ROOT, "%.2f×", ratio);
  }

  /** A record count, powers of ten as {@code 10^6}. */
  static String count(long n) {
    long power = 1;
    for (int exponent = 0; exponent <= 18; exponent++) {
      if (power == n && exponent >= 3) {
        return "10^" + exponent;
      }
      if (power > Long.MAX_VALUE / 10) {
        break;
      }
      power *= 10;
    }
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String rss(ServerProcess.Memory memory) {
    return memory == null || memory.rssKib() < 0 ? "–" : mib(memory.rssKib());
  }

  private static String heap(ServerProcess.Memory memory) {
    return memory == null || memory.heap() == null
        ? "–"
        : mib(memory.heap().usedKib()) + " / " + mib(memory.heap().committedKib());
  }

  private static String mib(long kib) {
    return String.format(Locale.ROOT, "%.0f MiB", kib / 1024.0);
  }

  private void line(String text) {
    out.append(text).append('\n');
  }
}
