package dev.vss.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import dev.vss.core.Keyspace;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.StoredRecord;
import dev.vss.core.spi.WritePlan;
import dev.vss.core.spi.WritePlan.Upsert;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readiness on a disk that really fills up: the store runs on a 16 MiB tmpfs mounted for the test,
 * so writes fail with the kernel's ENOSPC, RocksDB's own full-disk handling stops writes, and
 * freeing space lets it resume. {@link RocksDbStorage#checkHealth()} (what {@code /ready} calls)
 * must fail while writes fail and pass again once they work.
 *
 * <p>Mounting needs root (CI runs as root). As another user the test is skipped with a message; as
 * root a failed mount fails the test, so CI cannot skip it silently.
 */
class DiskFullReadinessTest {
  private static final Keyspace ALICE = new Keyspace("alice", "wallet");
  private static final int VALUE_BYTES = 64 * 1024;
  private static final long RECOVERY_DEADLINE_SECONDS = 120;

  @TempDir Path tmp;
  private Path mount;
  private boolean mounted;

  @BeforeEach
  void mountASmallFilesystem() throws IOException, InterruptedException {
    Path self = Path.of("/proc/self");
    assumeTrue(Files.exists(self), "needs Linux to mount a tmpfs");
    int uid = (Integer) Files.getAttribute(self, "unix:uid");
    assumeTrue(uid == 0, "needs root to mount a small tmpfs; run the build as root to include it");
    mount = Files.createDirectory(tmp.resolve("small-disk"));
    String output =
        run("mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs", mount.toString());
    if (output != null) {
      fail(
          "running as root but cannot mount a tmpfs (a container without CAP_SYS_ADMIN?): "
              + output);
    }
    mounted = true;
  }

  @AfterEach
  void unmount() throws IOException, InterruptedException {
    if (mounted && run("umount", mount.toString()) != null) {
      run("umount", "-l", mount.toString());
    }
  }

  @Test
  void notReadyWhileTheDiskIsFullAndReadyAgainWhenSpaceReturns() throws Exception {
    Path filler = mount.resolve("filler");
    Files.write(filler, new byte[6 * 1024 * 1024]);
    Path dir = mount.resolve("store");
    RocksDbOptions small =
        RocksDbOptions.DEFAULTS.withWriteBufferBytes(1L << 20).withBlockCacheBytes(8L << 20);
    Random random = new Random(42);
    List<ByteString> acknowledged = new ArrayList<>();

    try (RocksDbStorage storage = RocksDbStorage.open(dir, small)) {
      storage.checkHealth();
      StorageException full = null;
      while (full == null) {
        ByteString value = randomValue(random);
        try {
          put(storage, "k" + acknowledged.size(), value);
          acknowledged.add(value);
        } catch (StorageException e) {
          full = e;
        }
        if (acknowledged.size() > 1000) {
          fail("64 MiB written to a 16 MiB filesystem without a failed write");
        }
      }
      assertThat(full.getCause()).hasMessageContaining("No space left on device");

      // Every write fails now, and readiness says so, also when asked again.
      assertThatThrownBy(storage::checkHealth)
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("cannot take writes");
      assertThatThrownBy(() -> put(storage, "more", randomValue(random)))
          .isInstanceOf(StorageException.class);
      assertThatThrownBy(storage::checkHealth).isInstanceOf(StorageException.class);

      Files.delete(filler);
      // RocksDB resumes by itself once it sees free space (it looks every 5 s); readiness follows
      // at the next probe. Deadline only, no timing assertion.
      awaitReady(storage);
      put(storage, "after", randomValue(random));
      assertAcknowledgedPresent(storage, acknowledged);
    }
    try (RocksDbStorage storage = RocksDbStorage.open(dir, small)) {
      assertAcknowledgedPresent(storage, acknowledged);
      assertThat(storage.get(ALICE, "after")).isPresent();
      storage.checkHealth();
    }
  }

  private static void awaitReady(RocksDbStorage storage) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RECOVERY_DEADLINE_SECONDS);
    while (true) {
      try {
        storage.checkHealth();
        return;
      } catch (StorageException e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "still not ready " + RECOVERY_DEADLINE_SECONDS + " s after space was freed", e);
        }
        Thread.sleep(250);
      }
    }
  }

  private static void assertAcknowledgedPresent(
      RocksDbStorage storage, List<ByteString> acknowledged) {
    for (int i = 0; i < acknowledged.size(); i++) {
      assertThat(storage.get(ALICE, "k" + i))
          .as("acknowledged k" + i)
          .map(StoredRecord::value)
          .contains(acknowledged.get(i));
    }
  }

  private static void put(RocksDbStorage storage, String key, ByteString value) {
    storage.write(
        ALICE,
        Set.of(key),
        view ->
            WritePlan.apply(
                List.of(new Upsert(key, 1, value)), List.of(), OptionalLong.empty(), null));
  }

  private static ByteString randomValue(Random random) {
    byte[] bytes = new byte[VALUE_BYTES];
    random.nextBytes(bytes);
    return ByteString.copyFrom(bytes);
  }

  /** Runs a command; returns null on success, else its exit status and output. */
  private static String run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int status = process.waitFor();
    return status == 0
        ? null
        : "'" + String.join(" ", command) + "' exited with " + status + ": " + output.strip();
  }
}
