package dev.vss.store.rocksdb;

import com.google.protobuf.ByteString;
import dev.vss.core.Keyspace;
import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.spi.KeyVersion;
import dev.vss.core.spi.WritePlan;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A stand-alone measurement of the RocksDB adapter (not a test; run by hand, see
 * docs/benchmarks/vss-store-rocksdb.md). It exists until the shared {@code vss-bench} harness runs
 * RocksDB next to SQLite.
 *
 * <p>Usage: {@code java -cp <test classpath> dev.vss.store.rocksdb.RocksDbMeasurement <scratch dir>
 * [seconds per point] [all|puts-only|lists-only]}.
 */
final class RocksDbMeasurement {
  private static final String USER = "bench";
  private static final ByteString VALUE_1K = ByteString.copyFrom(new byte[1024]);

  private RocksDbMeasurement() {}

  public static void main(String[] args) throws Exception {
    Path scratch = Path.of(args[0]);
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    System.out.printf("cores=%d java=%s%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    String mode = args.length > 2 ? args[2] : "all";
    for (int writers : mode.equals("lists-only") ? new int[0] : new int[] {1, 8, 64}) {
      Path dir = fresh(scratch, "puts-" + writers);
      try (RocksDbStorage storage = RocksDbStorage.open(dir)) {
        double rate = durablePuts(new VssService(storage, Limits.DEFAULTS), writers, seconds);
        System.out.printf("durable puts/s, %2d writers (one keyspace each, 1 KiB upsert): %,.0f%n",
            writers, rate);
      }
    }
    if (mode.equals("puts-only")) {
      return;
    }
    Path dir = fresh(scratch, "reads");
    try (RocksDbStorage storage = RocksDbStorage.open(dir)) {
      VssService vss = new VssService(storage, Limits.DEFAULTS);
      populate(storage, new Keyspace(USER, "gets"), 10_000, VALUE_1K);
      for (int readers : mode.equals("lists-only") ? new int[0] : new int[] {1, 8}) {
        System.out.printf("gets/s, %d readers (10^4 keys of 1 KiB, random key): %,.0f%n",
            readers, gets(vss, readers, 10_000, seconds));
      }
      ByteString small = ByteString.copyFrom(new byte[64]);
      for (int size : new int[] {1_000, 1_000_000}) {
        Keyspace keyspace = new Keyspace(USER, "list-" + size);
        populate(storage, keyspace, size, small, true);
        // A neighbouring keyspace, so scans would show it if they ran past the bounds.
        populate(storage, new Keyspace(USER, "list-" + size + "x"), 1_000, small);
        listLatency(storage, keyspace, size);
      }
    }
  }

  private static Path fresh(Path scratch, String name) throws IOException {
    Path dir = scratch.resolve(name);
    if (Files.exists(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted((a, b) -> b.compareTo(a)).collect(Collectors.toList())) {
          Files.delete(p);
        }
      }
    }
    return dir;
  }

