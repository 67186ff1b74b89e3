package dev.vss.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command-line settings of {@link StorageBenchmark}.
 *
 * @param store adapter name
 * @param directory where stores are created (a fresh sub-directory per run); null for a temporary
 *     directory
 * @param seconds measured seconds per throughput cell and for the fsync probe
 * @param warmup warm-up seconds per throughput cell
 * @param repeats rounds of the put measurement
 * @param writers writer counts for the put measurement
 * @param keyspaces keyspaces the writers' puts spread over; 0 for one keyspace per writer
 * @param putsOnly measure only the fsync rate and durable puts
 * @param getThreads thread counts for the get measurement
 * @param valueBytes value size of every put
 * @param smallKeys keys of the small store
 * @param bigKeys keys of the big store
 * @param listSamples measured list calls per case
 * @param keep keep the stores after the run
 * @param output also write the report to this file; may be null
 * @param help print usage and exit
 */
record Settings(
    String store,
    Path directory,
    int seconds,
    int warmup,
    int repeats,
    List<Integer> writers,
    int keyspaces,
    boolean putsOnly,
    List<Integer> getThreads,
    int valueBytes,
    int smallKeys,
    int bigKeys,
    int listSamples,
    boolean keep,
    Path output,
    boolean help) {

  static final String USAGE =
      String.join(
          "\n",
          "usage: StorageBenchmark [options]",
          "  --store NAME          adapter to measure (default sqlite; known: "
              + StorageFactories.names()
              + ")",
          "  --dir PATH            directory on the disk to measure (default: a temporary directory)",
          "  --seconds N           measured seconds per cell (default 5)",
          "  --warmup N            warm-up seconds per cell (default 1)",
          "  --repeats N           rounds of the put measurement, median reported (default 3)",
          "  --writers A,B,C       concurrent writers for puts (default 1,8,64)",
          "  --keyspaces N         puts spread round-robin over N keyspaces, 1 = one hot keyspace"
              + " (default 0: one keyspace per writer)",
          "  --puts-only           measure only the fsync rate and durable puts",
          "  --get-threads A,B     threads for gets (default 1,4)",
          "  --value-bytes N       value size (default 1024)",
          "  --small-keys N        keys of the small store (default 1000)",
          "  --big-keys N          keys of the big store (default 1000000)",
          "  --list-samples N      measured list calls per case (default 2000)",
          "  --out FILE            also write the Markdown report to FILE",
          "  --keep                keep the stores after the run",
          "  --help                this text");

  static Settings parse(String[] args) {
    String store = "sqlite";
    Path directory = null;
    int seconds = 5;
    int warmup = 1;
    int repeats = 3;
    List<Integer> writers = List.of(1, 8, 64);
    int keyspaces = 0;
    boolean putsOnly = false;
    List<Integer> getThreads = List.of(1, 4);
    int valueBytes = 1024;
    int smallKeys = 1000;
    int bigKeys = 1_000_000;
    int listSamples = 2000;
    boolean keep = false;
    Path output = null;
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--store" -> store = value(args, ++i, arg);
        case "--dir" -> directory = Path.of(value(args, ++i, arg));
        case "--seconds" -> seconds = positive(args, ++i, arg);
        case "--warmup" -> warmup = nonNegative(args, ++i, arg);
        case "--repeats" -> repeats = positive(args, ++i, arg);
        case "--writers" -> writers = list(args, ++i, arg);
        case "--keyspaces" -> keyspaces = nonNegative(args, ++i, arg);
        case "--puts-only" -> putsOnly = true;
        case "--get-threads" -> getThreads = list(args, ++i, arg);
        case "--value-bytes" -> valueBytes = positive(args, ++i, arg);
        case "--small-keys" -> smallKeys = positive(args, ++i, arg);
        case "--big-keys" -> bigKeys = positive(args, ++i, arg);
        case "--list-samples" -> listSamples = positive(args, ++i, arg);
        case "--out" -> output = Path.of(value(args, ++i, arg));
        case "--keep" -> keep = true;
        case "--help" -> help = true;
        default -> throw new IllegalArgumentException("unknown option: " + arg);
      }
    }
    if (smallKeys < 200 || bigKeys < 200) {
      throw new IllegalArgumentException("--small-keys and --big-keys must be at least 200");
    }
    return new Settings(
        store,
        directory,
        seconds,
        warmup,
        repeats,
        writers,
        keyspaces,
        putsOnly,
        getThreads,
        valueBytes,
        smallKeys,
        bigKeys,
        listSamples,
        keep,
        output,
        help);
  }

  String describe() {
    return "seconds "
        + seconds
        + ", warm-up "
        + warmup
        + ", repeats "
        + repeats
        + ", writers "
        + writers
        + ", keyspaces "
        + (keyspaces == 0 ? "one per writer" : String.valueOf(keyspaces))
        + (putsOnly ? ", puts only" : "")
        + ", get threads "
        + getThreads
        + ", value bytes "
        + valueBytes
        + ", small store "
        + smallKeys
        + " keys, big store "
        + bigKeys
        + " keys, list samples "
        + listSamples;
  }

  private static String value(String[] args, int index, String option) {
    if (index >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[index];
  }

  private static int positive(String[] args, int index, String option) {
    int value = integer(args, index, option);
    if (value <= 0) {
      throw new IllegalArgumentException(option + " must be positive");
    }
    return value;
  }

  private static int nonNegative(String[] args, int index, String option) {
    int value = integer(args, index, option);
    if (value < 0) {
      throw new IllegalArgumentException(option + " must not be negative");
    }
    return value;
  }

  private static int integer(String[] args, int index, String option) {
    String text = value(args, index, option);
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a number, got '" + text + "'");
    }
  }

  private static List<Integer> list(String[] args, int index, String option) {
    List<Integer> values = new ArrayList<>();
    for (String part : value(args, index, option).split(",")) {
      try {
        int value = Integer.parseInt(part.trim());
        if (value <= 0) {
          throw new IllegalArgumentException(option + " values must be positive");
        }
        values.add(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + " needs numbers, got '" + part + "'");
      }
    }
    return List.copyOf(values);
  }
}
