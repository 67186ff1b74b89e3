package dev.vss.bench.load;

import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Our server jar against the reference server's own storage statements, in one run on one
 * PostgreSQL server:
 *
 * <ol>
 *   <li>starts PostgreSQL (embedded with {@code fsync=on}, or {@code --postgres-url});
 *   <li>in a fresh database laid out with the reference's schema, runs the reference's
 *       unconditional upsert and its get ({@link ReferenceStatements}) from 64 JDBC connections in
 *       a closed loop: puts over 1000 keyspaces, puts into one keyspace, gets;
 *   <li>starts {@code vss-server.jar --auth none} as a process of its own on each store (sqlite,
 *       rocksdb, and postgres in another fresh database on the same PostgreSQL server) and sends
 *       the same three workloads over HTTP from 64 connections;
 *   <li>records the jar's start-up time and memory idle and under load, and, through {@code
 *       VssService}, how the cost of a put, a get and a list page grows from 10^3 to 10^6 records;
 *   <li>prints a Markdown report with every figure as a ratio to the reference's statements.
 * </ol>
 *
 * <p>A plain program, not a test; {@code vss-bench/README.md} gives the command.
 */
public final class ReferenceComparison {
  private static final int POPULATE_THREADS = 8;

  private final ComparisonSettings settings;
  private final Path root;
  private final PrintStream log = System.err;
  private final ComparisonResults results = new ComparisonResults();
  private PostgresTarget postgres;
  private long seed = 1;

  private ReferenceComparison(ComparisonSettings settings, Path root) {
    this.settings = settings;
    this.root = root;
  }

  /**
   * Runs the comparison; {@code --help} lists the options.
   *
   * @param args the options
   * @throws Exception if a measurement fails
   */
  public static void main(String[] args) throws Exception {
    ComparisonSettings settings;
    try {
      settings = ComparisonSettings.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(ComparisonSettings.USAGE);
      System.exit(2);
      return;
    }
    if (settings.help()) {
      System.out.println(ComparisonSettings.USAGE);
      return;
    }
    if (!Files.isRegularFile(settings.jar())) {
      System.err.println(
          "no server jar at "
              + settings.jar().toAbsolutePath()
              + "; build it with mvn -pl vss-bench -am package, or give --jar");
      System.exit(2);
      return;
    }
    Path root =
        settings.directory() != null
            ? Files.createDirectories(settings.directory())
            : Files.createTempDirectory("vss-compare-");
    Path runDirectory = Files.createTempDirectory(root, "run-");
    try {
      new ReferenceComparison(settings, runDirectory).run();
    } finally {
      deleteRecursively(runDirectory);
      if (settings.directory() == null) {
        deleteRecursively(root);
      }
    }
    // The embedded PostgreSQL stops in its shutdown hook.
    System.exit(0);
  }

  private void run() throws Exception {
    Instant started = Instant.now();
    progress("pid " + ProcessHandle.current().pid() + "; " + settings.describe());
    postgres =
        settings.postgresUrl() != null
            ? PostgresTarget.external(settings.postgresUrl())
            : PostgresTarget.embedded();
    List<String> machine = machine();
    for (String line : machine) {
      progress(line);
    }
    for (int round = 1; round <= settings.repeats(); round++) {
      measureReference(round);
      for (String store : settings.stores()) {
        measureStore(store, round);
      }
    }
    if (settings.scaleRecords() > 0) {
      ScalingProbe probe = new ScalingProbe(settings, log);
      for (String store : settings.stores()) {
        progress(
            store
                + ": scaling probe, "
                + ComparisonSettings.SCALE_SMALL
                + " to "
                + settings.scaleRecords()
                + " records");
        Path directory = Files.createTempDirectory(root, store + "-scale-");
        String database = "vss_bench_scale";
        try {
          probe.measure(store, directory, postgres, database, results);
        } finally {
          deleteRecursively(directory);
          if (store.equals("postgres")) {
            postgres.drop(database);
          }
        }
      }
    }
    List<String> closing =
        List.of(
            "Total run time: "
                + Duration.between(started, Instant.now()).toSeconds()
                + " s; load average (1, 5, 15 min)"
                + " at the end: "
                + LoadBenchmark.loadAverage());
    String report = new ComparisonReport(settings, results).write(machine, closing);
    System.out.println(report);
    if (settings.output() != null) {
      Files.writeString(settings.output(), report, StandardCharsets.UTF_8);
    }
  }

  /** The reference's statements in a fresh database: populate, then the three workloads. */
  private void measureReference(int round) throws Exception {
    String database = "vss_bench_reference_r" + round;
    progress("reference statements, round " + round + ": creating " + database);
    postgres.createVssDatabase(database);
    try {
      populateReference(database);
      analyze(database);
      Endpoint.Factory endpoints =
          () -> {
            try {
              return new ReferenceStatements.JdbcEndpoint(postgres.connect(database));
            } catch (SQLException e) {
              throw new IOException("cannot connect to " + database + ": " + e.getMessage(), e);
            }
          };
      for (ComparisonWorkload workload : ComparisonWorkload.values()) {
        measure(ComparisonResults.REFERENCE, workload, endpoints, round);
      }
    } finally {
      postgres.drop(database);
    }
  }

