package dev.vss.store.rocksdb;

import dev.vss.core.spi.StorageException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.NullMarked;
import org.rocksdb.Checkpoint;
import org.rocksdb.RocksDBException;

/**
 * Backups of a RocksDB store's directory into a new directory that {@link RocksDbStorage#open}
 * opens directly. The target appears complete or not at all: everything is written into {@code
 * <target>.partial}, synced, and renamed.
 */
@NullMarked
public final class RocksDbBackup {
  private RocksDbBackup() {}

  /** How a backup was taken. */
  public enum Method {
    /** A RocksDB checkpoint: hard links to the table files plus copies of the small files. */
    CHECKPOINT,
    /** A key-by-key copy from a read-only view ({@link RocksDbReadOnlyStore#copyTo}). */
    COPY
  }

  /**
   * Backs up the store in {@code directory} into {@code targetDirectory}: a checkpoint when no
   * server holds the store (it is opened exclusively for the moment of the checkpoint), else a copy
   * from a read-only view, which works alongside a running server.
   *
   * @param targetDirectory must not exist, or be an empty directory; for a checkpoint, on the same
   *     file system as the store for hard links (RocksDB copies the files otherwise)
   * @return how the backup was taken
   * @throws StorageException if the target is not empty, or the backup fails
   */
  public static Method backup(Path directory, Path targetDirectory) {
    Path target = targetDirectory.toAbsolutePath().normalize();
    if (!Files.isRegularFile(directory.resolve("CURRENT"))) {
      // NativeStore.open would create an empty store there, and back that up.
      throw new StorageException(
          "no RocksDB store in " + directory.toAbsolutePath() + " (no CURRENT file)");
    }
    NativeStore store;
    try {
      store = NativeStore.open(directory, RocksDbOptions.DEFAULTS);
    } catch (StorageException e) {
      if (e.getMessage() == null || !e.getMessage().contains("is already open")) {
        throw e;
      }
      try (RocksDbReadOnlyStore view = RocksDbReadOnlyStore.open(directory)) {
        view.copyTo(target);
      }
      return Method.COPY;
    }
    try (store) {
      Path staging = prepare(target);
      // RocksDB creates the checkpoint directory itself and refuses an existing one.
      Files.delete(staging);
      try (Checkpoint checkpoint = Checkpoint.create(store.db)) {
        checkpoint.createCheckpoint(staging.toString());
      }
      syncTree(staging);
      publish(staging, target);
      return Method.CHECKPOINT;
    } catch (RocksDBException | IOException e) {
      throw new StorageException(
          "checkpoint of " + directory + " into " + target + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Checks that {@code target} is absent or empty, removes a {@code <target>.partial} left by an
   * interrupted backup, and creates it anew.
   */
  static Path prepare(Path target) {
    if (target.getParent() == null) {
      throw new StorageException("backup target " + target + " must not be the file system root");
    }
    Path staging = target.resolveSibling(target.getFileName() + ".partial");
    try {
      if (Files.isDirectory(target)) {
        try (Stream<Path> entries = Files.list(target)) {
          if (entries.findAny().isPresent()) {
            throw new StorageException("backup target " + target + " is not empty");
          }
        }
      } else if (Files.exists(target)) {
        throw new StorageException("backup target " + target + " exists and is not a directory");
      }
      if (Files.exists(staging)) {
        try (Stream<Path> tree = Files.walk(staging)) {
          for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(path);
          }
        }
      }
      Files.createDirectories(staging);
      return staging;
    } catch (IOException e) {
      throw new StorageException(
          "cannot prepare backup target " + target + ": " + e.getMessage(), e);
    }
  }

  /** Syncs {@code staging}'s files, then renames it to {@code target} and syncs the parent. */
  static void publish(Path staging, Path target) {
    try {
      syncTree(staging);
      if (Files.isDirectory(target)) {
        Files.delete(target); // empty, checked by prepare
      }
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      fsync(Objects.requireNonNull(target.getParent(), "prepare refuses the root"));
    } catch (IOException e) {
      throw new StorageException(
          "cannot move the backup into " + target + ": " + e.getMessage(), e);
    }
  }

  private static void syncTree(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.toList()) {
        if (Files.isRegularFile(file)) {
          try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
          }
        }
      }
    }
    fsync(directory);
  }

  private static void fsync(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
