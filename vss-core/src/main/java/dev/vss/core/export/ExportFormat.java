package dev.vss.core.export;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The constants of the export format (docs/operating.md, "Export format"):
 *
 * <pre>
 *   magic (8 bytes)  89 56 53 53 0D 0A 1A 0A   ("\x89VSS\r\n\x1a\n")
 *   format version   4 bytes, big-endian; this build writes and reads {@value #VERSION}
 *   frames           each an ExportFrame (vss_export.proto) with a varint length prefix:
 *                    one header, then per keyspace one keyspace frame and its records,
 *                    then one trailer with the counts and the SHA-256 of all bytes before it
 * </pre>
 *
 * <p>The magic's non-ASCII first byte and its CR LF / SUB / LF bytes catch a file mangled by a text
 * transfer, as PNG's do.
 */
public final class ExportFormat {
  /** The first eight bytes of every export. */
  static final byte[] MAGIC = {(byte) 0x89, 'V', 'S', 'S', '\r', '\n', 0x1A, '\n'};

  /** The format version this build writes and the only one it reads. */
  public static final int VERSION = 1;

  /** The largest frame a reader accepts: the largest value the server accepts, plus headroom. */
  static final int MAX_FRAME_BYTES = Integer.MAX_VALUE - 8;

  private ExportFormat() {}

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
