package dev.vss.bench.load;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The results of one run, by scope (the HTTP ceiling, or a store over HTTP, or a store without
 * HTTP), workload and connection count, with the CPU used while each cell ran.
 */
final class Measurements {
  /** What a cell measured. */
  enum Scope {
    /** The no-op endpoint on the same HTTP stack. */
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
  record Cell(ClosedLoop.Result result, CpuUse cpu) {}

  private final Map<String, Cell> cells = new LinkedHashMap<>();

  /** Records a cell; {@code store} is ignored for the HTTP ceiling. */
  void put(Scope scope, String store, Workload workload, int connections, Cell cell) {
    cells.put(key(scope, store, workload, connections), cell);
  }

  /** The cell, or null if it was not measured. */
  Cell get(Scope scope, String store, Workload workload, int connections) {
    return cells.get(key(scope, store, workload, connections));
  }

  private static String key(Scope scope, String store, Workload workload, int connections) {
    return scope + "/" + (scope == Scope.HTTP_CEILING ? "" : store) + "/" + workload + "/"
        + connections;
  }
}
