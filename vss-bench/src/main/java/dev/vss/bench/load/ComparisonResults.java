package dev.vss.bench.load;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one {@link ReferenceComparison} run measured: throughput cells by target (the reference's
 * statements, or one of our stores over HTTP) and workload, every round kept; our server's start-up
 * time and memory per store and round; and the scaling probe's latencies.
 */
final class ComparisonResults {
  /** The target name of the reference's statements. */
  static final String REFERENCE = "reference";

  /**
   * One measured cell.
   *
   * @param perSecond counted requests per second
   * @param p50Nanos median latency
   * @param p99Nanos 99th percentile latency
   * @param failures counted requests whose status was not 200
   * @param firstFailureStatus the status of the first such request, 0 if none
   */
  record Cell(
      double perSecond, double p50Nanos, double p99Nanos, long failures, int firstFailureStatus) {
    /** The cell of a closed-loop result. */
    static Cell of(ClosedLoop.Result result) {
      return new Cell(
          result.perSecond(),
          result.latencies().percentile(50),
          result.latencies().percentile(99),
          result.failures(),
          result.firstFailureStatus());
    }
  }

  /**
   * Our server's start-up and memory in one round.
   *
   * @param startupSeconds process start to the first 200 of {@code /ready}
   * @param idle memory when it became ready, before any request
   * @param underLoad memory read in the middle of a 64-connection put cell
   */
  record Resources(
      double startupSeconds, ServerProcess.Memory idle, ServerProcess.Memory underLoad) {}

  /**
   * The scaling probe's latencies of one store and operation.
   *
   * @param store our store
   * @param operation {@code put}, {@code get} or {@code list page}
   * @param small latencies at {@link ComparisonSettings#SCALE_SMALL} records
   * @param large latencies at the large size
   */
  record Scaling(String store, String operation, LatencyHistogram small, LatencyHistogram large) {
    /** Median latency at the large size over the median at the small size. */
    double p50Ratio() {
      return large.percentile(50) / small.percentile(50);
    }

    /** Mean latency at the large size over the mean at the small size. */
    double meanRatio() {
      return large.mean() / small.mean();
    }
  }

  private final Map<String, Map<ComparisonWorkload, List<Cell>>> cells = new LinkedHashMap<>();
  private final Map<String, List<Resources>> resources = new LinkedHashMap<>();
  private final List<Scaling> scaling = new ArrayList<>();

  /** Adds a round of a cell. */
  void add(String target, ComparisonWorkload workload, Cell cell) {
    cells
        .computeIfAbsent(target, t -> new LinkedHashMap<>())
        .computeIfAbsent(workload, w -> new ArrayList<>())
        .add(cell);
  }

  /** Every round of a cell, in the order measured. */
  List<Cell> rounds(String target, ComparisonWorkload workload) {
    return cells.getOrDefault(target, Map.of()).getOrDefault(workload, List.of());
  }

  /** The round with the median throughput (the lower middle of an even count), or null. */
  Cell median(String target, ComparisonWorkload workload) {
    List<Cell> sorted = new ArrayList<>(rounds(target, workload));
    if (sorted.isEmpty()) {
      return null;
    }
    sorted.sort(Comparator.comparingDouble(Cell::perSecond));
    return sorted.get((sorted.size() - 1) / 2);
  }

  /** Our median over the reference's median, NaN if either is missing. */
  double ratio(String store, ComparisonWorkload workload) {
    Cell ours = median(store, workload);
    Cell reference = median(REFERENCE, workload);
    if (ours == null || reference == null || reference.perSecond() == 0) {
      return Double.NaN;
    }
    return ours.perSecond() / reference.perSecond();
  }

  /** The measured targets, in the order first measured. */
  List<String> targets() {
    return List.copyOf(cells.keySet());
  }

  /** Adds a store's start-up and memory of one round. */
  void addResources(String store, Resources measured) {
    resources.computeIfAbsent(store, s -> new ArrayList<>()).add(measured);
  }

  /** A store's start-up and memory, one per round. */
  List<Resources> resources(String store) {
    return resources.getOrDefault(store, List.of());
  }

  /** Adds a scaling result. */
  void addScaling(Scaling result) {
    scaling.add(result);
  }

  /** The scaling results, in the order measured. */
  List<Scaling> scaling() {
    return List.copyOf(scaling);
  }
}
