package dev.vss.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vss.core.Keyspace;
import dev.vss.core.spi.KeyVersion;
import dev.vss.core.spi.StoredRecord;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC section 7 under a process kill: a child JVM writes under concurrent load and reports every
 * acknowledged put; it is killed with SIGKILL mid-load; the store is reopened and must hold every
 * acknowledged put with its versions and values, and every multi-item put wholly or not at all.
 * Several cycles run on the same file, so each reopen also recovers a file that earlier kills left.
 *
 * <p>A SIGKILL loses what the process held but not what the OS holds; losing power or the OS is not
 * simulated here (that is what {@code synchronous=FULL}'s fsync is for).
 */
class SigkillDurabilityTest {
  private static final int CYCLES = 5;
  private static final int THREADS = 8;
  private static final long CHILD_DEADLINE_SECONDS = 120;

  @TempDir Path dir;

  @Test
  void everyAcknowledgedWriteSurvivesSigkill() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Path data = dir.resolve("data");
    // Committed steps per keyspace, as verified after the kill that ended its cycle.
    Map<Keyspace, Long> committed = new HashMap<>();
    for (int cycle = 0; cycle < CYCLES; cycle++) {
      int killAfter = 100 + random.nextInt(800);
      long[] acknowledged = runAndKill(data, cycle, killAfter);
      String context =
          "seed "
              + seed
              + ", cycle "
              + cycle
              + ", killed after "
              + killAfter
              + " acks, acknowledged steps "
              + Arrays.toString(acknowledged);
      try (SqliteStorage storage = SqliteStorage.open(data)) {
        for (int thread = 0; thread < THREADS; thread++) {
          Keyspace keyspace = DurabilityWorkload.keyspace(cycle, thread);
          long steps = verifyKeyspace(storage, cycle, thread, context);
          // Every acknowledged step is there; at most the one step in flight beyond it.
          assertThat(steps)
              .as(context + ", thread " + thread)
              .isBetween(acknowledged[thread] + 1, acknowledged[thread] + 2);
          committed.put(keyspace, steps);
        }
        // Earlier cycles' data is untouched by later loads, kills and recoveries.
        for (Map.Entry<Keyspace, Long> earlier : committed.entrySet()) {
          String storeId = earlier.getKey().storeId();
          int c = Integer.parseInt(storeId.substring(1, storeId.indexOf('-')));
          int t = Integer.parseInt(storeId.substring(storeId.indexOf("-t") + 2));
          assertThat(verifyKeyspace(storage, c, t, context)).isEqualTo(earlier.getValue());
        }
      }
    }
  }

  /**
   * Starts the workload, kills it with SIGKILL once {@code killAfter} puts were acknowledged, and
   * returns the last acknowledged step of each thread (-1 when none).
   */
  private long[] runAndKill(Path data, int cycle, int killAfter) throws Exception {
    Path log = dir.resolve("child-" + cycle + ".log");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                DurabilityWorkload.class.getName(),
                data.toString(),
                Integer.toString(cycle),
                Integer.toString(THREADS))
            .redirectError(log.toFile())
            .start();
    // A child that hangs must not hang the build: kill it after a generous deadline, which ends
    // the read loop below with too few acknowledgements and fails the test.
    CompletableFuture.runAsync(
        () -> child.toHandle().destroyForcibly(),
        CompletableFuture.delayedExecutor(CHILD_DEADLINE_SECONDS, TimeUnit.SECONDS));
    long[] acknowledged = new long[THREADS];
    Arrays.fill(acknowledged, -1);
    int acks = 0;
    boolean killed = false;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        String[] parts = line.split(" ");
        if (parts.length != 4 || !parts[0].equals("ACK") || !parts[3].equals("END")) {
          continue; // a line cut by the kill acknowledges nothing
        }
        int thread = Integer.parseInt(parts[1]);
        long step = Long.parseLong(parts[2]);
        assertThat(step).isEqualTo(acknowledged[thread] + 1);
        acknowledged[thread] = step;
        if (++acks == killAfter && !killed) {
          // SIGKILL on Unix. Through the handle, unlike Process.destroyForcibly, the pipe stays
          // open so the acknowledgements already written are still read below.
          child.toHandle().destroyForcibly();
          killed = true;
        }
      }
    } finally {
      if (!killed) {
        child.destroyForcibly();
      }
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(killed)
        .as(
            "the child died or hung before %d acks:%n%s",
            killAfter, Files.exists(log) ? Files.readString(log) : "(no log)")
        .isTrue();
    assertThat(child.exitValue()).isEqualTo(137); // 128 + SIGKILL
    return acknowledged;
  }

  /**
   * Checks one workload keyspace against the invariant of {@link DurabilityWorkload} and returns
   * how many steps it committed.
   */
  private static long verifyKeyspace(SqliteStorage storage, int cycle, int thread, String context) {
    Keyspace keyspace = DurabilityWorkload.keyspace(cycle, thread);
    String where = context + ", keyspace " + keyspace.storeId();
    Optional<StoredRecord> counter = storage.get(keyspace, "counter");
    long steps = counter.map(StoredRecord::version).orElse(0L);
    assertThat(storage.globalVersion(keyspace)).as(where).isEqualTo(steps);
    counter.ifPresent(
        record ->
            assertThat(record.value().toStringUtf8())
                .as(where)
                .isEqualTo(Long.toString(steps - 1)));
    for (long step = 0; step < steps; step++) {
      StoredRecord a =
          storage
              .get(keyspace, step + "/a")
              .orElseThrow(
                  () -> new AssertionError(where + ": a committed step lost its 'a' item"));
      assertThat(a.version()).as(where).isEqualTo(1);
      assertThat(a.value()).as(where).isEqualTo(DurabilityWorkload.value(cycle, thread, step, 'a'));
      Optional<StoredRecord> b = storage.get(keyspace, step + "/b");
      if (step == steps - 1) {
        assertThat(b).as(where + ": newest 'b' of step " + step).isPresent();
        assertThat(b.get().value()).isEqualTo(DurabilityWorkload.value(cycle, thread, step, 'b'));
      } else {
        assertThat(b).as(where + ": 'b' of step " + step + " was deleted by the next").isEmpty();
      }
    }
    // Nothing of an uncommitted step is visible: the whole keyspace is exactly the invariant.
    List<String> listed = new ArrayList<>();
    for (KeyVersion entry : storage.list(keyspace, "", Long.MAX_VALUE, 100_000)) {
      listed.add(entry.key());
    }
    assertThat(listed).as(where).hasSize(steps == 0 ? 0 : (int) steps + 2);
    assertThat(storage.get(keyspace, steps + "/a")).as(where).isEmpty();
    assertThat(storage.get(keyspace, steps + "/b")).as(where).isEmpty();
    return steps;
  }
}
