package dev.vss.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.vss.core.Keyspace;
import dev.vss.core.spi.KeyVersion;
import dev.vss.core.spi.StoredRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writing JVM with SIGKILL, several times over the same store, and checks after each kill
 * that every acknowledged write is there and every multi-item put is all-or-nothing.
 *
 * <p>A SIGKILL loses whatever the process held in memory, so this catches acknowledging before the
 * batch reached the OS, partial batches, and sequence or global-version state kept only in memory.
 * It cannot simulate power loss (the page cache survives a process kill); {@code sync=true} on
 * every batch is what covers that, and the README says so.
 */
class KillDurabilityTest {
  private static final int CYCLES = 8;
  private static final int WRITERS = 6;
  private static final long CHILD_TIMEOUT_SECONDS = 60;

  @TempDir Path tmp;

  @Test
  void everyAcknowledgedWriteSurvivesSigkillAndPutsStayAtomic() throws Exception {
    Path store = tmp.resolve("store");
    Random random = new Random();
    long[] acknowledged = new long[WRITERS];
    for (int cycle = 1; cycle <= CYCLES; cycle++) {
      // Kill after a varying number of acknowledgements, so kills land at different points.
      int killAfter = 200 + random.nextInt(600);
      runAndKill(store, killAfter, acknowledged, cycle);
      verify(store, acknowledged, cycle);
    }
  }

  private void runAndKill(Path store, int killAfter, long[] acknowledged, int cycle)
      throws IOException, InterruptedException {
    Path libraries = Files.createDirectories(tmp.resolve("native"));
    Path stderr = tmp.resolve("child-" + cycle + ".err");
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                KillDurabilityChild.class.getName(),
                store.toString(),
                Integer.toString(WRITERS))
            .redirectError(stderr.toFile());
    // RocksDB extracts its native library per process; a killed process cannot delete its copy,
    // so let it land in the test's temporary directory.
    builder.environment().put("ROCKSDB_SHAREDLIB_DIR", libraries.toString());
    Process child = builder.start();
    int seen = 0;
    boolean killed = false;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      // Reads to the end, also after the kill: acknowledgements still in the pipe count too.
      while ((line = out.readLine()) != null) {
        String[] parts = line.split(" ");
        assertThat(parts[0]).as("child output").isEqualTo("ACK");
        int writer = Integer.parseInt(parts[1]);
        long round = Long.parseLong(parts[2]);
        assertThat(round)
            .as("rounds of writer %d are acknowledged in order", writer)
            .isEqualTo(acknowledged[writer] + 1);
        acknowledged[writer] = round;
        if (++seen == killAfter) {
          // SIGKILL through the handle: Process.destroyForcibly would also close our end of the
          // pipe, losing the acknowledgements still buffered in it.
          child.toHandle().destroyForcibly();
          killed = true;
        }
      }
    } finally {
      if (!child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
    }
    if (!killed) {
      fail(
          "child exited (code %d) after %d acknowledgements, before the kill; stderr:%n%s",
          child.exitValue(), seen, Files.readString(stderr));
    }
  }

  private static void verify(Path store, long[] acknowledged, int cycle) {
    Set<Long> sequences = new HashSet<>();
    try (RocksDbStorage storage = RocksDbStorage.open(store)) {
      for (int writer = 0; writer < WRITERS; writer++) {
        Keyspace keyspace = KillDurabilityChild.keyspace(writer);
        long rounds = storage.globalVersion(keyspace);
        String where = "cycle " + cycle + ", writer " + writer;
        // Every acknowledged round is there; at most one more committed without its ACK printed.
        assertThat(rounds).as(where).isBetween(acknowledged[writer], acknowledged[writer] + 1);
        // The child resumes from the stored round, so the next ACK follows it.
        acknowledged[writer] = rounds;
        if (rounds == 0) {
          assertThat(storage.list(keyspace, "", Long.MAX_VALUE, 10)).as(where).isEmpty();
          continue;
        }

        StoredRecord counter = storage.get(keyspace, "counter").orElseThrow();
        assertThat(counter.version()).as(where).isEqualTo(rounds);
        assertThat(counter.value().toStringUtf8()).as(where).isEqualTo(Long.toString(rounds));
        for (long round = 1; round <= rounds; round++) {
          StoredRecord a =
              storage
                  .get(keyspace, KillDurabilityChild.createdKey(round, "a"))
                  .orElseThrow(
                      () -> new AssertionError(where + ": a key of a committed round is lost"));
          assertThat(a.version()).isEqualTo(1);
          assertThat(a.value()).isEqualTo(KillDurabilityChild.bigValue(writer, round));
        }
        StoredRecord b =
            storage.get(keyspace, KillDurabilityChild.createdKey(rounds, "b")).orElseThrow();
        assertThat(b.value().toStringUtf8()).isEqualTo(Long.toString(rounds));

        // The index holds exactly the live keys, newest creation first: every a, the last b,
        // and the counter created in round 1. Nothing of an uncommitted round is anywhere.
        List<KeyVersion> listed = listAll(storage, keyspace);
        List<String> expected = new ArrayList<>();
        expected.add(KillDurabilityChild.createdKey(rounds, "b"));
        expected.add(KillDurabilityChild.createdKey(rounds, "a"));
        for (long round = rounds - 1; round >= 1; round--) {
          expected.add(KillDurabilityChild.createdKey(round, "a"));
        }
        expected.add("counter");
        assertThat(listed)
            .extracting(KeyVersion::key)
            .as(where)
            .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(listed.stream().filter(e -> e.key().endsWith("/a")).map(KeyVersion::key))
            .as(where + ": creation order")
            .containsExactlyElementsOf(expected.stream().filter(k -> k.endsWith("/a")).toList());
        for (KeyVersion entry : listed) {
          assertThat(sequences.add(entry.sequence()))
              .as(where + ": sequence " + entry.sequence() + " used twice")
              .isTrue();
        }
      }
    }
  }

  private static List<KeyVersion> listAll(RocksDbStorage storage, Keyspace keyspace) {
    List<KeyVersion> all = new ArrayList<>();
    long before = Long.MAX_VALUE;
    while (true) {
      List<KeyVersion> page = storage.list(keyspace, "", before, 500);
      if (page.isEmpty()) {
        return all;
      }
      for (KeyVersion entry : page) {
        assertThat(entry.sequence()).isLessThan(before);
        before = entry.sequence();
      }
      all.addAll(page);
    }
  }
}
