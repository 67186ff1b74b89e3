package dev.vss.store.sqlite;

import dev.vss.core.spi.StorageException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The exclusive lock a {@link SqliteStorage} holds on its data directory for as long as it is open,
 * so that two servers never write one database at once (SQLite itself would let them, each with its
 * own write queue and sequence counter, and their group commits would interleave).
 *
 * <p>It is an OS lock ({@link FileChannel#tryLock()}, {@code fcntl} on Linux) on {@value
 * #FILE_NAME} in the directory: released by {@link #release()} on close, and by the OS when the
 * process dies, even by SIGKILL, so a crash never leaves a stale lock behind. The file itself is
 * never deleted; its presence means nothing, only the lock on it does.
 *
 * <p>OS locks belong to a process, so a second open inside the same JVM is caught by a process-wide
 * set of locked directories before any channel is opened; opening and closing a second channel on
 * the lock file would, on Linux, drop the first holder's lock.
 */
final class DirectoryLock {
  /** The lock file's name inside the data directory. */
  static final String FILE_NAME = "vss.lock";

  /** Directories (real paths) locked by this JVM. */
  private static final Set<Path> LOCKED_IN_THIS_PROCESS = ConcurrentHashMap.newKeySet();

  private final Path directory;
  private final FileChannel channel;
  private final FileLock lock;
  private final AtomicBoolean released = new AtomicBoolean();

  private DirectoryLock(Path directory, FileChannel channel, FileLock lock) {
    this.directory = directory;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock on {@code directory}, which must exist.
   *
   * @throws StorageException naming the directory if another process or another store in this
   *     process holds it, or the lock file cannot be opened
   */
  static DirectoryLock acquire(Path directory) {
    Path key;
    try {
      key = directory.toRealPath();
    } catch (IOException e) {
      throw new StorageException("cannot resolve data directory " + directory, e);
    }
    if (!LOCKED_IN_THIS_PROCESS.add(key)) {
      throw inUse(directory, "by another SQLite storage in this process");
    }
    FileChannel channel = null;
    try {
      channel =
          FileChannel.open(
              key.resolve(FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw inUse(directory, "by another process (it holds " + FILE_NAME + ")");
      }
      return new DirectoryLock(key, channel, lock);
    } catch (IOException | OverlappingFileLockException | StorageException e) {
      closeQuietly(channel, e);
      LOCKED_IN_THIS_PROCESS.remove(key);
      if (e instanceof StorageException storage) {
        throw storage;
      }
      if (e instanceof OverlappingFileLockException) {
        throw inUse(directory, "by another channel of this process");
      }
      throw new StorageException(
          "cannot lock data directory "
              + directory
              + " ("
              + key.resolve(FILE_NAME)
              + "): "
              + e.getMessage(),
          e);
    }
  }

  /** Releases the lock; the directory may be opened again. Idempotent. */
  void release() {
    if (!released.compareAndSet(false, true)) {
      return;
    }
    try {
      if (lock.isValid()) {
        lock.release();
      }
      channel.close();
    } catch (IOException e) {
      // Closing the channel releases the lock whatever happened; nothing else to do.
    } finally {
      LOCKED_IN_THIS_PROCESS.remove(directory);
    }
  }

  private static StorageException inUse(Path directory, String holder) {
    return new StorageException(
        "data directory "
            + directory
            + " is already in use "
            + holder
            + "; only one server may open a data directory at a time");
  }

  private static void closeQuietly(FileChannel channel, Exception cause) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        cause.addSuppressed(e);
      }
    }
  }
}
