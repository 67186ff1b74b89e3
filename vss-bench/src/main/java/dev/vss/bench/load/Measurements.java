package dev.vss.bench.load;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The results of one run, by scope (the HTTP ceiling, a store over HTTP, a store without HTTP),
 * store, workload and connection count, with the CPU used while each cell ran. A cell measured in
 * several rounds keeps every round; readers get the median.
 */
final class Measurements {
  /** What a cell measured. */
  enum Scope {
    /** The no-op endpoint on the same HTTP stack, measured next to a store's cells. */
    HTTP_CEILING,
    /** The VSS API over HTTP on a store. */
    HTTP,
    /** {@code VssService} on a store, without HTTP. */
    STORAGE_CEILING
  }

  /**
   * One measured cell.
   *
   * @param result the closed-loop result
   * @param cpu the CPU this process and everything else used during the cell (warm-up included)
   */
  record Cell(ClosedLoop.Result result, CpuUse cpu) {
    /** Requests per second. */
    double perSecond() {
      return result.perSecond();
    }

    /**
     * CPU microseconds this process spent per counted request: client, server and store together,
     * the figure that noise from other processes disturbs least.
     */
    double cpuMicrosPerRequest() {
      return result.perSecond() == 0 ? Double.NaN : cpu.processCores() * 1e6 / result.perSecond();
    }
  }

  private final Map<String, List<Cell>> cells = new HashMap<>();

  /** Adds a round of a cell. */
  void add(Scope scope, String store, Workload workload, int connections, Cell cell) {
    cells
        .computeIfAbsent(key(scope, store, workload, connections), k -> new ArrayList<>())
        .add(cell);
  }

  /** The round with the median throughput (the lower middle of an even count), or null. */
  Cell median(Scope scope, String store, Workload workload, int connections) {
    List<Cell> rounds = rounds(scope, store, workload, connections);
    if (rounds.isEmpty()) {
      return null;
    }
    List<Cell> sorted = new ArrayList<>(rounds);
    sorted.sort(Comparator.comparingDouble(Cell::perSecond));
    return sorted.get((sorted.size() - 1) / 2);
  }

  /** Every round of a cell, in the order measured. */
  List<Cell> rounds(Scope scope, String store, Workload workload, int connections) {
    return cells.getOrDefault(key(scope, store, workload, connections), List.of());
  }

  private static String key(Scope scope, String store, Workload workload, int connections) {
    return scope + "/" + store + "/" + workload + "/" + connections;
  }
}
