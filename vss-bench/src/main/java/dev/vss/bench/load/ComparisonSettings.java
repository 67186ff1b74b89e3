package dev.vss.bench.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Command-line settings of {@link ReferenceComparison}.
 *
 * @param stores our stores to measure over HTTP, in order
 * @param connections concurrent connections (closed loop) of every cell
 * @param seconds measured seconds per cell
 * @param warmup unmeasured seconds before each cell
 * @param jitWarmup unmeasured seconds of each of our server's warm-up workloads, after its start
 *     and before its first cell, so that its JIT compiler is done before anything is measured
 * @param repeats rounds of every cell; the median round is reported
 * @param shape the keyspaces and keys
 * @param jar our server jar
 * @param postgresUrl an external PostgreSQL (JDBC URL) instead of the embedded one; may be null
 * @param scaleRecords the large size of the scaling probe (10^3 to this); 0 skips the probe
 * @param scaleSeconds measured seconds per scaling cell
 * @param directory where the stores' files go; null for a temporary directory
 * @param output also write the report to this file; may be null
 * @param help print usage and exit
 */
record ComparisonSettings(
    List<String> stores,
    int connections,
    int seconds,
    int warmup,
    int jitWarmup,
    int repeats,
    ComparisonWorkload.Shape shape,
    Path jar,
    String postgresUrl,
    int scaleRecords,
    int scaleSeconds,
    Path directory,
    Path output,
    boolean help) {

  /** Our stores that can be compared (the durable ones). */
  static final List<String> KNOWN_STORES = List.of("sqlite", "rocksdb", "postgres");

  /**
   * Seconds of each JIT warm-up workload. Profiles of the server showed the C2 compiler taking
   * about one of the two cores for 20 s after the load began, so a shorter warm-up measures the
   * compiler rather than the server.
   */
  static final int DEFAULT_JIT_WARMUP = 15;

  /** The small size of the scaling probe. */
  static final int SCALE_SMALL = 1000;

  static final String USAGE =
      String.join(
          "\n",
          "usage: ReferenceComparison [options]",
          "  --stores A,B,...       our stores, over HTTP (default sqlite,rocksdb,postgres)",
          "  --connections N        concurrent connections per cell (default 64)",
          "  --seconds N            measured seconds per cell (default 10)",
          "  --warmup N             unmeasured seconds before each cell (default 3)",
          "  --jit-warmup N         unmeasured seconds of puts, then of gets, after our server",
          "                         starts, before its first cell (default 15)",
          "  --repeats N            rounds of every cell, the median reported (default 1)",
          "  --keyspaces N          keyspaces of the many-keyspace cells (default 1000)",
          "  --keys N               1 KiB keys populated per keyspace (default 100)",
          "  --one-keyspace-keys N  keys the one-keyspace puts choose from (default 100000)",
          "  --jar PATH             our server jar (default vss-server/target/vss-server.jar)",
          "  --postgres-url URL     an external PostgreSQL (jdbc:postgresql://HOST:PORT/DB?user=..&password=..)",
          "                         instead of the embedded one; the user must create databases",
          "  --scale-records N      scaling probe from 1000 to N records per store; 0 skips it",
          "                         (default 1000000)",
          "  --scale-seconds N      measured seconds per scaling cell (default 3)",
          "  --dir PATH             where the stores' files go (default: a temporary directory)",
          "  --out FILE             also write the Markdown report to FILE",
          "  --help                 this text");

  /**
   * Parses the command line.
   *
   * @throws IllegalArgumentException with a one-line message for a bad option
   */
  static ComparisonSettings parse(String[] args) {
    List<String> stores = KNOWN_STORES;
    int connections = 64;
    int seconds = 10;
    int warmup = 3;
    int jitWarmup = DEFAULT_JIT_WARMUP;
    int repeats = 1;
    int keyspaces = 1000;
    int keys = 100;
    int oneKeyspaceKeys = 100_000;
    Path jar = null;
    String postgresUrl = null;
    int scaleRecords = 1_000_000;
    int scaleSeconds = 3;
    Path directory = null;
    Path output = null;
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      if (option.equals("--help")) {
        help = true;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(
            option.startsWith("--")
                ? "missing value for " + option
                : "unexpected argument '" + option + "'");
      }
      String value = args[++i];
      switch (option) {
        case "--stores" -> {
          stores = new ArrayList<>();
          for (String store : value.split(",")) {
            String name = store.trim().toLowerCase(Locale.ROOT);
            if (!KNOWN_STORES.contains(name)) {
              throw new IllegalArgumentException(
                  "unknown store '" + store + "'; known: " + KNOWN_STORES);
            }
            stores.add(name);
          }
        }
        case "--connections" -> connections = positive(option, value);
        case "--seconds" -> seconds = positive(option, value);
        case "--warmup" -> warmup = atLeastZero(option, value);
        case "--jit-warmup" -> jitWarmup = positive(option, value);
        case "--repeats" -> repeats = positive(option, value);
        case "--keyspaces" -> keyspaces = positive(option, value);
        case "--keys" -> keys = positive(option, value);
        case "--one-keyspace-keys" -> oneKeyspaceKeys = positive(option, value);
        case "--jar" -> jar = Path.of(value);
        case "--postgres-url" -> postgresUrl = value;
        case "--scale-records" -> {
          scaleRecords = atLeastZero(option, value);
          if (scaleRecords != 0 && scaleRecords < SCALE_SMALL) {
            throw new IllegalArgumentException(
                "--scale-records must be 0 or at least " + SCALE_SMALL);
          }
        }
        case "--scale-seconds" -> scaleSeconds = positive(option, value);
        case "--dir" -> directory = Path.of(value);
        case "--out" -> output = Path.of(value);
        default -> throw new IllegalArgumentException("unknown option " + option);
      }
    }
    if (jar == null) {
      jar = defaultJar();
    }
    return new ComparisonSettings(
        List.copyOf(stores),
        connections,
        seconds,
        warmup,
        jitWarmup,
        repeats,
        new ComparisonWorkload.Shape(keyspaces, keys, oneKeyspaceKeys),
        jar,
        postgresUrl,
        scaleRecords,
        scaleSeconds,
        directory,
        output,
        help);
  }

  /** The packaged jar, seen from the repository root or from {@code vss-bench} (Maven's exec). */
  private static Path defaultJar() {
    Path fromRoot = Path.of("vss-server", "target", "vss-server.jar");
    Path fromModule = Path.of("..").resolve(fromRoot);
    return Files.exists(fromRoot) || !Files.exists(fromModule) ? fromRoot : fromModule;
  }

  /** One line for the report. */
  String describe() {
    return String.format(
        Locale.ROOT,
        "%d connections, %d s warm-up + %d s measured per cell (our server: %d s of puts and"
            + " %d s of gets first, unmeasured, after each start),"
            + " %d round(s); %d keyspaces × %d keys of 1 KiB; one-keyspace puts over %d keys;"
            + " stores %s",
        connections,
        warmup,
        seconds,
        jitWarmup,
        jitWarmup,
        repeats,
        shape.keyspaces(),
        shape.keysPerKeyspace(),
        shape.oneKeyspaceKeys(),
        String.join(", ", stores));
  }

  private static int positive(String option, String value) {
    int parsed = atLeastZero(option, value);
    if (parsed < 1) {
      throw new IllegalArgumentException(option + " must be at least 1");
    }
    return parsed;
  }

  private static int atLeastZero(String option, String value) {
    try {
      int parsed = Integer.parseInt(value);
      if (parsed < 0) {
        throw new IllegalArgumentException(option + " must not be negative");
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a whole number, got '" + value + "'");
    }
  }
}
