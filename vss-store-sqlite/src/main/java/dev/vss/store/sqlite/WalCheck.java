package dev.vss.store.sqlite;

import dev.vss.core.spi.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Checks SQLite's write-ahead log before SQLite opens it, because SQLite's own recovery is silent:
 * it replays frames until the first one whose checksum fails and drops everything after it, so one
 * damaged frame in the middle of the log loses every later committed transaction without an error.
 *
 * <p>The format (https://www.sqlite.org/fileformat2.html#walformat): a 32-byte header (magic,
 * format version, page size, checkpoint sequence, salt-1, salt-2, checksum over its first 24
 * bytes), then frames of a 24-byte header (page number, database size in pages for a commit frame
 * else 0, salt-1, salt-2, checksum) and one page. A frame is valid when its salts equal the
 * header's and its checksum equals the checksum computed cumulatively over the WAL header's first
 * 24 bytes and, for every frame up to this one, its first 8 header bytes and its page.
 *
 * <p>The rule applied here:
 *
 * <ul>
 *   <li>Frames that fail after the last valid one, with no valid commit frame after them, are a
 *       torn tail: a transaction a crash cut off before its commit returned. SQLite discards it,
 *       rightly; the store opens.
 *   <li>A failing frame followed by a commit frame that is valid in its own right (its checksum
 *       verifies when chained from the stored checksum of the frame before it, and its salts are
 *       this log's) is damage in the middle: SQLite would drop committed, acknowledged
 *       transactions. The store refuses to open and leaves every file untouched.
 *   <li>The same if the header itself fails but the frames after it verify in their own right.
 * </ul>
 *
 * <p>Old frames left beyond the end of the log after a checkpoint restarted it carry the salts of
 * their own generation, never the current ones, so they are never mistaken for damage.
 */
final class WalCheck {
  static final int HEADER_BYTES = 32;
  static final int FRAME_HEADER_BYTES = 24;
  private static final int MAGIC_LITTLE_ENDIAN = 0x377f0682;
  private static final int MAGIC_BIG_ENDIAN = 0x377f0683;
  private static final int FORMAT_VERSION = 3007000;

  /**
   * What the check found.
   *
   * @param frames whole frames in the file
   * @param committedFrames frames up to and including the last valid commit frame: what SQLite
   *     replays
   * @param ignoredFrames whole frames after those, which SQLite ignores (a torn tail, or frames of
   *     an earlier generation of the log)
   */
  record Result(long frames, long committedFrames, long ignoredFrames) {
    static final Result EMPTY = new Result(0, 0, 0);
  }

  private WalCheck() {}

  /**
   * Checks {@code walFile} (missing or empty is fine).
   *
   * @param walFile the {@code -wal} file
   * @param databasePageSize the database's page size, used when the log header is unreadable
   * @throws StorageException naming the file if committed frames follow a damaged one
   */
  static Result check(Path walFile, int databasePageSize) {
    try (FileChannel channel = FileChannel.open(walFile, StandardOpenOption.READ)) {
      return check(walFile, channel, databasePageSize);
    } catch (NoSuchFileException e) {
      return Result.EMPTY;
    } catch (IOException e) {
      throw new StorageException(
          "cannot read write-ahead log " + walFile + ": " + e.getMessage(), e);
    }
  }

  private static Result check(Path walFile, FileChannel channel, int databasePageSize)
      throws IOException {
    long size = channel.size();
    if (size < HEADER_BYTES) {
      return Result.EMPTY; // SQLite treats it as empty; nothing was committed through it
    }
    ByteBuffer header = read(channel, 0, HEADER_BYTES);
    int magic = header.getInt(0);
    int pageSize = header.getInt(8);
    boolean plausiblePageSize = isPageSize(pageSize);
    boolean bigEndian = magic == MAGIC_BIG_ENDIAN;
    boolean headerValid =
        (magic == MAGIC_LITTLE_ENDIAN || magic == MAGIC_BIG_ENDIAN)
            && header.getInt(4) == FORMAT_VERSION
            && plausiblePageSize
            && checksumMatches(
                header.getInt(24), header.getInt(28), checksum(bigEndian, 0, 0, header, 0, 24));
    if (!plausiblePageSize) {
      pageSize = databasePageSize;
    }
    long frameBytes = FRAME_HEADER_BYTES + (long) pageSize;
    long frames = (size - HEADER_BYTES) / frameBytes;
    if (!headerValid) {
      return checkWithDamagedHeader(walFile, channel, magic, pageSize, frames);
    }
    int salt1 = header.getInt(16);
    int salt2 = header.getInt(20);
    int[] sum = {header.getInt(24), header.getInt(28)};
    long index = 0;
    long committed = 0;
    for (; index < frames; index++) {
      ByteBuffer frame = read(channel, offset(index, frameBytes), (int) frameBytes);
      if (!frameValid(frame, bigEndian, salt1, salt2, sum[0], sum[1])) {
        break;
      }
      sum[0] = frame.getInt(16);
      sum[1] = frame.getInt(20);
      if (frame.getInt(4) != 0) {
        committed = index + 1;
      }
    }
    if (index < frames) {
      long firstBad = index;
      long committedAfter =
          countCommitsValidOnTheirOwn(
              channel, bigEndian, salt1, salt2, firstBad, frames, frameBytes);
      if (committedAfter > 0) {
        throw new StorageException(
            "write-ahead log "
                + walFile
                + " is damaged: frame "
                + (firstBad + 1)
                + " of "
                + frames
                + " (at byte "
                + offset(firstBad, frameBytes)
                + ") fails its checksum but "
                + committedAfter
                + " committed transaction(s) follow"
                + " it, which SQLite would silently drop; refusing to open, files left untouched"
                + " (restore the data directory from a backup, or move the -wal aside only if"
                + " losing those transactions is acceptable)");
      }
    }
    return new Result(frames, committed, frames - committed);
  }

  /**
   * The header fails, so SQLite would ignore the whole log. That is right for a log whose first
   * transaction was cut off; it is damage if committed frames verify after it. Frames are chained
   * from the first frame's stored checksum with the first frame's salts.
   */
  private static Result checkWithDamagedHeader(
      Path walFile, FileChannel channel, int magic, int pageSize, long frames) throws IOException {
    if (frames < 2) {
      return new Result(frames, 0, frames);
    }
    long frameBytes = FRAME_HEADER_BYTES + (long) pageSize;
    ByteBuffer first = read(channel, offset(0, frameBytes), (int) frameBytes);
    int salt1 = first.getInt(8);
    int salt2 = first.getInt(12);
    long committedAfter = 0;
    // The byte order is in the damaged magic's last bit, if the magic itself is intact; else try
    // both, since a false match on either needs a 64-bit checksum collision.
    boolean[] orders =
        (magic & 0xFFFFFFFE) == MAGIC_LITTLE_ENDIAN
            ? new boolean[] {magic == MAGIC_BIG_ENDIAN}
            : new boolean[] {false, true};
    for (boolean bigEndian : orders) {
      committedAfter =
          Math.max(
              committedAfter,
              countCommitsValidOnTheirOwn(channel, bigEndian, salt1, salt2, 0, frames, frameBytes));
    }
    if (committedAfter > 0) {
      throw new StorageException(
          "write-ahead log "
              + walFile
              + " is damaged: its header fails"
              + " its checksum but "
              + committedAfter
              + " committed transaction(s) follow it, which"
              + " SQLite would silently drop; refusing to open, files left untouched (restore the"
              + " data directory from a backup)");
    }
    return new Result(frames, 0, frames);
  }

  /**
   * The commit frames after {@code firstBad} that verify on their own: salts equal this log's and
   * the checksum matches when chained from the checksum stored in the frame before.
   */
  private static long countCommitsValidOnTheirOwn(
      FileChannel channel,
      boolean bigEndian,
      int salt1,
      int salt2,
      long firstBad,
      long frames,
      long frameBytes)
      throws IOException {
    long commits = 0;
    ByteBuffer previous = read(channel, offset(firstBad, frameBytes), (int) frameBytes);
    for (long index = firstBad + 1; index < frames; index++) {
      ByteBuffer frame = read(channel, offset(index, frameBytes), (int) frameBytes);
      if (frameValid(frame, bigEndian, salt1, salt2, previous.getInt(16), previous.getInt(20))
          && frame.getInt(4) != 0) {
        commits++;
      }
      previous = frame;
    }
    return commits;
  }

  private static boolean frameValid(
      ByteBuffer frame, boolean bigEndian, int salt1, int salt2, int seed1, int seed2) {
    if (frame.getInt(0) == 0 || frame.getInt(8) != salt1 || frame.getInt(12) != salt2) {
      return false;
    }
    int[] sum = checksum(bigEndian, seed1, seed2, frame, 0, 8);
    sum =
        checksum(
            bigEndian,
            sum[0],
            sum[1],
            frame,
            FRAME_HEADER_BYTES,
            frame.limit() - FRAME_HEADER_BYTES);
    return checksumMatches(frame.getInt(16), frame.getInt(20), sum);
  }

  /**
   * SQLite's WAL checksum over {@code length} bytes (a multiple of 8) of {@code data} from {@code
   * from}, continuing from {@code (s0, s1)}: the bytes are read as 32-bit words in the log's byte
   * order, and for each pair {@code s0 += x0 + s1; s1 += x1 + s0}, modulo 2^32.
   */
  static int[] checksum(boolean bigEndian, int s0, int s1, ByteBuffer data, int from, int length) {
    ByteBuffer words =
        data.duplicate().order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    for (int i = from; i < from + length; i += 8) {
      s0 += words.getInt(i) + s1;
      s1 += words.getInt(i + 4) + s0;
    }
    return new int[] {s0, s1};
  }

  private static boolean checksumMatches(int stored1, int stored2, int[] computed) {
    return stored1 == computed[0] && stored2 == computed[1];
  }

  private static boolean isPageSize(int value) {
    return value >= 512 && value <= 65536 && (value & (value - 1)) == 0;
  }

  private static long offset(long frame, long frameBytes) {
    return HEADER_BYTES + frame * frameBytes;
  }

  /** Reads {@code length} bytes at {@code position}; the returned buffer is big-endian. */
  private static ByteBuffer read(FileChannel channel, long position, int length)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        throw new IOException("unexpected end of file at byte " + (position + buffer.position()));
      }
    }
    return buffer.flip();
  }

  /**
   * The page size recorded in a database file's header (bytes 16-17, 1 meaning 65536), or 4096 if
   * the file is missing or too short to say.
   */
  static int databasePageSize(Path databaseFile) {
    try (FileChannel channel = FileChannel.open(databaseFile, StandardOpenOption.READ)) {
      if (channel.size() < 100) {
        return 4096;
      }
      int value = Short.toUnsignedInt(read(channel, 16, 2).getShort(0));
      return value == 1 ? 65536 : isPageSize(value) ? value : 4096;
    } catch (IOException e) {
      return 4096;
    }
  }
}