  /** Every keyspace's keys through the reference's upsert, one transaction per keyspace. */
  private void populateReference(String database) throws Exception {
    ComparisonWorkload.Shape shape = settings.shape();
    long begin = System.nanoTime();
    inParallel(
        thread -> {
          SplittableRandom random = new SplittableRandom(thread);
          try (Connection connection = postgres.connect(database);
              PreparedStatement upsert = connection.prepareStatement(ReferenceStatements.UPSERT)) {
            connection.setAutoCommit(false);
            for (int ks = thread; ks < shape.keyspaces(); ks += POPULATE_THREADS) {
              for (int key = 0; key < shape.keysPerKeyspace(); key++) {
                ReferenceStatements.bindUpsert(
                    upsert,
                    ComparisonWorkload.storeId(ks),
                    ComparisonWorkload.key(key),
                    ComparisonWorkload.populationValue(random));
                upsert.addBatch();
              }
              upsert.executeBatch();
              connection.commit();
            }
          }
        });
    progress(
        String.format(
            Locale.ROOT,
            "  populated %,d keyspaces × %,d keys in %.1f s",
            shape.keyspaces(),
            shape.keysPerKeyspace(),
            (System.nanoTime() - begin) / 1e9));
  }

  /** Our jar on {@code store}: start, populate over HTTP, warm up, the three workloads, stop. */
  private void measureStore(String store, int round) throws Exception {
    Path directory = root.resolve(store + "-r" + round);
    String database = "vss_bench_ours_r" + round;
    List<String> arguments = new ArrayList<>(List.of("--store", store));
    if (store.equals("postgres")) {
      postgres.drop(database);
      arguments.addAll(List.of("--postgres-url", postgres.url(database)));
    } else {
      arguments.addAll(List.of("--data-dir", directory.toString()));
    }
    progress(store + ", round " + round + ": starting the jar");
    try (ServerProcess server =
        ServerProcess.start(
            settings.jar(), arguments, root.resolve(store + "-r" + round + ".log"))) {
      ServerProcess.Memory idle = server.memory();
      progress(
          String.format(
              Locale.ROOT,
              "  ready in %.2f s; RSS %d KiB, heap %s",
              server.startupSeconds(),
              idle.rssKib(),
              idle.heap()));
      populateOurs(server.address());
      if (store.equals("postgres")) {
        analyze(database);
      }
      Endpoint.Factory endpoints =
          RawHttpConnection.factory(server.address(), LoadBenchmark.BASE_PATH);
      // Unmeasured, at the measured concurrency: puts, then gets, until the JIT compiler is done.
      // The memory under load is read during the puts (jcmd starts a JVM of its own: reading it
      // inside a measured window would take CPU from the server being measured).
      ServerProcess.Memory underLoad = null;
      for (ComparisonWorkload workload :
          List.of(ComparisonWorkload.PUT_MANY, ComparisonWorkload.GET)) {
        CompletableFuture<ServerProcess.Memory> memory =
            workload == ComparisonWorkload.PUT_MANY
                ? CompletableFuture.supplyAsync(
                    server::memory,
                    CompletableFuture.delayedExecutor(
                        settings.jitWarmup() * 2000L / 3, TimeUnit.MILLISECONDS))
                : null;
        long warmUpSeed = seed++ * 1_000_003L;
        ClosedLoop.run(
            settings.connections(),
            Duration.ZERO,
            Duration.ofSeconds(settings.jitWarmup()),
            endpoints,
            worker -> workload.generator(settings.shape(), warmUpSeed + worker));
        if (memory != null) {
          underLoad = memory.get(60, TimeUnit.SECONDS);
          progress(
              "  JIT warm-up: under load RSS "
                  + underLoad.rssKib()
                  + " KiB, heap "
                  + underLoad.heap());
        }
      }
      for (ComparisonWorkload workload : ComparisonWorkload.values()) {
        measure(store, workload, endpoints, round);
      }
      results.addResources(
          store, new ComparisonResults.Resources(server.startupSeconds(), idle, underLoad));
    } finally {
      deleteRecursively(directory);
      if (store.equals("postgres")) {
        postgres.drop(database);
      }
    }
  }

