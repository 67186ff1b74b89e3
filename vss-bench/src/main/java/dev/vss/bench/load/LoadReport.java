package dev.vss.bench.load;

import dev.vss.bench.load.Measurements.Cell;
import dev.vss.bench.load.Measurements.Scope;
import java.util.List;
import java.util.Locale;

/** Writes the Markdown report of a run: per store, the server's figures and their ceilings. */
final class LoadReport {
  private final LoadSettings settings;
  private final Measurements measurements;
  private final StringBuilder text = new StringBuilder();

  LoadReport(LoadSettings settings, Measurements measurements) {
    this.settings = settings;
    this.measurements = measurements;
  }

  /** The report, given the machine lines written at the start and those at the end. */
  String write(List<String> machine, List<String> closing) {
    line("# Load benchmark");
    line("");
    machine.forEach(m -> line("- " + m));
    line("");
    workloads();
    for (String store : settings.stores()) {
      store(store);
    }
    targets();
    closing.forEach(m -> line("- " + m));
    return text.toString();
  }

  private void workloads() {
    line("## Workloads");
    line("");
    line(
        "Closed loop: every connection sends its next request when the previous response has"
            + " arrived. Requests go to "
            + settings.shape().users()
            + " users (keyspaces, store id `"
            + LoadShape.STORE_ID
            + "`), each populated with "
            + settings.shape().dataKeys()
            + " data keys and "
            + settings.shape().versionedKeys()
            + " versioned keys of "
            + LoadShape.VALUE_BYTES
            + " bytes before its store is measured. For every store,"
            + " workload and connection count, three cells run back to back: the HTTP ceiling (the"
            + " server's Undertow stack answering a no-op endpoint with an empty 200 after reading"
            + " the body on a worker thread, sent the same requests), the storage ceiling"
            + " (`VssService` on the store without HTTP, same requests and concurrency) and the"
            + " server over HTTP.");
    line("");
    line("| workload | one request |");
    line("|---|---|");
    for (Workload workload : settings.workloads()) {
      line("| " + workload.label() + " | " + workload.description() + " |");
    }
    line("");
  }

  private void store(String store) {
    boolean rounds = settings.repeats() > 1;
    line("## " + store);
    line("");
    line(
        "Over HTTP, with the share of the HTTP ceiling and of the storage ceiling measured next to"
            + " it"
            + (rounds ? "; the median of " + settings.repeats() + " rounds, with the range" : "")
            + ".");
    line("");
    line(
        "| workload | conns | requests/s"
            + (rounds ? " | range" : "")
            + " | p50 | p99 | p99.9 | of HTTP ceiling | of storage ceiling | failures |");
    line("|---|---:|---:" + (rounds ? "|---:" : "") + "|---:|---:|---:|---:|---:|---:|");
    for (Workload workload : settings.workloads()) {
      for (int connections : settings.connections()) {
        Cell http = measurements.median(Scope.HTTP, store, workload, connections);
        if (http == null) {
          continue;
        }
        Cell ceiling = measurements.median(Scope.HTTP_CEILING, store, workload, connections);
        Cell storage = measurements.median(Scope.STORAGE_CEILING, store, workload, connections);
        line(
            String.format(
                Locale.ROOT,
                "| %s | %d | %s%s | %s | %s | %s | **%s** | %s | %s |",
                workload.label(),
                connections,
                rate(http),
                rounds ? " | " + range(Scope.HTTP, store, workload, connections) : "",
                latency(http, 50),
                latency(http, 99),
                latency(http, 99.9),
                ratio(http, ceiling),
                ratio(http, storage),
                failures(store, workload, connections)));
      }
    }
    line("");
    line(
        "The ceilings, and the CPU time the benchmark's JVM (load generator, server and store"
            + " together) spent per request in each; \"others\" is the CPU all other processes on the"
            + " machine used meanwhile, in cores (the most of the three cells).");
    line("");
    line(
        "| workload | conns | HTTP ceiling/s | p50 | p99 | storage ceiling/s | p50 | p99"
            + " | CPU/request: server | HTTP ceiling | storage ceiling | others |");
    line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (Workload workload : settings.workloads()) {
      for (int connections : settings.connections()) {
        Cell http = measurements.median(Scope.HTTP, store, workload, connections);
        Cell ceiling = measurements.median(Scope.HTTP_CEILING, store, workload, connections);
        Cell storage = measurements.median(Scope.STORAGE_CEILING, store, workload, connections);
        if (http == null || ceiling == null || storage == null) {
          continue;
        }
        double others =
            Math.max(
                http.cpu().otherCores(),
                Math.max(ceiling.cpu().otherCores(), storage.cpu().otherCores()));
        line(
            String.format(
                Locale.ROOT,
                "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |",
                workload.label(),
                connections,
                rate(ceiling),
                latency(ceiling, 50),
                latency(ceiling, 99),
                rate(storage),
                latency(storage, 50),
                latency(storage, 99),
                cpu(http),
                cpu(ceiling),
                cpu(storage),
                Double.isNaN(others) ? "n/a" : String.format(Locale.ROOT, "%.2f", others)));
      }
    }
    line("");
  }

