package dev.vss.store.sqlite;

import static dev.vss.store.sqlite.SqliteStorageTest.item;
import static dev.vss.store.sqlite.SqliteStorageTest.put;

import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.spi.StorageException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM holding a store, for process-level tests. Arguments: data directory, then {@code
 * hold} (open and wait) or {@code write <n>} (open, switch automatic checkpoints and the checkpoint
 * thread off so every commit stays in the write-ahead log, write puts {@code k0..k<n-1>} of store
 * {@code wal} one transaction each, then wait). Prints {@code OPEN}, {@code DONE <n>} or {@code
 * REFUSED <message>} (and exits 3) on standard output, and waits until killed.
 */
public final class ChildStore {
  private ChildStore() {}

  /** See the class comment. */
  public static void main(String[] args) throws Exception {
    SqliteStorage storage;
    try {
      storage = SqliteStorage.open(Path.of(args[0]));
    } catch (StorageException e) {
      System.out.println("REFUSED " + e.getMessage());
      System.out.flush();
      System.exit(3);
      return;
    }
    System.out.println("OPEN");
    System.out.flush();
    if (args.length > 2 && args[1].equals("write")) {
      storage
          .writer()
          .onConnection(
              connection -> {
                try (Statement statement = connection.createStatement()) {
                  statement.execute("PRAGMA wal_autocheckpoint = 0");
                }
              });
      // And the checkpoint thread's: it would copy the log into the file within 200 ms.
      storage.checkpointer().close();
      VssService vss = new VssService(storage, Limits.DEFAULTS);
      int count = Integer.parseInt(args[2]);
      for (int i = 0; i < count; i++) {
        vss.putObjects("alice", put("wal", null, item("k" + i, 0, value(i))));
      }
      System.out.println("DONE " + count);
      System.out.flush();
    }
    Thread.currentThread().join(); // until killed
  }

  /** The value of put {@code i}. */
  static String value(int i) {
    return "value-" + i + "-".repeat(200);
  }

  /** A started child and its standard output. */
  static final class Child implements AutoCloseable {
    final Process process;
    final BufferedReader out;

    Child(Path dataDirectory, String... mode) throws IOException {
      String[] command = new String[5 + mode.length];
      command[0] = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      command[1] = "-cp";
      command[2] = System.getProperty("java.class.path");
      command[3] = ChildStore.class.getName();
      command[4] = dataDirectory.toString();
      System.arraycopy(mode, 0, command, 5, mode.length);
      process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** The next line the child printed that is not a log line; null if it ended. */
    String nextLine() throws IOException {
      return out.readLine();
    }

    /** SIGKILL, and wait for the process to be gone (so the OS has released its locks). */
    void kill() throws InterruptedException {
      process.toHandle().destroyForcibly();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError("child did not die");
      }
    }

    @Override
    public void close() throws IOException {
      try {
        kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while killing the child", e);
      } finally {
        out.close();
      }
    }
  }
}
