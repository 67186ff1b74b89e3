package dev.vss.bench.load;

import com.google.protobuf.ByteString;
import dev.vss.bench.StorageFactories;
import dev.vss.bench.load.Measurements.Cell;
import dev.vss.bench.load.Measurements.Scope;
import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.core.spi.Storage;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import dev.vss.server.VssHttpHandler;
import dev.vss.server.VssServer;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * The load benchmark: a closed-loop HTTP load generator against the VSS server on each store, next
 * to the two ceilings that bound it, measured in the same run. For every store, workload and
 * connection count it measures three cells back to back:
 *
 * <ol>
 *   <li>the <b>HTTP ceiling</b>: the server's Undertow stack answering a no-op endpoint ({@link
 *       HttpStack#noOp()}), sent the workload's own requests;
 *   <li>the <b>storage ceiling</b>: {@code VssService} on the store, called directly (no HTTP, no
 *       encoding) with the same workload and concurrency;
 *   <li>the <b>server</b>: {@link VssServer} on the store, over HTTP.
 * </ol>
 *
 * <p>Measuring the three side by side keeps their ratios meaningful on a machine whose other load
 * drifts. Workloads ({@link Workload}): unconditional put of 1 KiB, conditional put with tracked
 * versions, get, list page of 100, and a wallet mix, over many users' keyspaces (the server runs
 * with the benchmark-only {@link HeaderAuthorizer}, since authentication cost is not what is
 * measured). The server and the load generator share the JVM and the machine, so every figure is
 * what one machine does serving and loading itself; the ceilings are measured the same way.
 *
 * <p>The Markdown report goes to standard output, progress to standard error. A plain program, not
 * a test; {@code vss-bench/README.md} gives the command.
 */
public final class LoadBenchmark {
  /** The API base path of both servers. */
  static final String BASE_PATH = VssServer.DEFAULT_BASE_PATH;

  private static final int POPULATE_THREADS = 8;

  /** Unmeasured seconds per warm-up workload and endpoint kind before a store's first cell. */
  private static final int WARM_UP_SECONDS = 3;

  private final LoadSettings settings;
  private final Path root;
  private final PrintStream log = System.err;
  private final Measurements measurements = new Measurements();
  private long seed = 1;

  private LoadBenchmark(LoadSettings settings, Path root) {
    this.settings = settings;
    this.root = root;
  }

  /**
   * Runs the benchmark; {@code --help} lists the options.
   *
   * @param args the options
   * @throws Exception if a measurement fails
   */
  public static void main(String[] args) throws Exception {
    LoadSettings settings;
    try {
      settings = LoadSettings.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(LoadSettings.USAGE);
      System.exit(2);
      return;
    }
    if (settings.help()) {
      System.out.println(LoadSettings.USAGE);
      return;
    }
    Path root =
        settings.directory() != null
            ? Files.createDirectories(settings.directory())
            : Files.createTempDirectory("vss-load-");
    Path runDirectory = Files.createTempDirectory(root, "run-");
    try {
      new LoadBenchmark(settings, runDirectory).run();
    } finally {
      deleteRecursively(runDirectory);
      if (settings.directory() == null) {
        deleteRecursively(root);
      }
    }
    // Every server and store is closed; JDK HttpClient threads may linger until exit.
    System.exit(0);
  }

  private void run() throws Exception {
    Instant started = Instant.now();
    List<String> machine = machine();
    int cells =
        3
            * settings.stores().size()
            * settings.workloads().size()
            * settings.connections().size()
            * settings.repeats();
    int warmUps = settings.stores().size() * 3 * 2 * WARM_UP_SECONDS;
    progress(
        String.format(
            Locale.ROOT,
            "pid %d; %d cells of %d s and %d s of warm-up: about %d min",
            ProcessHandle.current().pid(),
            cells,
            settings.warmup() + settings.seconds(),
            warmUps,
            Math.round((cells * (settings.warmup() + settings.seconds() + 0.3) + warmUps) / 60.0)));
    // The ceiling runs as many workers as the server under test.
    int ceilingWorkers =
        settings.workers() == 0 ? VssServer.DEFAULT_WORKER_THREADS : settings.workers();
    try (HttpStack noOp = HttpStack.start(BASE_PATH, HttpStack.noOp(), ceilingWorkers)) {
      for (String store : settings.stores()) {
        measureStore(store, noOp.address());
      }
    }
    List<String> closing = new ArrayList<>();
    closing.add(
        "Total run time: "
            + Duration.between(started, Instant.now()).toSeconds()
            + " s; load average (1, 5, 15 min) at the end: "
            + loadAverage());
    String report = new LoadReport(settings, measurements).write(machine, closing);
    System.out.println(report);
    if (settings.output() != null) {
      Files.writeString(settings.output(), report, StandardCharsets.UTF_8);
    }
  }

