package dev.vss.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * The disk's raw sync rate, the ceiling of durable commits per second for an engine that syncs once
 * per commit: write 4 KiB at a rotating offset of a preallocated file (as a write-ahead log is
 * reused after a checkpoint), then sync, back to back on one thread. {@code force(true)} is {@code
 * fsync}, which the SQLite build in sqlite-jdbc calls once per commit on Linux (checked with
 * strace); {@code force(false)} is {@code fdatasync}, which skips the file's metadata.
 */
final class FsyncProbe {
  private static final int BLOCK = 4096;
  private static final int BLOCKS = 1024;

  /**
   * @param perSecond fsyncs per second
   * @param meanNanos mean time of one write + fsync
   */
  record Result(double perSecond, double meanNanos) {}

  private FsyncProbe() {}

  /**
   * Measures for {@code duration}.
   *
   * @param metadata true for fsync ({@code force(true)}), false for fdatasync
   */
  static Result measure(Path file, Duration duration, boolean metadata) throws IOException {
    try (FileChannel channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      byte[] bytes = new byte[BLOCK];
      new SplittableRandom(1).nextBytes(bytes);
      ByteBuffer block = ByteBuffer.wrap(bytes);
      for (int i = 0; i < BLOCKS; i++) {
        block.clear();
        channel.write(block, (long) i * BLOCK);
      }
      channel.force(true);
      long start = System.nanoTime();
      long end = start + duration.toNanos();
      long count = 0;
      long now = start;
      while (now < end) {
        block.clear();
        bytes[0] = (byte) count;
        channel.write(block, (count % BLOCKS) * BLOCK);
        channel.force(metadata);
        count++;
        now = System.nanoTime();
      }
      double seconds = (now - start) / 1e9;
      return new Result(count / seconds, (now - start) / (double) count);
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
