package dev.vss.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vss.core.VssService;
import dev.vss.core.spi.Storage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The consistency suite ({@link VssConsistencySuite}: atomic visibility and linearizability) for a
 * {@link Storage} adapter, plus a crash-consistency test for durable adapters: a child JVM writes
 * under load, is killed with SIGKILL, and the store reopened over its files must hold every
 * acknowledged write, with every multi-item put whole or absent.
 *
 * <p>An adapter names how to open its store over a directory; the suite calls that both in this JVM
 * and, for the kill test, in a child JVM it starts on the same class path, which instantiates the
 * subclass through its no-argument constructor:
 *
 * <pre>{@code
 * class MyStorageConsistencyTest extends StorageConsistencySuite {
 *   @Override
 *   protected Storage openStorage(Path directory) {
 *     return MyStorage.open(directory);
 *   }
 * }
 * }</pre>
 *
 * <p>A SIGKILL loses what the process held (buffers, a write-behind queue, state only in memory)
 * but not what it handed to the OS, so the kill test catches acknowledging before the write reached
 * the OS, not a missing fsync; surviving power loss needs the adapter's own evidence.
 */
public abstract class StorageConsistencySuite extends VssConsistencySuite {
  private static final long CHILD_DEADLINE_SECONDS = 120;

  private Path scratch;
  private Storage storage;

  /**
   * Opens the store kept in {@code directory} (which exists, empty the first time), creating it
   * when empty. Called in this JVM for every test and, by the kill test, in child JVMs, on an
   * instance made with the subclass's no-argument constructor: it must not depend on fields that
   * JUnit injects.
   *
   * @throws Exception if it cannot be opened; the test then fails
   */
  protected abstract Storage openStorage(Path directory) throws Exception;

  /**
   * Releases a storage opened by {@link #openStorage(Path)}; closes it unless overridden. The
   * directories are deleted by the suite.
   *
   * @throws Exception if releasing fails; the test then fails
   */
  protected void closeStorage(Storage storage) throws Exception {
    storage.close();
  }

  /**
   * What the store supports. Defaults to {@link Capability#all()}; a store held in memory leaves
   * out {@link Capability#DURABLE} and the kill test is skipped with a reason naming it.
   */
  @Override
  protected Set<Capability> capabilities() {
    return Capability.all();
  }

  /** How many times the kill test starts, kills and verifies the store; defaults to 3. */
  protected int crashCycles() {
    return 3;
  }

  /** How many writer threads (one keyspace each) the killed child runs; defaults to 4. */
  protected int crashWriters() {
    return 4;
  }

  /**
   * JVM options of the killed child; defaults to a small heap and a quick start ({@code -Xmx256m
   * -XX:+UseSerialGC -XX:TieredStopAtLevel=1}).
   */
  protected List<String> crashChildJvmOptions() {
    return List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
  }

  /**
   * Adjusts the child's process (for example its environment) before it starts; {@code scratch} is
   * a directory of the test's that is deleted afterwards. Does nothing unless overridden.
   */
  protected void configureCrashChild(ProcessBuilder child, Path scratch) {}

  @Override
  protected final VssEndpoint newEndpoint() throws Exception {
    scratch = Files.createTempDirectory("vss-consistency");
    storage = openStorage(Files.createDirectories(scratch.resolve("store")));
    return VssEndpoint.of(new VssService(storage, limits()));
  }

  @Override
  protected final void closeEndpoint(VssEndpoint endpoint) throws Exception {
    Storage used = storage;
    storage = null;
    try {
      if (used != null) {
        closeStorage(used);
      }
    } finally {
      deleteRecursively(scratch);
    }
  }

  /**
   * Kills a child JVM writing multi-item puts from {@link #crashWriters()} threads with SIGKILL
   * after a random number of acknowledgements, reopens the store here and checks that every
   * acknowledged put is there (at most the one put per writer in flight beyond it), that every put
   * is all or nothing (values, versions, deletes, global version, creation order and store-wide
   * unique sequences), that a store tracking usage reports exactly the usage of the data it holds
   * (the child writes under quotas then, so its writes also read usage), then repeats on the same
   * files, so each cycle also recovers what the earlier kills left. See {@link CrashWorkload} for
   * the puts.
   */
  @Test
  public void acknowledgedWritesSurviveSigkill() throws Exception {
    Capability.assume(capabilities(), Capability.DURABLE);
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    Path data = Files.createDirectories(scratch.resolve("crash"));
    long[] acknowledged = new long[crashWriters()];
    for (int cycle = 1; cycle <= crashCycles(); cycle++) {
      int killAfter = 50 + random.nextInt(250);
      runAndKill(data, cycle, killAfter, acknowledged);
      String context =
          "seed "
              + seed
              + ", cycle "
              + cycle
              + " killed after "
              + killAfter
              + " acknowledgements, last acknowledged rounds "
              + Arrays.toString(acknowledged);
      Storage reopened = openStorage(data);
      try {
        Set<Long> sequences = new HashSet<>();
        for (int writer = 0; writer < acknowledged.length; writer++) {
          long rounds = CrashWorkload.verify(reopened, alice, writer, sequences, context);
          assertThat(rounds)
              .as("%s, writer %d: rounds in the store after the kill", context, writer)
              .isBetween(acknowledged[writer], acknowledged[writer] + 1);
          // The next child resumes after the stored round.
          acknowledged[writer] = rounds;
        }
        CrashWorkload.verifyUsage(reopened, alice, acknowledged.length, context);
      } finally {
        closeStorage(reopened);
      }
    }
  }

  private void runAndKill(Path data, int cycle, int killAfter, long[] acknowledged)
      throws Exception {
    Path log = scratch.resolve("child-" + cycle + ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(crashChildJvmOptions());
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            CrashWorkload.class.getName(),
            getClass().getName(),
            data.toString(),
            Integer.toString(acknowledged.length),
            alice));
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
    configureCrashChild(builder, scratch);
    Process child = builder.start();
    // A child that hangs must not hang the build: kill it after a generous deadline, which ends
    // the read loop with too few acknowledgements and fails the test.
    CompletableFuture.runAsync(
        () -> child.toHandle().destroyForcibly(),
        CompletableFuture.delayedExecutor(CHILD_DEADLINE_SECONDS, TimeUnit.SECONDS));
    int acks = 0;
    boolean killed = false;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      // Reads to the end, also after the kill: acknowledgements still in the pipe count too.
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        String[] parts = line.split(" ");
        if (parts.length != 3 || !parts[0].equals("ACK")) {
          continue; // not an acknowledgement (a line cut by the kill acknowledges nothing)
        }
        int writer = Integer.parseInt(parts[1]);
        long round = Long.parseLong(parts[2]);
        assertThat(round)
            .as("cycle %d: rounds of writer %d are acknowledged in order", cycle, writer)
            .isEqualTo(acknowledged[writer] + 1);
        acknowledged[writer] = round;
        if (++acks == killAfter) {
          // SIGKILL on Unix. Through the handle, unlike Process.destroyForcibly, our end of the
          // pipe stays open, so the acknowledgements already written are still read.
          killed = child.toHandle().destroyForcibly();
        }
      }
    } finally {
      child.toHandle().destroyForcibly();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child ended").isTrue();
    }
    assertThat(killed)
        .as(
            "cycle %d: the child ended after %d of %d acknowledgements, before the"
                + " kill; its output:%n%s",
            cycle, acks, killAfter, CrashWorkload.readLog(log))
        .isTrue();
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