  /**
   * Populates a fresh store, starts the server on it, warms up, then measures every workload and
   * connection count: the HTTP ceiling, the storage ceiling and the server, back to back.
   */
  private void measureStore(String store, InetSocketAddress noOp) throws Exception {
    Path directory = Files.createTempDirectory(root, store + "-");
    try (Storage storage = open(store, directory)) {
      VssService service = new VssService(storage, Limits.DEFAULTS);
      populate(store, service);
      VersionBook book = new VersionBook(settings.shape(), 1);
      VersionBook scratch = new VersionBook(settings.shape(), 1);
      try (Server server = startServer(service)) {
        Endpoint.Factory direct = () -> new ServiceEndpoint(service);
        warmUp(
            store,
            List.of(http(noOp), direct, http(server.address())),
            List.of(scratch, book, book));
        for (int round = 1; round <= settings.repeats(); round++) {
          for (Workload workload : settings.workloads()) {
            for (int connections : settings.connections()) {
              String cell =
                  store
                      + ": "
                      + workload.label()
                      + ", "
                      + connections
                      + " connection(s)"
                      + (settings.repeats() > 1 ? ", round " + round : "");
              progress(cell + ": HTTP ceiling");
              measure(Scope.HTTP_CEILING, store, workload, connections, http(noOp), scratch);
              progress(cell + ": without HTTP");
              measure(Scope.STORAGE_CEILING, store, workload, connections, direct, book);
              progress(cell + ": over HTTP");
              measure(Scope.HTTP, store, workload, connections, http(server.address()), book);
            }
          }
        }
      }
    } finally {
      deleteRecursively(directory);
    }
  }

  /** The VSS server under test: where it listens, and how it stops. */
  private record Server(InetSocketAddress address, Runnable stop) implements AutoCloseable {
    @Override
    public void close() {
      stop.run();
    }
  }

  /**
   * The server as shipped ({@link VssServer}), or with {@code --workers}, {@link VssHttpHandler} in
   * the same Undertow stack with that many worker threads.
   */
  private Server startServer(VssService service) {
    HeaderAuthorizer authorizer = new HeaderAuthorizer();
    if (settings.workers() == 0) {
      VssServer server =
          VssServer.builder(service).authorizer(authorizer).bind("127.0.0.1", 0).start();
      return new Server(server.address(), server::stop);
    }
    HttpStack stack =
        HttpStack.start(
            BASE_PATH,
            new VssHttpHandler(service, authorizer, service.limits().maxRequestBodyBytes()),
            settings.workers());
    return new Server(stack.address(), stack::close);
  }

  /**
   * Runs the wallet mix and conditional puts, unmeasured, on every endpoint kind, so that the JIT
   * has compiled the paths (the server's, the store's, the client's) before the first measured
   * cell: on two cores, compiling takes a good share of the CPU for several seconds.
   */
  private void warmUp(String what, List<Endpoint.Factory> endpoints, List<VersionBook> books)
      throws Exception {
    int connections = Math.min(16, settings.shape().users());
    progress(
        what + ": warming up for " + WARM_UP_SECONDS * 2 * endpoints.size() + " s (not measured)");
    for (int i = 0; i < endpoints.size(); i++) {
      VersionBook book = books.get(i);
      for (Workload workload : List.of(Workload.WALLET_MIX, Workload.CONDITIONAL_PUT)) {
        long warmUpSeed = seed++ * 1_000_003L;
        ClosedLoop.run(
            connections,
            Duration.ZERO,
            Duration.ofSeconds(WARM_UP_SECONDS),
            endpoints.get(i),
            worker ->
                workload.generator(
                    settings.shape(), book, worker, connections, warmUpSeed + worker));
      }
    }
  }

