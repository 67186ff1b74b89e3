package dev.vss.bench;

import com.google.protobuf.ByteString;
import dev.vss.core.Keyspace;
import dev.vss.core.spi.BulkLoader;
import dev.vss.core.spi.StoredRecord;
import dev.vss.server.admin.Admin;
import dev.vss.store.rocksdb.RocksDbBulkLoader;
import dev.vss.store.rocksdb.RocksDbOptions;
import dev.vss.store.sqlite.SqliteBulkLoader;
import dev.vss.store.sqlite.SqliteOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The data-portability benchmark: for each store, fills a store with {@code --records} records of
 * {@code --value-bytes} random (incompressible) bytes spread over {@code --keyspaces} keyspaces,
 * then times {@code vss-server admin export} of it to a file and {@code admin import} of that file
 * into an empty store of the same kind, exactly as the command line runs them (in this JVM).
 *
 * <pre>
 *   mvn -B -pl vss-bench -am package -DskipTests -Dportability.args="--dir /path/on/the/disk"
 *   # options: --records 1000000 --value-bytes 1024 --keyspaces 1000 --stores sqlite,rocksdb
 * </pre>
 *
 * <p>Import time includes its first pass, which reads the whole file to check its checksum.
 * Markdown on standard output; the commands' own progress on standard error.
 */
public final class PortabilityBenchmark {
  private PortabilityBenchmark() {}

  /** Runs the benchmark; see the class doc for the options. */
  public static void main(String[] args) throws IOException {
    long records = 1_000_000;
    int valueBytes = 1024;
    int keyspaces = 1000;
    Path dir = null;
    List<String> stores = List.of("sqlite", "rocksdb");
    for (int i = 0; i < args.length; i += 2) {
      String value = args[i + 1];
      switch (args[i]) {
        case "--records" -> records = Long.parseLong(value);
        case "--value-bytes" -> valueBytes = Integer.parseInt(value);
        case "--keyspaces" -> keyspaces = Integer.parseInt(value);
        case "--dir" -> dir = Path.of(value);
        case "--stores" -> stores = List.of(value.split(","));
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (dir == null) {
      throw new IllegalArgumentException("--dir DIR (on the disk to measure) is required");
    }
    PrintStream out = System.out;
    out.printf(
        Locale.ROOT,
        "%n%,d records of %,d bytes in %,d keyspaces, %d cores, Java %s%n%n",
        records,
        valueBytes,
        keyspaces,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    out.println("| store | fill (bulk loader) | export | export file | import (check + load) |");
    out.println("|---|---|---|---|---|");
    for (String store : stores) {
      Path work = Files.createDirectories(dir).resolve("portability-" + store);
      deleteTree(work);
      Files.createDirectories(work);
      try {
        Path source = work.resolve("source");
        Path file = work.resolve("all.vssexport");
        Path target = work.resolve("target");
        long t0 = System.nanoTime();
        fill(store, source, records, valueBytes, keyspaces);
        double fill = seconds(t0);
        t0 = System.nanoTime();
        run("export", "--store", store, "--data-dir", source.toString(), "--out", file.toString());
        double export = seconds(t0);
        long fileBytes = Files.size(file);
        t0 = System.nanoTime();
        run("import", "--store", store, "--data-dir", target.toString(), "--in", file.toString());
        double imported = seconds(t0);
        out.printf(
            Locale.ROOT,
            "| %s | %s | %s | %,.0f MiB | %s |%n",
            store,
            rate(records, valueBytes, fill),
            rate(records, valueBytes, export),
            fileBytes / 1048576.0,
            rate(records, valueBytes, imported));
      } finally {
        deleteTree(work);
      }
    }
  }

  private static void run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--progress-interval", "30"));
    int status = Admin.main(all, Map.of(), System.err, System.err);
    if (status != 0) {
      throw new IllegalStateException("admin " + args[0] + " failed with status " + status);
    }
  }

  private static void fill(String store, Path dir, long records, int valueBytes, int keyspaces) {
    SplittableRandom random = new SplittableRandom(42);
    long perKeyspace = (records + keyspaces - 1) / keyspaces;
    try (BulkLoader loader =
        store.equals("sqlite")
            ? SqliteBulkLoader.open(dir, SqliteOptions.DEFAULTS)
            : RocksDbBulkLoader.open(dir, RocksDbOptions.DEFAULTS)) {
      long left = records;
      for (int k = 0; left > 0; k++) {
        long count = Math.min(perKeyspace, left);
        left -= count;
        Iterator<StoredRecord> batch =
            new Iterator<>() {
              private long next;

              @Override
              public boolean hasNext() {
                return next < count;
              }

              @Override
              public StoredRecord next() {
                byte[] value = new byte[valueBytes];
                random.nextBytes(value);
                next++;
                return new StoredRecord(
                    String.format(Locale.ROOT, "key-%08d", next),
                    1,
                    ByteString.copyFrom(value),
                    next);
              }
            };
        loader.replaceKeyspace(
            new Keyspace(String.format(Locale.ROOT, "user-%06d", k), "wallet"), 1, batch);
      }
    }
  }

  private static String rate(long records, int valueBytes, double seconds) {
    return String.format(
        Locale.ROOT,
        "%.1f s, %,.0f records/s, %,.0f MiB/s",
        seconds,
        records / seconds,
        records * (double) valueBytes / 1048576.0 / seconds);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> tree = Files.walk(dir)) {
      for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