  /** The targets at the largest connection count, where they apply. */
  private void targets() {
    int most = settings.connections().stream().mapToInt(Integer::intValue).max().orElse(1);
    line("## Targets at " + most + " connections (share of the HTTP ceiling)");
    line("");
    line("| store | workload | measured | target |");
    line("|---|---|---:|---:|");
    for (String store : settings.stores()) {
      for (Workload workload : List.of(Workload.PUT, Workload.CONDITIONAL_PUT, Workload.GET)) {
        String target = target(store, workload);
        Cell http = measurements.median(Scope.HTTP, store, workload, most);
        Cell ceiling = measurements.median(Scope.HTTP_CEILING, store, workload, most);
        if (target != null && http != null) {
          line(
              "| "
                  + store
                  + " | "
                  + workload.label()
                  + " | "
                  + ratio(http, ceiling)
                  + " | "
                  + target
                  + " |");
        }
      }
    }
    line("");
  }

  /** The target share of the HTTP ceiling, or null where the issue sets none. */
  private static String target(String store, Workload workload) {
    if (workload == Workload.GET) {
      return "60%";
    }
    switch (store) {
      case "sqlite":
        return "35%";
      case "rocksdb":
        return "50%";
      default:
        return null;
    }
  }

  private String range(Scope scope, String store, Workload workload, int connections) {
    double low = Double.MAX_VALUE;
    double high = 0;
    for (Cell cell : measurements.rounds(scope, store, workload, connections)) {
      low = Math.min(low, cell.perSecond());
      high = Math.max(high, cell.perSecond());
    }
    return String.format(Locale.ROOT, "%,.0f – %,.0f", low, high);
  }

  private String failures(String store, Workload workload, int connections) {
    long failures = 0;
    int status = 0;
    for (Scope scope : List.of(Scope.STORAGE_CEILING, Scope.HTTP)) {
      for (Cell cell : measurements.rounds(scope, store, workload, connections)) {
        failures += cell.result().failures();
        if (status == 0) {
          status = cell.result().firstFailureStatus();
        }
      }
    }
    return failures == 0 ? "0" : failures + " (first: " + status + ")";
  }

  private static String rate(Cell cell) {
    return cell == null ? "–" : String.format(Locale.ROOT, "%,.0f", cell.perSecond());
  }

  private static String latency(Cell cell, double percentile) {
    return micros(cell.result().latencies().percentile(percentile));
  }

  private static String cpu(Cell cell) {
    double micros = cell.cpuMicrosPerRequest();
    return Double.isNaN(micros) ? "–" : String.format(Locale.ROOT, "%.0f µs", micros);
  }

  /** A latency in nanoseconds as µs below 1 ms, else as ms. */
  static String micros(double nanos) {
    if (nanos >= 10_000_000) {
      return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
    if (nanos >= 1_000_000) {
      return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }
    return String.format(Locale.ROOT, "%.0f µs", nanos / 1e3);
  }

  private static String ratio(Cell cell, Cell ceiling) {
    if (cell == null || ceiling == null || ceiling.perSecond() == 0) {
      return "–";
    }
    return String.format(Locale.ROOT, "%.0f%%", 100 * cell.perSecond() / ceiling.perSecond());
  }

  private void line(String line) {
    text.append(line).append('\n');
  }
}
