package dev.vss.bench.load;

import dev.vss.bench.load.Measurements.Cell;
import dev.vss.bench.load.Measurements.Scope;
import java.util.List;
import java.util.Locale;

/** Writes the Markdown report of a run: the ceilings, then one table per store. */
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
    httpCeiling();
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
    line("Closed loop: every connection sends its next request when the previous response has"
        + " arrived. Requests go to " + settings.shape().users() + " users (keyspaces, store id `"
        + LoadShape.STORE_ID + "`), each populated with " + settings.shape().dataKeys()
        + " data keys and " + settings.shape().versionedKeys() + " versioned keys of "
        + LoadShape.VALUE_BYTES + " bytes before its store is measured.");
    line("");
    line("| workload | one request |");
    line("|---|---|");
    for (Workload workload : settings.workloads()) {
      line("| " + workload.label() + " | " + workload.description() + " |");
    }
    line("");
  }

  private void httpCeiling() {
    line("## HTTP ceiling (no-op endpoint)");
    line("");
    line("The same Undertow stack as the server, answering every request with an empty 200 after"
        + " reading its body on a worker thread; the workers send each workload's own requests."
        + " CPU: cores used by the benchmark's JVM / by all other processes during the cell.");
    line("");
    line("| workload | connections | requests/s | p50 | p99 | p99.9 | CPU |");
    line("|---|---:|---:|---:|---:|---:|---:|");
    for (Workload workload : settings.workloads()) {
      for (int connections : settings.connections()) {
        Cell cell = measurements.get(Scope.HTTP_CEILING, null, workload, connections);
        if (cell != null) {
          line(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s |",
              workload.label(), connections, rate(cell), latency(cell, 50), latency(cell, 99),
              latency(cell, 99.9), cpu(cell)));
        }
      }
    }
    line("");
  }

  private void store(String store) {
    line("## " + store);
    line("");
    line("Over HTTP; \"of HTTP\" is the throughput as a share of the HTTP ceiling for the same"
        + " workload and connections, \"of storage\" as a share of the storage ceiling"
        + " (`VssService` on the same store without HTTP, same workload and concurrency)."
        + " CPU: cores used by the benchmark's JVM / by all other processes during the cell.");
    line("");
    line("| workload | conns | requests/s | p50 | p99 | p99.9 | of HTTP | storage ops/s"
        + " | of storage | failures | CPU |");
    line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (Workload workload : settings.workloads()) {
      for (int connections : settings.connections()) {
        Cell http = measurements.get(Scope.HTTP, store, workload, connections);
        Cell storage = measurements.get(Scope.STORAGE_CEILING, store, workload, connections);
        Cell ceiling = measurements.get(Scope.HTTP_CEILING, null, workload, connections);
        if (http == null) {
          continue;
        }
        line(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |",
            workload.label(), connections, rate(http), latency(http, 50), latency(http, 99),
            latency(http, 99.9), ratio(http, ceiling), rate(storage), ratio(http, storage),
            failures(http, storage), cpu(http)));
      }
    }
    line("");
    line("Storage ceiling latencies (`VssService` without HTTP):");
    line("");
    line("| workload | conns | ops/s | p50 | p99 | p99.9 |");
    line("|---|---:|---:|---:|---:|---:|");
    for (Workload workload : settings.workloads()) {
      for (int connections : settings.connections()) {
        Cell storage = measurements.get(Scope.STORAGE_CEILING, store, workload, connections);
        if (storage != null) {
          line(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s |", workload.label(),
              connections, rate(storage), latency(storage, 50), latency(storage, 99),
              latency(storage, 99.9)));
        }
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
        Cell http = measurements.get(Scope.HTTP, store, workload, most);
        Cell ceiling = measurements.get(Scope.HTTP_CEILING, null, workload, most);
        if (target != null && http != null) {
          line("| " + store + " | " + workload.label() + " | " + ratio(http, ceiling) + " | "
              + target + " |");
        }
      }
    }
    line("");
  }

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

  private static String rate(Cell cell) {
    return cell == null ? "–" : String.format(Locale.ROOT, "%,.0f", cell.result().perSecond());
  }

  private static String latency(Cell cell, double percentile) {
    return micros(cell.result().latencies().percentile(percentile));
  }

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
    if (cell == null || ceiling == null || ceiling.result().perSecond() == 0) {
      return "–";
    }
    return String.format(Locale.ROOT, "%.0f%%",
        100 * cell.result().perSecond() / ceiling.result().perSecond());
  }

  private static String failures(Cell http, Cell storage) {
    long failures = http.result().failures() + (storage == null ? 0 : storage.result().failures());
    if (failures == 0) {
      return "0";
    }
    int status = http.result().firstFailureStatus() != 0 ? http.result().firstFailureStatus()
        : storage.result().firstFailureStatus();
    return failures + " (first: " + status + ")";
  }

  /** CPU in cores used by the benchmark process, and by every other process, during the cell. */
  private static String cpu(Cell cell) {
    CpuUse cpu = cell.cpu();
    return String.format(Locale.ROOT, "%.2f / %s", cpu.processCores(),
        Double.isNaN(cpu.otherCores()) ? "n/a"
            : String.format(Locale.ROOT, "%.2f", cpu.otherCores()));
  }

  private void line(String line) {
    text.append(line).append('\n');
  }
}
