package dev.vss.bench.load;

import dev.vss.bench.StorageFactories;
import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.spi.Storage;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.PutObjectRequest;
import dev.vss.store.postgres.PostgresOptions;
import dev.vss.store.postgres.PostgresStorage;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How the cost of a put, a get and a list page grows with the records a store holds: one keyspace
 * is filled to {@link ComparisonSettings#SCALE_SMALL} records, each operation runs alone on one
 * thread for a few seconds, then the same keyspace is filled to the large size and the operations
 * run again. Through {@code VssService}, without HTTP, so the figures are the store's.
 */
final class ScalingProbe {
  private static final String USER = "scale-user";
  private static final String STORE_ID = "scale";
  private static final int ITEMS_PER_PUT = 500;
  private static final int POPULATE_THREADS = 4;
  private static final int WARM_UP_MILLIS = 1000;

  private final ComparisonSettings settings;
  private final PrintStream log;

  ScalingProbe(ComparisonSettings settings, PrintStream log) {
    this.settings = settings;
    this.log = log;
  }

  /**
   * Measures {@code store}, opened in {@code directory} (sqlite, rocksdb) or in a fresh database
   * {@code database} on {@code postgres}, and adds its three results.
   */
  void measure(
      String store,
      Path directory,
      PostgresTarget postgres,
      String database,
      ComparisonResults results)
      throws Exception {
    try (Storage storage = open(store, directory, postgres, database)) {
      VssService service = new VssService(storage, Limits.DEFAULTS);
      fill(store, service, 0, ComparisonSettings.SCALE_SMALL);
      List<LatencyHistogram> small = measureAll(store, service, ComparisonSettings.SCALE_SMALL);
      fill(store, service, ComparisonSettings.SCALE_SMALL, settings.scaleRecords());
      List<LatencyHistogram> large = measureAll(store, service, settings.scaleRecords());
      String[] operations = {"put", "get", "list page"};
      for (int i = 0; i < operations.length; i++) {
        results.addScaling(
            new ComparisonResults.Scaling(store, operations[i], small.get(i), large.get(i)));
      }
    }
  }

  private static Storage open(
      String store, Path directory, PostgresTarget postgres, String database) throws Exception {
    if (store.equals("postgres")) {
      postgres.drop(database);
      return PostgresStorage.open(PostgresOptions.fromJdbcUrl(postgres.url(database)));
    }
    return StorageFactories.named(store).configurations().get(0).opener().open(directory);
  }

  /** Writes keys {@code from} to {@code until} (exclusive), 1 KiB each, in puts of 500. */
  private void fill(String store, VssService service, int from, int until) throws Exception {
    long begin = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(POPULATE_THREADS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < POPULATE_THREADS; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  SplittableRandom random = new SplittableRandom(thread);
                  int chunks = (until - from + ITEMS_PER_PUT - 1) / ITEMS_PER_PUT;
                  for (int chunk = thread; chunk < chunks; chunk += POPULATE_THREADS) {
                    PutObjectRequest.Builder put =
                        PutObjectRequest.newBuilder().setStoreId(STORE_ID);
                    int first = from + chunk * ITEMS_PER_PUT;
                    for (int key = first; key < Math.min(until, first + ITEMS_PER_PUT); key++) {
                      put.addTransactionItems(
                          KeyValue.newBuilder()
                              .setKey(ComparisonWorkload.key(key))
                              .setVersion(-1)
                              .setValue(ComparisonWorkload.populationValue(random)));
                    }
                    service.putObjects(USER, put.build());
                    if (thread == 0 && chunk % (200 * POPULATE_THREADS) == 0 && chunk > 0) {
                      log.printf(
                          Locale.ROOT,
                          "  %s: %,d of %,d records%n",
                          store,
                          first + ITEMS_PER_PUT,
                          until);
                    }
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
    log.printf(
        Locale.ROOT,
        "  %s: filled to %,d records in %.1f s%n",
        store,
        until,
        (System.nanoTime() - begin) / 1e9);
  }

  /** Put, get and list page latencies at {@code records} records. */
  private List<LatencyHistogram> measureAll(String store, VssService service, int records) {
    SplittableRandom random = new SplittableRandom(records);
    List<LatencyHistogram> all = new ArrayList<>();
    all.add(
        run(
            () ->
                service.putObjects(
                    USER,
                    PutObjectRequest.newBuilder()
                        .setStoreId(STORE_ID)
                        .addTransactionItems(
                            KeyValue.newBuilder()
                                .setKey(ComparisonWorkload.key(random.nextInt(records)))
                                .setVersion(-1)
                                .setValue(ComparisonWorkload.populationValue(random)))
                        .build())));
    all.add(
        run(
            () ->
                service.getObject(
                    USER,
                    GetObjectRequest.newBuilder()
                        .setStoreId(STORE_ID)
                        .setKey(ComparisonWorkload.key(random.nextInt(records)))
                        .build())));
    ListKeyVersionsRequest list =
        ListKeyVersionsRequest.newBuilder().setStoreId(STORE_ID).setPageSize(100).build();
    all.add(run(() -> service.listKeyVersions(USER, list)));
    log.printf(
        Locale.ROOT,
        "  %s at %,d records: put p50 %s, get p50 %s, list page p50 %s%n",
        store,
        records,
        LoadReport.micros(all.get(0).percentile(50)),
        LoadReport.micros(all.get(1).percentile(50)),
        LoadReport.micros(all.get(2).percentile(50)));
    return all;
  }

  private LatencyHistogram run(Runnable operation) {
    long warmUpUntil = System.nanoTime() + WARM_UP_MILLIS * 1_000_000L;
    while (System.nanoTime() < warmUpUntil) {
      operation.run();
    }
    LatencyHistogram latencies = new LatencyHistogram();
    long until = System.nanoTime() + settings.scaleSeconds() * 1_000_000_000L;
    while (true) {
      long begin = System.nanoTime();
      if (begin >= until) {
        return latencies;
      }
      operation.run();
      latencies.record(System.nanoTime() - begin);
    }
  }
}
