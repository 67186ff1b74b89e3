package dev.vss.bench;

import com.google.protobuf.ByteString;
import dev.vss.core.Keyspace;
import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.rules.PageToken;
import dev.vss.core.spi.Storage;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.PutObjectRequest;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * The storage benchmark: one run measures, on the disk of the data directory,
 *
 * <ol>
 *   <li>the raw fsync rate (4 KiB write + {@code FileChannel.force(false)} in a loop);
 *   <li>durable puts/s (one new key with a {@code --value-bytes} value per put) with 1, 8 and 64
 *       concurrent writers, for every configuration the adapter offers (for SQLite: group commit
 *       and one transaction per put);
 *   <li>gets/s over a store of {@code --small-keys} and one of {@code --big-keys} keys;
 *   <li>list-page latency (page of 100) at both sizes: first page, a random deeper page, a dense
 *       prefix and a sparse prefix (one key in a thousand).
 * </ol>
 *
 * <p>Everything goes through {@link VssService}, as a server request would, minus HTTP. The report
 * is Markdown on standard output; progress goes to standard error. It is a plain program, not a
 * test: run it as README.md says.
 */
public final class StorageBenchmark {
  private static final String USER = "bench-user";
  private static final String STORE_ID = "bench";
  private static final int PAGE_SIZE = 100;
  private static final int ITEMS_PER_POPULATE_PUT = 1000;
  private static final int SPARSE_EVERY = 1000;
  private static final long LIST_CASE_BUDGET_NANOS = 20_000_000_000L;

  private final Settings settings;
  private final StorageFactory factory;
  private final Path root;
  private final PrintStream log = System.err;
  private final StringBuilder report = new StringBuilder();
  private final List<String> fsyncRows = new ArrayList<>();
  private Throughput[][][] putResults;

  private StorageBenchmark(Settings settings, StorageFactory factory, Path root) {
    this.settings = settings;
    this.factory = factory;
    this.root = root;
  }

  /**
   * Runs the benchmark; {@code --help} lists the options.
   *
   * @param args the options
   * @throws Exception if a measurement fails
   */
  public static void main(String[] args) throws Exception {
    Settings settings;
    try {
      settings = Settings.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(Settings.USAGE);
      System.exit(2);
      return;
    }
    if (settings.help()) {
      System.out.println(Settings.USAGE);
      return;
    }
    StorageFactory factory = StorageFactories.named(settings.store());
    Path root =
        settings.directory() != null
            ? Files.createDirectories(settings.directory())
            : Files.createTempDirectory("vss-bench-");
    Path runDirectory = Files.createTempDirectory(root, "run-");
    try {
      new StorageBenchmark(settings, factory, runDirectory).run();
    } finally {
      if (!settings.keep()) {
        deleteRecursively(runDirectory);
        if (settings.directory() == null) {
          deleteRecursively(root);
        }
      }
    }
  }

