package dev.vss.bench.load;

import dev.vss.bench.StorageFactories;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Command-line settings of {@link LoadBenchmark}.
 *
 * @param stores the stores to measure, in order
 * @param connections the connection counts of every measurement
 * @param workloads the workloads to run
 * @param seconds measured seconds per cell
 * @param warmup unmeasured seconds before each cell
 * @param repeats rounds of every cell; the median round is reported
 * @param workers worker threads of the HTTP servers; 0 for the server as shipped ({@code VssServer}
 *     with its default pool)
 * @param shape the users and keys populated before a store is measured
 * @param client which HTTP client the workers use
 * @param directory where durable stores are created; null for a temporary directory
 * @param output also write the report to this file; may be null
 * @param help print usage and exit
 */
record LoadSettings(
    List<String> stores,
    List<Integer> connections,
    List<Workload> workloads,
    int seconds,
    int warmup,
    int repeats,
    int workers,
    LoadShape shape,
    Client client,
    Path directory,
    Path output,
    boolean help) {

  /** The HTTP clients the workers can use. */
  enum Client {
    /** {@link RawHttpConnection}: one socket per worker, minimal HTTP/1.1. */
    RAW,
    /** {@link JdkHttpEndpoint}: the JDK's HttpClient. */
    JDK
  }

  /** The in-memory store's name; the others come from {@link StorageFactories}. */
  static final String MEMORY = "memory";

  static final String USAGE =
      String.join(
          "\n",
          "usage: LoadBenchmark [options]",
          "  --stores A,B,...      stores to measure (default: all known: " + knownStores() + ")",
          "  --connections A,B,..  concurrent connections per cell (default 1,16,64)",
          "  --workloads A,B,...   put, conditional-put, get, list-page, wallet-mix (default all)",
          "  --seconds N           measured seconds per cell (default 4)",
          "  --warmup N            unmeasured seconds before each cell (default 2)",
          "  --repeats N           rounds of every cell, the median reported (default 1)",
          "  --workers N           server worker threads; 0 runs VssServer as shipped (its default",
          "                        pool), N > 0 mounts VssHttpHandler in the same Undertow stack",
          "                        with N workers; the HTTP ceiling gets as many (default 0)",
          "  --users N             users (keyspaces) populated per store (default 1000)",
          "  --data-keys N         1 KiB data keys per user, at least 100 (default 100)",
          "  --versioned-keys N    keys per user written by conditional puts (default 10)",
          "  --client raw|jdk      HTTP client of the workers (default raw)",
          "  --dir PATH            where durable stores are created (default: a temporary directory)",
          "  --out FILE            also write the Markdown report to FILE",
          "  --help                this text");

  /** Every store name the benchmark can open: memory, sqlite, rocksdb, then any others. */
  static List<String> knownStores() {
    List<String> names = new ArrayList<>();
    names.add(MEMORY);
    for (String preferred : List.of("sqlite", "rocksdb")) {
      if (StorageFactories.names().contains(preferred)) {
        names.add(preferred);
      }
    }
    for (String other : StorageFactories.names()) {
      if (!names.contains(other)) {
        names.add(other);
      }
    }
    return List.copyOf(names);
  }

  static LoadSettings parse(String[] args) {
    List<String> stores = knownStores();
    List<Integer> connections = List.of(1, 16, 64);
    List<Workload> workloads = List.of(Workload.values());
    int seconds = 4;
    int warmup = 2;
    int repeats = 1;
    int workers = 0;
    int users = 1000;
    int dataKeys = 100;
    int versionedKeys = 10;
    Client client = Client.RAW;
    Path directory = null;
    Path output = null;
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--stores" -> stores = list(args, ++i, arg, LoadSettings::store);
        case "--connections" -> connections = list(args, ++i, arg, LoadSettings::positive);
        case "--workloads" -> workloads = list(args, ++i, arg, Workload::named);
        case "--seconds" -> seconds = positive(value(args, ++i, arg));
        case "--warmup" -> warmup = nonNegative(value(args, ++i, arg));
        case "--repeats" -> repeats = positive(value(args, ++i, arg));
        case "--workers" -> workers = nonNegative(value(args, ++i, arg));
        case "--users" -> users = positive(value(args, ++i, arg));
        case "--data-keys" -> dataKeys = positive(value(args, ++i, arg));
        case "--versioned-keys" -> versionedKeys = positive(value(args, ++i, arg));
        case "--client" -> client = client(value(args, ++i, arg));
        case "--dir" -> directory = Path.of(value(args, ++i, arg));
        case "--out" -> output = Path.of(value(args, ++i, arg));
        case "--help" -> help = true;
        default -> throw new IllegalArgumentException("unknown option: " + arg);
      }
    }
    LoadShape shape = new LoadShape(users, dataKeys, versionedKeys);
    int most = connections.stream().mapToInt(Integer::intValue).max().orElse(1);
    // Only conditional puts need a user per connection; the others may share a few hot users.
    if (most > users && workloads.contains(Workload.CONDITIONAL_PUT)) {
      throw new IllegalArgumentException(
          "--users must be at least the largest connection count ("
              + most
              + ") when conditional puts are measured, so every connection owns a user");
    }
    return new LoadSettings(
        stores,
        connections,
        workloads,
        seconds,
        warmup,
        repeats,
        workers,
        shape,
        client,
        directory,
        output,
        help);
  }

  /** One line for the report. */
  String describe() {
    return "stores "
        + stores
        + ", connections "
        + connections
        + ", workloads "
        + workloads.stream().map(Workload::label).toList()
        + ", "
        + warmup
        + " s warm-up + "
        + seconds
        + " s measured per cell, "
        + repeats
        + (repeats == 1 ? " round" : " rounds")
        + ", server worker threads "
        + (workers == 0
            ? dev.vss.server.VssServer.DEFAULT_WORKER_THREADS + " (VssServer as shipped)"
            : workers + " (VssHttpHandler in the same stack)")
        + ", "
        + shape.users()
        + " users with "
        + shape.dataKeys()
        + " data keys and "
        + shape.versionedKeys()
        + " versioned keys each, client "
        + client.name().toLowerCase(java.util.Locale.ROOT);
  }

  private static String store(String name) {
    if (!knownStores().contains(name)) {
      throw new IllegalArgumentException("unknown store '" + name + "'; known: " + knownStores());
    }
    return name;
  }

  private static Client client(String name) {
    return Arrays.stream(Client.values())
        .filter(c -> c.name().equalsIgnoreCase(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("--client is raw or jdk, got " + name));
  }

  private static String value(String[] args, int index, String option) {
    if (index >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[index];
  }

  private static int positive(String text) {
    int value = integer(text);
    if (value <= 0) {
      throw new IllegalArgumentException("expected a positive number, got " + text);
    }
    return value;
  }

  private static int nonNegative(String text) {
    int value = integer(text);
    if (value < 0) {
      throw new IllegalArgumentException("expected a number of at least 0, got " + text);
    }
    return value;
  }

  private static int integer(String text) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a number, got '" + text + "'");
    }
  }

  private static <T> List<T> list(
      String[] args, int index, String option, Function<String, T> parse) {
    List<T> values = new ArrayList<>();
    for (String part : value(args, index, option).split(",")) {
      if (!part.isBlank()) {
        values.add(parse.apply(part.trim()));
      }
    }
    if (values.isEmpty()) {
      throw new IllegalArgumentException(option + " needs at least one value");
    }
    return List.copyOf(values);
  }
}