  private static double durablePuts(VssService vss, int writers, int seconds)
      throws InterruptedException {
    AtomicBoolean measuring = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    LongAdder done = new LongAdder();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      String storeId = "w" + w;
      Thread thread = new Thread(() -> {
        long i = 0;
        while (!stop.get()) {
          vss.putObjects(USER, PutObjectRequest.newBuilder().setStoreId(storeId)
              .addTransactionItems(KeyValue.newBuilder().setKey("k" + (i++ % 1000))
                  .setVersion(-1).setValue(VALUE_1K))
              .build());
          if (measuring.get()) {
            done.increment();
          }
        }
      });
      thread.start();
      threads.add(thread);
    }
    Thread.sleep(1000);
    measuring.set(true);
    long start = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    measuring.set(false);
    double elapsed = (System.nanoTime() - start) / 1e9;
    long count = done.sum();
    stop.set(true);
    for (Thread thread : threads) {
      thread.join();
    }
    return count / elapsed;
  }

  private static double gets(VssService vss, int readers, int keys, int seconds)
      throws InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    LongAdder done = new LongAdder();
    List<Thread> threads = new ArrayList<>();
    for (int r = 0; r < readers; r++) {
      Thread thread = new Thread(() -> {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (!stop.get()) {
          vss.getObject(USER, GetObjectRequest.newBuilder().setStoreId("gets")
              .setKey("k" + random.nextInt(keys)).build());
          done.increment();
        }
      });
      threads.add(thread);
    }
    threads.forEach(Thread::start);
    Thread.sleep(1000);
    long before = done.sum();
    long start = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    long count = done.sum() - before;
    double elapsed = (System.nanoTime() - start) / 1e9;
    stop.set(true);
    for (Thread thread : threads) {
      thread.join();
    }
    return count / elapsed;
  }

  /** Writes {@code count} keys in batches of 1000 (a full putObjects each). */
  private static void populate(RocksDbStorage storage, Keyspace keyspace, int count,
      ByteString value) {
    populate(storage, keyspace, count, value, false);
  }

  private static void populate(RocksDbStorage storage, Keyspace keyspace, int count,
      ByteString value, boolean tagged) {
    for (int from = 0; from < count; from += 1000) {
      List<WritePlan.Upsert> upserts = new ArrayList<>();
      for (int i = from; i < Math.min(count, from + 1000); i++) {
        // "k<i>" for the get benchmark; a tag cycling through 0..9 makes any "t<d>/" prefix match
        // every tenth key, uniformly over the creation order, and "t0/s/" every thousandth.
        upserts.add(new WritePlan.Upsert(
            tagged ? "t" + (i % 10) + "/" + (i % 1000 == 0 ? "s/" : "") + i : "k" + i, 1, value));
      }
      storage.write(keyspace, Set.of(), view ->
          WritePlan.apply(upserts, List.of(), OptionalLong.empty(), null));
    }
  }

  /** First page, a page from the middle of the listing, and a selective prefix; 100 per page. */
  private static void listLatency(RocksDbStorage storage, Keyspace keyspace, int size) {
    int iterations = 2000;
    long newest = storage.list(keyspace, "", Long.MAX_VALUE, 1).get(0).sequence();
    long oldest = newest - size + 1;
    long[] first = new long[iterations];
    long[] middle = new long[iterations];
    long[] prefixed = new long[iterations];
    long[] sparse = new long[iterations / 20];
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int round = 0; round < 2; round++) { // the first round warms up
      for (int i = 0; i < iterations; i++) {
        long t0 = System.nanoTime();
        List<KeyVersion> page = storage.list(keyspace, "", Long.MAX_VALUE, 100);
        long t1 = System.nanoTime();
        List<KeyVersion> mid = storage.list(keyspace, "",
            oldest + 100 + random.nextLong(size - 100), 100);
        long t2 = System.nanoTime();
        // "t3/" matches every tenth key, so one page scans about 1000 index entries.
        List<KeyVersion> pre = storage.list(keyspace, "t3/", Long.MAX_VALUE, 100);
        long t3 = System.nanoTime();
        if (page.size() != 100 || mid.size() != 100 || pre.size() != 100) {
          throw new IllegalStateException("short page");
        }
        if (i < sparse.length) {
          long t4 = System.nanoTime();
          List<KeyVersion> rare = storage.list(keyspace, "t0/s/", Long.MAX_VALUE, 100);
          sparse[i] = System.nanoTime() - t4;
          if (rare.size() != Math.min(100, size / 1000)) {
            throw new IllegalStateException("sparse page has " + rare.size());
          }
        }
        first[i] = t1 - t0;
        middle[i] = t2 - t1;
        prefixed[i] = t3 - t2;
      }
    }
    System.out.printf("list page of 100, %,d keys: first page p50 %s p99 %s; random page p50 %s"
        + " p99 %s; prefix 't3/' (1 in 10 keys) p50 %s p99 %s%n", size, micros(first, 50), micros(first, 99),
        micros(middle, 50), micros(middle, 99), micros(prefixed, 50), micros(prefixed, 99));
    System.out.printf("  sparse prefix 't0/s/' (1 in 1000 keys) p50 %s p99 %s%n",
        micros(sparse, 50), micros(sparse, 99));
  }

  private static String micros(long[] nanos, int percentile) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return String.format("%.0f us", sorted[(sorted.length - 1) * percentile / 100] / 1e3);
  }
}
