package dev.vss.store.sqlite;

import static dev.vss.store.sqlite.SqliteStorageTest.item;
import static dev.vss.store.sqlite.SqliteStorageTest.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vss.core.Keyspace;
import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.spi.StorageException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only one store at a time opens a data directory: across processes and within one. */
class DirectoryLockTest {
  private static final Keyspace WALLET = new Keyspace("alice", "wallet");

  @TempDir Path dir;

  @Test
  void aSecondProcessIsRefusedWithOneLineNamingTheDirectory() throws Exception {
    Path data = dir.resolve("data");
    try (SqliteStorage storage = SqliteStorage.open(data)) {
      try (ChildStore.Child child = new ChildStore.Child(data, "hold")) {
        String line = child.nextLine();
        assertThat(line)
            .startsWith("REFUSED ")
            .contains("data directory " + data.toAbsolutePath())
            .contains("already in use by another process")
            .doesNotContain("\n");
        assertThat(child.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.process.exitValue()).isEqualTo(3);
      }
      // The refused opener touched nothing: this store goes on.
      new VssService(storage, Limits.DEFAULTS)
          .putObjects("alice", put("wallet", null, item("a", 0, "1")));
    }
    // Released on close: another process opens it now.
    try (ChildStore.Child child = new ChildStore.Child(data, "hold")) {
      assertThat(child.nextLine()).isEqualTo("OPEN");
    }
  }

  @Test
  void aKilledHolderLeavesNoStaleLock() throws Exception {
    Path data = dir.resolve("data");
    try (ChildStore.Child child = new ChildStore.Child(data, "hold")) {
      assertThat(child.nextLine()).isEqualTo("OPEN");
      assertThatThrownBy(() -> SqliteStorage.open(data))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("data directory " + data.toAbsolutePath())
          .hasMessageContaining("already in use by another process");
      child.kill(); // SIGKILL: no close, the OS releases the lock
    }
    try (SqliteStorage storage = SqliteStorage.open(data)) {
      storage.checkHealth();
    }
  }

  @Test
  void aSecondOpenInThisProcessIsRefusedAndTheFirstKeepsItsLock() throws Exception {
    Path data = dir.resolve("data");
    try (SqliteStorage first = SqliteStorage.open(data)) {
      assertThatThrownBy(() -> SqliteStorage.open(data))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("data directory " + data.toAbsolutePath())
          .hasMessageContaining("already in use by another SQLite storage in this process");
      // The same directory under another spelling is the same directory.
      assertThatThrownBy(() -> SqliteStorage.open(data.resolve("..").resolve("data")))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("already in use");
      // The refused attempts did not release the OS lock: another process is still refused.
      try (ChildStore.Child child = new ChildStore.Child(data, "hold")) {
        assertThat(child.nextLine()).startsWith("REFUSED ");
      }
      new VssService(first, Limits.DEFAULTS)
          .putObjects("alice", put("wallet", null, item("a", 0, "1")));
    }
    try (SqliteStorage again = SqliteStorage.open(data)) {
      assertThat(again.get(WALLET, "a")).isPresent();
    }
  }
}