  private void measure(
      Scope scope,
      String store,
      Workload workload,
      int connections,
      Endpoint.Factory endpoints,
      VersionBook book)
      throws Exception {
    CpuUse.Sample before = CpuUse.sample();
    long cellSeed = seed++ * 1_000_003L;
    ClosedLoop.Result result =
        ClosedLoop.run(
            connections,
            Duration.ofSeconds(settings.warmup()),
            Duration.ofSeconds(settings.seconds()),
            endpoints,
            worker ->
                workload.generator(settings.shape(), book, worker, connections, cellSeed + worker));
    Cell cell = new Cell(result, CpuUse.between(before, CpuUse.sample()));
    measurements.add(scope, store, workload, connections, cell);
    progress(
        String.format(
            Locale.ROOT,
            "  %,.0f/s, p50 %s, p99 %s, p99.9 %s, CPU %.2f + %.2f others, %.0f µs CPU/request%s",
            result.perSecond(),
            LoadReport.micros(result.latencies().percentile(50)),
            LoadReport.micros(result.latencies().percentile(99)),
            LoadReport.micros(result.latencies().percentile(99.9)),
            cell.cpu().processCores(),
            cell.cpu().otherCores(),
            cell.cpuMicrosPerRequest(),
            result.failures() == 0
                ? ""
                : ", "
                    + result.failures()
                    + " failures (first status "
                    + result.firstFailureStatus()
                    + ")"));
  }

  /**
   * The workers' HTTP connections to {@code address}. A JDK client is made per cell: a client
   * shared across servers fails requests on connections pooled for a server that has stopped.
   */
  private Endpoint.Factory http(InetSocketAddress address) {
    if (settings.client() == LoadSettings.Client.JDK) {
      return JdkHttpEndpoint.factory(JdkHttpEndpoint.newClient(), address, BASE_PATH);
    }
    return RawHttpConnection.factory(address, BASE_PATH);
  }

  private static Storage open(String store, Path directory) throws Exception {
    if (store.equals(LoadSettings.MEMORY)) {
      return new InMemoryStorage();
    }
    return StorageFactories.named(store).configurations().get(0).opener().open(directory);
  }

  /**
   * Writes every user's data and versioned keys (version 0, so the store holds version 1, as the
   * {@link VersionBook} starts), one putObjects per user, from a few threads so a store with group
   * commit fills quickly.
   */
  private void populate(String store, VssService service) throws Exception {
    LoadShape shape = settings.shape();
    progress(
        String.format(
            Locale.ROOT,
            "%s: populating %,d users with %,d keys each",
            store,
            shape.users(),
            shape.dataKeys() + shape.versionedKeys()));
    long begin = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(POPULATE_THREADS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < POPULATE_THREADS; t++) {
        int first = t;
        done.add(
            pool.submit(
                () -> {
                  byte[] value = new byte[LoadShape.VALUE_BYTES];
                  SplittableRandom random = new SplittableRandom(first);
                  for (int user = first; user < shape.users(); user += POPULATE_THREADS) {
                    PutObjectRequest.Builder put =
                        PutObjectRequest.newBuilder().setStoreId(LoadShape.STORE_ID);
                    for (int k = 0; k < shape.dataKeys() + shape.versionedKeys(); k++) {
                      random.nextBytes(value);
                      put.addTransactionItems(
                          KeyValue.newBuilder()
                              .setKey(
                                  k < shape.dataKeys()
                                      ? LoadShape.dataKey(k)
                                      : LoadShape.versionedKey(k - shape.dataKeys()))
                              .setVersion(0)
                              .setValue(ByteString.copyFrom(value)));
                    }
                    service.putObjects(LoadShape.userToken(user), put.build());
                  }
                  return null;
                }));
      }
      for (Future<?> future : done) {
        future.get();
      }
    } finally {
      pool.shutdown();
    }
    progress(
        String.format(Locale.ROOT, "  populated in %.1f s", (System.nanoTime() - begin) / 1e9));
  }

  private List<String> machine() throws IOException {
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
            + ", memory "
            + gib(memory)
            + " GiB");
    lines.add(
        "Java: "
            + System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.version")
            + ", heap max "
            + gib(Runtime.getRuntime().maxMemory())
            + " GiB, GC "
            + ManagementFactory.getGarbageCollectorMXBeans().get(0).getName()
            + "; OS: "
            + System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    lines.add("Data directory: " + root + " on " + disk.name() + " (" + disk.type() + ")");
    lines.add("Settings: " + settings.describe());
    lines.add("Load average (1, 5, 15 min) at the start: " + loadAverage());
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

  /** The system load average, which tells how much else ran on the machine; "n/a" off Linux. */
  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0] + ", " + fields[1] + ", " + fields[2];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }

  private void progress(String message) {
    log.println("[" + Instant.now() + "] " + message);
  }

  private static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / (1024.0 * 1024 * 1024));
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