  private void run() throws Exception {
    Instant started = Instant.now();
    machine();
    warmUpPuts();
    double before = fsyncRate("before puts");
    puts();
    double after = fsyncRate("after puts");
    reportFsync();
    reportPuts((before + after) / 2);
    if (!settings.putsOnly()) {
      readsAndLists();
    }
    line("");
    line(
        "Total run time: "
            + Duration.between(started, Instant.now()).toSeconds()
            + " s. Load average at the end: "
            + loadAverage()
            + ".");
    System.out.println(report);
    if (settings.output() != null) {
      Files.writeString(settings.output(), report, StandardCharsets.UTF_8);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Machine

  private void machine() throws IOException {
    FileStore disk = Files.getFileStore(root);
    long memory =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getTotalMemorySize();
    line("# Storage benchmark: " + factory.name());
    line("");
    line("- Date: " + Instant.now());
    line(
        "- CPUs: "
            + Runtime.getRuntime().availableProcessors()
            + ", memory: "
            + gib(memory)
            + " GiB, JVM heap max: "
            + gib(Runtime.getRuntime().maxMemory())
            + " GiB");
    line(
        "- Java: "
            + System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.version")
            + ", OS: "
            + System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    line(
        "- Data directory: "
            + root
            + " on "
            + disk.name()
            + " ("
            + disk.type()
            + "), "
            + gib(disk.getTotalSpace())
            + " GiB total, "
            + gib(disk.getUsableSpace())
            + " GiB free");
    line("- Settings: " + settings.describe());
    line("- Load average (1, 5, 15 min) at start: " + loadAverage());
    line("");
  }

  /** The system load average, which tells how much else ran on the machine; "n/a" off Linux. */
  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0] + ", " + fields[1] + ", " + fields[2];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Raw fsync rate

  /** Measures fsync and fdatasync once each and reports them; returns the fsync rate. */
  private double fsyncRate(String when) throws IOException {
    progress("measuring the raw fsync rate " + when + " (" + 2 * settings.seconds() + " s)");
    Duration duration = Duration.ofSeconds(settings.seconds());
    FsyncProbe.Result fsync = FsyncProbe.measure(root.resolve("fsync-probe"), duration, true);
    FsyncProbe.Result fdatasync = FsyncProbe.measure(root.resolve("fsync-probe"), duration, false);
    fsyncRows.add(
        String.format(
            Locale.ROOT,
            "| %s | %,.0f | %s | %,.0f | %s |",
            when,
            fsync.perSecond(),
            micros(fsync.meanNanos()),
            fdatasync.perSecond(),
            micros(fdatasync.meanNanos())));
    return fsync.perSecond();
  }

  private void reportFsync() {
    line("## Raw fsync rate of the data disk");
    line("");
    line(
        "One thread writes 4 KiB at a rotating offset of a preallocated 4 MiB file and syncs it,"
            + " back to back, for "
            + settings.seconds()
            + " s: `FileChannel.force(true)` (fsync,"
            + " what SQLite calls once per commit) and `force(false)` (fdatasync). Measured before"
            + " and after the put measurements, since a shared disk's rate drifts.");
    line("");
    line("| when | fsyncs/s | mean fsync | fdatasyncs/s | mean fdatasync |");
    line("|---|---:|---:|---:|---:|");
    fsyncRows.forEach(this::line);
    line("");
  }

  // ---------------------------------------------------------------------------------------------
  // Durable puts

  /**
   * Measures every configuration at every writer count, interleaved (all configurations at one
   * writer count, then the next count) so that a drifting disk affects them alike.
   */
  /**
   * Compiles the write path before anything is measured, so the first measured cell does not pay
   * for the JIT: {@code --warmup} seconds (at least 3) of 8 writers on a scratch store.
   */
  private void warmUpPuts() throws Exception {
    int seconds = Math.max(3, settings.warmup());
    progress("warming up the write path for " + seconds + " s (not measured)");
    Path directory = Files.createTempDirectory(root, "jit-");
    try (Storage storage = factory.configurations().get(0).opener().open(directory)) {
      runPuts(new VssService(storage, Limits.DEFAULTS), 8, 0, seconds);
    } finally {
      deleteRecursively(directory);
    }
  }

  /**
   * Measures every configuration at every writer count, {@code --repeats} times, interleaved (all
   * configurations at one writer count, then the next count, then the next round) so that a
   * drifting disk or a busy machine affects them alike.
   */
  private void puts() throws Exception {
    List<StorageFactory.Configuration> configurations = factory.configurations();
    putResults =
        new Throughput[configurations.size()][settings.writers().size()][settings.repeats()];
    for (int r = 0; r < settings.repeats(); r++) {
      for (int w = 0; w < settings.writers().size(); w++) {
        for (int c = 0; c < configurations.size(); c++) {
          int writers = settings.writers().get(w);
          progress(
              "puts, round "
                  + (r + 1)
                  + "/"
                  + settings.repeats()
                  + ": "
                  + configurations.get(c).label()
                  + ", "
                  + writers
                  + " writer(s)");
          putResults[c][w][r] = measurePuts(configurations.get(c), writers);
        }
      }
    }
  }

  /** The round whose rate is the median (the lower middle one for an even count). */
  private static Throughput median(Throughput[] rounds) {
    Throughput[] sorted = rounds.clone();
    Arrays.sort(sorted, Comparator.comparingDouble(Throughput::perSecond));
    return sorted[(sorted.length - 1) / 2];
  }

  private static String range(Throughput[] rounds) {
    double min = Double.MAX_VALUE;
    double max = 0;
    for (Throughput round : rounds) {
      min = Math.min(min, round.perSecond());
      max = Math.max(max, round.perSecond());
    }
    return String.format(Locale.ROOT, "%,.0f – %,.0f", min, max);
  }

  private void reportPuts(double fsyncs) {
    List<StorageFactory.Configuration> configurations = factory.configurations();
    line("## Durable puts");
    line("");
    line(
        "Each put is one putObjects creating one new key (version 0) with a "
            + settings.valueBytes()
            + "-byte random value; "
            + (settings.keyspaces() == 0
                ? "each writer thread has its own keyspace"
                : "the writers' puts go round-robin to "
                    + settings.keyspaces()
                    + " shared keyspace(s)")
            + "; each writer waits for its put to return before sending the next. "
            + settings.warmup()
            + " s warm-up, then "
            + settings.seconds()
            + " s measured, fresh store per cell;"
            + " configurations interleaved per writer count; "
            + settings.repeats()
            + " rounds."
            + " puts/s is the median round, with the range of all rounds; p50 and p99 are the put"
            + " latencies of the median round. \"puts per fsync\" divides the median by the"
            + String.format(Locale.ROOT, " mean raw fsync rate (%,.0f/s).", fsyncs));
    line("");
    for (StorageFactory.Configuration configuration : configurations) {
      line("- " + configuration.label() + ": " + configuration.description());
    }
    line("");
    line("| configuration | writers | puts/s | range | puts per fsync | p50 | p99 |");
    line("|---|---:|---:|---:|---:|---:|---:|");
    for (int c = 0; c < configurations.size(); c++) {
      for (int w = 0; w < settings.writers().size(); w++) {
        Throughput result = median(putResults[c][w]);
        line(
            String.format(
                Locale.ROOT,
                "| %s | %d | %,.0f | %s | %.2f | %s | %s |",
                configurations.get(c).label(),
                settings.writers().get(w),
                result.perSecond(),
                range(putResults[c][w]),
                result.perSecond() / fsyncs,
                micros(result.latencies().percentile(50)),
                micros(result.latencies().percentile(99))));
      }
    }
    line("");
    for (int c = 1; c < configurations.size(); c++) {
      StringBuilder ratios = new StringBuilder();
      for (int w = 0; w < settings.writers().size(); w++) {
        ratios
            .append(w == 0 ? "" : ", ")
            .append(
                String.format(
                    Locale.ROOT,
                    "%.1fx at %d",
                    median(putResults[0][w]).perSecond() / median(putResults[c][w]).perSecond(),
                    settings.writers().get(w)));
      }
      line(
          "- "
              + configurations.get(0).label()
              + " vs "
              + configurations.get(c).label()
              + ": "
              + ratios);
    }
    line("");
  }

  private Throughput measurePuts(StorageFactory.Configuration configuration, int writers)
      throws Exception {
    Path directory = Files.createTempDirectory(root, "puts-");
    try (Storage storage = configuration.opener().open(directory)) {
      return runPuts(
          new VssService(storage, Limits.DEFAULTS), writers, settings.warmup(), settings.seconds());
    } finally {
      deleteRecursively(directory);
    }
  }

  /**
   * {@code writers} threads creating new keys back to back: each in its own keyspace, or with
   * {@code --keyspaces N} round-robin over N keyspaces shared by all writers (1: one hot keyspace).
   */
  private Throughput runPuts(VssService vss, int writers, int warmupSeconds, int seconds)
      throws Exception {
    int keyspaces = settings.keyspaces();
    return Throughput.run(
        writers,
        warmupSeconds,
        seconds,
        writer -> {
          byte[] value = randomBytes(settings.valueBytes(), writer);
          return new Throughput.Operation() {
            private long next;

            @Override
            public void run() {
              long id = next++;
              String user =
                  keyspaces == 0
                      ? USER + "-" + writer
                      : USER + "-" + Math.floorMod(id * writers + writer, keyspaces);
              value[0] = (byte) id; // distinct values without a fresh random array per put
              vss.putObjects(
                  user,
                  PutObjectRequest.newBuilder()
                      .setStoreId(STORE_ID)
                      .addTransactionItems(
                          KeyValue.newBuilder()
                              .setKey("key-" + writer + "-" + id)
                              .setVersion(0)
                              .setValue(ByteString.copyFrom(value)))
                      .build());
            }
          };
        });
  }

  // ---------------------------------------------------------------------------------------------
  // Gets and list pages

  private void readsAndLists() throws Exception {
    StorageFactory.Configuration configuration = factory.configurations().get(0);
    List<Integer> sizes = List.of(settings.smallKeys(), settings.bigKeys());
    List<String> getRows = new ArrayList<>();
    List<String> listRows = new ArrayList<>();
    double[] firstPageP50 = new double[sizes.size()];
    for (int s = 0; s < sizes.size(); s++) {
      int keys = sizes.get(s);
      Path directory = Files.createTempDirectory(root, "store-" + keys + "-");
      try (Storage storage = configuration.opener().open(directory)) {
        VssService vss = new VssService(storage, Limits.DEFAULTS);
        populate(vss, keys);
        for (int threads : settings.getThreads()) {
          progress("gets: " + keys + " keys, " + threads + " thread(s)");
          Throughput gets = measureGets(vss, keys, threads);
          getRows.add(
              String.format(
                  Locale.ROOT,
                  "| %,d | %d | %,.0f | %s | %s |",
                  keys,
                  threads,
                  gets.perSecond(),
                  micros(gets.latencies().percentile(50)),
                  micros(gets.latencies().percentile(99))));
        }
        long newest =
            storage.list(new Keyspace(USER, STORE_ID), "", Long.MAX_VALUE, 1).get(0).sequence();
        long oldest = newest - keys + 1;
        List<ListCase> cases =
            List.of(
                new ListCase("first page", "", () -> null),
                new ListCase(
                    "random page",
                    "",
                    new RandomToken(storage.pageTokenSecret(), "", oldest + PAGE_SIZE, newest)),
                new ListCase("dense prefix `k/`, first page", "k/", () -> null),
                new ListCase(
                    "sparse prefix `rare/` (1 key in " + SPARSE_EVERY + "), first page",
                    "rare/",
                    () -> null));
        for (ListCase listCase : cases) {
          progress("list pages: " + keys + " keys, " + listCase.label());
          System.gc(); // start each latency case without garbage left by the one before
          Latencies latencies = measureList(vss, listCase);
          if (listCase == cases.get(0)) {
            firstPageP50[s] = latencies.percentile(50);
          }
          listRows.add(
              String.format(
                  Locale.ROOT,
                  "| %,d | %s | %,d | %s | %s | %s |",
                  keys,
                  listCase.label(),
                  latencies.count(),
                  micros(latencies.percentile(50)),
                  micros(latencies.percentile(99)),
                  micros(latencies.mean())));
        }
      } finally {
        deleteRecursively(directory);
      }
    }
    line("## Gets");
    line("");
    line(
        "getObject of a random existing key ("
            + settings.valueBytes()
            + "-byte values) in one"
            + " keyspace holding the given number of keys; "
            + settings.warmup()
            + " s warm-up, "
            + settings.seconds()
            + " s measured.");
    line("");
    line("| keys in store | threads | gets/s | p50 | p99 |");
    line("|---:|---:|---:|---:|---:|");
    getRows.forEach(this::line);
    line("");
    line("## List-page latency");
    line("");
    line(
        "listKeyVersions with page_size "
            + PAGE_SIZE
            + " in a keyspace holding the given number"
            + " of keys ("
            + settings.valueBytes()
            + "-byte values), one thread, "
            + Math.max(1000, settings.listSamples() / 2)
            + " warm-up calls, then up to "
            + settings.listSamples()
            + " measured calls or 20 s, whichever ends first. A random"
            + " page starts at a random creation sequence (a page token anywhere in the keyspace).");
    line("");
    line("| keys in store | page | samples | p50 | p99 | mean |");
    line("|---:|---|---:|---:|---:|---:|");
    listRows.forEach(this::line);
    line("");
    line(
        String.format(
            Locale.ROOT,
            "- first-page p50 at %,d keys vs %,d keys: %.2fx",
            sizes.get(1),
            sizes.get(0),
            firstPageP50[1] / firstPageP50[0]));
  }

  /**
   * Fills the bench keyspace with {@code keys} keys, {@value #ITEMS_PER_POPULATE_PUT} per put; keys
   * {@code 0, }{@value #SPARSE_EVERY}{@code , ...} are named {@code rare/<i>}, the others {@code
   * k/<i>}.
   */
  private void populate(VssService vss, int keys) {
    progress("populating " + String.format(Locale.ROOT, "%,d", keys) + " keys");
    long started = System.nanoTime();
    byte[] value = randomBytes(settings.valueBytes(), keys);
    int reported = 0;
    for (int first = 0; first < keys; first += ITEMS_PER_POPULATE_PUT) {
      PutObjectRequest.Builder put = PutObjectRequest.newBuilder().setStoreId(STORE_ID);
      for (int i = first; i < Math.min(keys, first + ITEMS_PER_POPULATE_PUT); i++) {
        value[0] = (byte) i;
        put.addTransactionItems(
            KeyValue.newBuilder()
                .setKey(key(i))
                .setVersion(0)
                .setValue(ByteString.copyFrom(value)));
      }
      vss.putObjects(USER, put.build());
      int percent = (int) ((first + ITEMS_PER_POPULATE_PUT) * 100L / keys);
      if (percent >= reported + 10) {
        reported = percent / 10 * 10;
        progress(
            String.format(
                Locale.ROOT,
                "  %d%% (%,d keys, %.0f s)",
                Math.min(100, reported),
                Math.min(keys, first + ITEMS_PER_POPULATE_PUT),
                (System.nanoTime() - started) / 1e9));
      }
    }
  }

  private static String key(int i) {
    return (i % SPARSE_EVERY == 0 ? "rare/" : "k/") + i;
  }

  private Throughput measureGets(VssService vss, int keys, int threads) throws Exception {
    return Throughput.run(
        threads,
        settings.warmup(),
        settings.seconds(),
        thread -> {
          SplittableRandom random = new SplittableRandom(thread);
          return () ->
              vss.getObject(
                  USER,
                  GetObjectRequest.newBuilder()
                      .setStoreId(STORE_ID)
                      .setKey(key(random.nextInt(keys)))
                      .build());
        });
  }

  private Latencies measureList(VssService vss, ListCase listCase) {
    Latencies latencies = new Latencies(settings.listSamples());
    int warmup = Math.max(1000, settings.listSamples() / 2);
    long deadline = System.nanoTime() + LIST_CASE_BUDGET_NANOS;
    for (int i = 0; i < warmup + settings.listSamples(); i++) {
      ListKeyVersionsRequest.Builder request =
          ListKeyVersionsRequest.newBuilder().setStoreId(STORE_ID).setPageSize(PAGE_SIZE);
      if (!listCase.prefix().isEmpty()) {
        request.setKeyPrefix(listCase.prefix());
      }
      String token = listCase.token().next();
      if (token != null) {
        request.setPageToken(token);
      }
      ListKeyVersionsRequest built = request.build();
      long start = System.nanoTime();
      vss.listKeyVersions(USER, built);
      long elapsed = System.nanoTime() - start;
      if (i >= warmup) {
        latencies.add(elapsed);
        if (System.nanoTime() > deadline) {
          break; // a slow case (a sparse prefix in a big keyspace) gets fewer samples
        }
      }
    }
    return latencies;
  }

  /** One list scenario: a label, a prefix and where pages start. */
  private record ListCase(String label, String prefix, TokenSource token) {}

  /** Where a list request starts: null for the first page, else a page token. */
  @FunctionalInterface
  private interface TokenSource {
    String next();
  }

  /**
   * Page tokens at uniformly random creation sequences in {@code [low, high]}, for the benchmark
   * user's listing with {@code prefix}, made with the store's secret as the server would.
   */
  private static final class RandomToken implements TokenSource {
    private final SplittableRandom random = new SplittableRandom(42);
    private final byte[] secret;
    private final String prefix;
    private final long low;
    private final long high;

    RandomToken(byte[] secret, String prefix, long low, long high) {
      this.secret = secret;
      this.prefix = prefix;
      this.low = low;
      this.high = Math.max(low, high);
    }

    @Override
    public String next() {
      return PageToken.encode(
          secret, new Keyspace(USER, STORE_ID), prefix, low + random.nextLong(high - low + 1));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private void line(String text) {
    report.append(text).append('\n');
  }

  private void progress(String message) {
    log.println("[" + Instant.now() + "] " + message);
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new SplittableRandom(seed).nextBytes(bytes);
    return bytes;
  }

  private static String micros(double nanos) {
    return nanos >= 1_000_000
        ? String.format(Locale.ROOT, "%.2f ms", nanos / 1e6)
        : String.format(Locale.ROOT, "%.0f µs", nanos / 1e3);
  }

  private static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / (1024.0 * 1024 * 1024));
  }

  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      AtomicReference<IOException> failure = new AtomicReference<>();
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  failure.compareAndSet(null, e);
                }
              });
      if (failure.get() != null) {
        throw failure.get();
      }
    }
  }
}