  /**
   * {@code ANALYZE vss_db} after populating a new database, as autovacuum does within about a
   * minute of those writes in a deployment: the cells measure that steady state, not the first
   * minute of a new database. Without statistics the planner ties the primary key with the
   * reference's sort-order index for a lookup by key, and the prepared statements of both targets
   * may keep a plan that scans a whole keyspace for each key until autovacuum's first visit, which
   * in a run this short may come before or after a cell begins.
   */
  private void analyze(String database) throws Exception {
    long begin = System.nanoTime();
    try (Connection connection = postgres.connect(database);
        Statement statement = connection.createStatement()) {
      statement.execute("ANALYZE vss_db");
    }
    progress(
        String.format(
            Locale.ROOT, "  analyzed vss_db in %.1f s", (System.nanoTime() - begin) / 1e9));
  }

  /** Every keyspace's keys over HTTP, one putObjects per keyspace. */
  private void populateOurs(InetSocketAddress address) throws Exception {
    ComparisonWorkload.Shape shape = settings.shape();
    long begin = System.nanoTime();
    inParallel(
        thread -> {
          SplittableRandom random = new SplittableRandom(thread);
          try (Endpoint endpoint =
              RawHttpConnection.factory(address, LoadBenchmark.BASE_PATH).open()) {
            for (int ks = thread; ks < shape.keyspaces(); ks += POPULATE_THREADS) {
              PutObjectRequest.Builder put =
                  PutObjectRequest.newBuilder().setStoreId(ComparisonWorkload.storeId(ks));
              for (int key = 0; key < shape.keysPerKeyspace(); key++) {
                put.addTransactionItems(
                    KeyValue.newBuilder()
                        .setKey(ComparisonWorkload.key(key))
                        .setVersion(-1)
                        .setValue(ComparisonWorkload.populationValue(random)));
              }
              int status = endpoint.call(new Call(Method.PUT_OBJECTS, 0, put.build(), -1));
              if (status != 200) {
                throw new IOException("populating keyspace " + ks + " answered " + status);
              }
            }
          }
        });
    progress(
        String.format(
            Locale.ROOT,
            "  populated %,d keyspaces × %,d keys in %.1f s",
            shape.keyspaces(),
            shape.keysPerKeyspace(),
            (System.nanoTime() - begin) / 1e9));
  }

  /** Measures one cell and adds it. */
  private void measure(
      String target, ComparisonWorkload workload, Endpoint.Factory endpoints, int round)
      throws Exception {
    progress(
        target
            + ": "
            + workload.label()
            + ", "
            + settings.connections()
            + " connections, round "
            + round
            + " (load average "
            + LoadBenchmark.loadAverage()
            + ")");
    long cellSeed = seed++ * 1_000_003L;
    ClosedLoop.Result result =
        ClosedLoop.run(
            settings.connections(),
            Duration.ofSeconds(settings.warmup()),
            Duration.ofSeconds(settings.seconds()),
            endpoints,
            worker -> workload.generator(settings.shape(), cellSeed + worker));
    ComparisonResults.Cell cell = ComparisonResults.Cell.of(result);
    results.add(target, workload, cell);
    progress(
        String.format(
            Locale.ROOT,
            "  %,.0f/s, p50 %s, p99 %s%s",
            cell.perSecond(),
            LoadReport.micros(cell.p50Nanos()),
            LoadReport.micros(cell.p99Nanos()),
            cell.failures() == 0
                ? ""
                : ", "
                    + cell.failures()
                    + " failures (first status "
                    + cell.firstFailureStatus()
                    + ")"));
  }

  /** A task of one populating thread. */
  @FunctionalInterface
  private interface ThreadTask {
    void run(int thread) throws Exception;
  }

  private static void inParallel(ThreadTask task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(POPULATE_THREADS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < POPULATE_THREADS; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  task.run(thread);
                  return null;
                }));
      }
      for (Future<?> future : done) {
        future.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  private List<String> machine() throws IOException, SQLException {
    List<String> lines = new ArrayList<>();
    long memory =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getTotalMemorySize();
    FileStore disk = Files.getFileStore(root);
    lines.add("Date: " + Instant.now());
    lines.add(
        "CPU: "
            + Runtime.getRuntime().availableProcessors()
            + " × "
            + cpuModel()
            + String.format(Locale.ROOT, ", memory %.1f GiB", memory / (1024.0 * 1024 * 1024)));
    lines.add(
        "Java: "
            + System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.version")
            + "; OS: "
            + System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    lines.add("Data directory: " + root + " on " + disk.name() + " (" + disk.type() + ")");
    lines.addAll(postgres.describe());
    lines.add(
        "Our server: "
            + settings.jar().toAbsolutePath().normalize()
            + " as a process of its own, `--auth none`, default JVM options");
    lines.add("Settings: " + settings.describe());
    lines.add("Load average (1, 5, 15 min) at the start: " + LoadBenchmark.loadAverage());
    return lines;
  }

  private static String cpuModel() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown CPU");
    } catch (IOException | RuntimeException e) {
      return "unknown CPU";
    }
  }

  private void progress(String message) {
    log.println("[" + Instant.now() + "] " + message);
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
