package dev.vss.core.export;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.vss.core.Keyspace;
import dev.vss.core.export.proto.ExportFrame;
import dev.vss.core.export.proto.ExportHeader;
import dev.vss.core.export.proto.ExportKeyspace;
import dev.vss.core.export.proto.ExportRecord;
import dev.vss.core.export.proto.ExportTrailer;
import dev.vss.core.spi.KeyspaceFilter;
import dev.vss.core.spi.Snapshot;
import dev.vss.core.spi.SnapshotKeyspace;
import dev.vss.core.spi.StoredRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads an export (see {@link ExportFormat}) as a {@link Snapshot}, checking everything it can as
 * it goes: framing, the header, keyspace and record order, keys unique per keyspace, and at the end
 * the trailer's counts, its SHA-256 over every earlier byte, and that nothing follows it. Any
 * failure is an {@link ExportFormatException} with a one-line message.
 *
 * <p>Records are streamed before the checksum at the end has been checked, so a caller that must
 * not act on a damaged file reads it through once first ({@link ExportFiles#verify}), as import
 * does.
 */
public final class ExportReader implements Snapshot {
  private final InputStream in;
  private final KeyspaceFilter filter;
  private final MessageDigest digest = ExportFormat.sha256();
  private final ExportHeader header;
  private long position;

  /** The frame read ahead by {@link #nextRecord()} that was not a record. */
  private @Nullable ExportFrame pending;

  private @Nullable Keyspace currentKeyspace;
  private boolean currentSelected;
  private @Nullable Keyspace lastKeyspace;
  private long lastSequence;
  private final Set<String> keysOfKeyspace = new HashSet<>();
  private long keyspaceCount;
  private long recordCount;
  private long valueBytes;
  private @Nullable ExportTrailer trailer;
  private boolean closed;

  /**
   * Reads the magic, the format version and the header.
   *
   * @param in the export; closed by {@link #close()} (buffer it)
   * @param filter only keyspaces that pass it are returned; the others are read and checked
   * @throws ExportFormatException if the file is not an export of a supported version
   */
  public ExportReader(InputStream in, KeyspaceFilter filter) {
    this.in = Objects.requireNonNull(in, "in");
    this.filter = Objects.requireNonNull(filter, "filter");
    byte[] magic = readFully(ExportFormat.MAGIC.length, "its magic bytes");
    if (!Arrays.equals(magic, ExportFormat.MAGIC)) {
      throw new ExportFormatException(
          "not a VSS export (the file does not start with the export" + " magic bytes)");
    }
    digest.update(magic);
    byte[] version = readFully(4, "its format version");
    digest.update(version);
    int formatVersion =
        ((version[0] & 0xFF) << 24)
            | ((version[1] & 0xFF) << 16)
            | ((version[2] & 0xFF) << 8)
            | (version[3] & 0xFF);
    if (formatVersion != ExportFormat.VERSION) {
      throw new ExportFormatException(
          "export format version "
              + Integer.toUnsignedString(formatVersion)
              + " is not supported (this build reads version "
              + ExportFormat.VERSION
              + ")");
    }
    ExportFrame first = readFrame();
    if (first == null) {
      throw truncated();
    }
    if (!first.hasHeader()) {
      throw damaged("the first frame is not a header");
    }
    header = first.getHeader();
    if (header.getFormatVersion() != ExportFormat.VERSION) {
      throw damaged(
          "the header's format version "
              + header.getFormatVersion()
              + " differs from the file's "
              + ExportFormat.VERSION);
    }
  }

  /** The header. */
  public ExportHeader header() {
    return header;
  }

  /** Bytes read so far. */
  public long bytesRead() {
    return position;
  }

  /** Records read so far (of every keyspace, selected or not). */
  public long recordsRead() {
    return recordCount;
  }

  /** The trailer, once the end was reached and checked; empty before. */
  public Optional<ExportTrailer> trailer() {
    return Optional.ofNullable(trailer);
  }

  @Override
  public Optional<SnapshotKeyspace> nextKeyspace() {
    while (true) {
      while (nextRecordOfAnyKeyspace() != null) {
        // skip what is left of the current keyspace
      }
      ExportFrame frame = takeFrame();
      if (frame == null) {
        return Optional.empty();
      }
      if (frame.hasTrailer()) {
        finishAt(frame.getTrailer());
        currentKeyspace = null;
        return Optional.empty();
      }
      if (!frame.hasKeyspace()) {
        throw damaged("unexpected " + frame.getItemCase() + " frame at byte " + position);
      }
      ExportKeyspace keyspace = frame.getKeyspace();
      Keyspace next = new Keyspace(keyspace.getUserToken(), keyspace.getStoreId());
      if (lastKeyspace != null && KeyspaceFilter.ORDER.compare(lastKeyspace, next) >= 0) {
        throw damaged("keyspaces out of order at byte " + position);
      }
      lastKeyspace = next;
      currentKeyspace = next;
      lastSequence = Long.MIN_VALUE;
      keysOfKeyspace.clear();
      keyspaceCount++;
      currentSelected = filter.matches(next);
      if (currentSelected) {
        return Optional.of(new SnapshotKeyspace(next, keyspace.getGlobalVersion()));
      }
    }
  }

  @Override
  public Optional<StoredRecord> nextRecord() {
    if (currentKeyspace == null || !currentSelected) {
      return Optional.empty();
    }
    return Optional.ofNullable(nextRecordOfAnyKeyspace());
  }

  /** Reads every remaining frame, checking the whole file; returns the trailer. */
  public ExportTrailer readToEnd() {
    while (nextKeyspace().isPresent()) {
      // every record is read and checked by nextKeyspace
    }
    if (trailer == null) {
      throw new IllegalStateException("closed before the end");
    }
    return trailer;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      in.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private @Nullable StoredRecord nextRecordOfAnyKeyspace() {
    if (currentKeyspace == null) {
      return null;
    }
    ExportFrame frame = takeFrame();
    if (frame == null) {
      throw truncated();
    }
    if (!frame.hasRecord()) {
      pending = frame;
      return null;
    }
    ExportRecord record = frame.getRecord();
    if (record.getSequence() <= lastSequence) {
      throw damaged("records out of creation order in a keyspace at byte " + position);
    }
    if (!keysOfKeyspace.add(record.getKey())) {
      throw damaged("a key appears twice in one keyspace at byte " + position);
    }
    lastSequence = record.getSequence();
    recordCount++;
    valueBytes += record.getValue().size();
    return new StoredRecord(
        record.getKey(), record.getVersion(), record.getValue(), record.getSequence());
  }

  /** The pending frame, else the next one; null only at a clean end of stream before a trailer. */
  private @Nullable ExportFrame takeFrame() {
    if (pending != null) {
      ExportFrame frame = pending;
      pending = null;
      return frame;
    }
    if (trailer != null) {
      return null;
    }
    ExportFrame frame = readFrame();
    if (frame == null) {
      throw truncated();
    }
    return frame;
  }

  private void finishAt(ExportTrailer found) {
    // The digest was not updated with the trailer frame; see readFrame.
    byte[] expected = found.getSha256().toByteArray();
    byte[] actual = digest.digest();
    if (!MessageDigest.isEqual(expected, actual)) {
      throw damaged("its SHA-256 does not match the trailer (the file was altered)");
    }
    if (found.getKeyspaceCount() != keyspaceCount
        || found.getRecordCount() != recordCount
        || found.getValueBytes() != valueBytes) {
      throw damaged(
          "the trailer counts "
              + found.getKeyspaceCount()
              + " keyspaces, "
              + found.getRecordCount()
              + " records, "
              + found.getValueBytes()
              + " value bytes; the"
              + " file holds "
              + keyspaceCount
              + ", "
              + recordCount
              + ", "
              + valueBytes);
    }
    int extra;
    try {
      extra = in.read();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (extra != -1) {
      throw damaged("bytes follow the trailer at byte " + position);
    }
    trailer = found;
  }

  /**
   * Reads one frame; null at end of stream exactly at a frame boundary. Every frame but a trailer
   * goes into the digest: the trailer holds the digest of what came before it.
   */
  private @Nullable ExportFrame readFrame() {
    long start = position;
    long length = 0;
    int shift = 0;
    byte[] prefix = new byte[5];
    int prefixLength = 0;
    while (true) {
      int b;
      try {
        b = in.read();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (b < 0) {
        if (prefixLength == 0) {
          return null;
        }
        throw truncated();
      }
      position++;
      prefix[prefixLength++] = (byte) b;
      length |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
      shift += 7;
      if (prefixLength == prefix.length) {
        throw damaged("bad frame length at byte " + start);
      }
    }
    if (length > ExportFormat.MAX_FRAME_BYTES) {
      throw damaged("bad frame length at byte " + start);
    }
    // readNBytes grows its buffer as bytes arrive, so a damaged length on a short file cannot
    // make it allocate gigabytes up front.
    byte[] payload = readFully((int) length, "a frame");
    ExportFrame frame;
    try {
      frame = ExportFrame.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      throw damaged("the frame at byte " + start + " is not a valid frame");
    }
    if (frame.getItemCase() == ExportFrame.ItemCase.ITEM_NOT_SET) {
      throw damaged("the frame at byte " + start + " is empty or of an unknown kind");
    }
    if (!frame.hasTrailer()) {
      digest.update(prefix, 0, prefixLength);
      digest.update(payload);
    }
    return frame;
  }

  private byte[] readFully(int length, String what) {
    byte[] bytes;
    try {
      bytes = in.readNBytes(length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    position += bytes.length;
    if (bytes.length < length) {
      if (position == bytes.length && bytes.length < ExportFormat.MAGIC.length) {
        throw new ExportFormatException(
            "not a VSS export (" + (position == 0 ? "empty" : "only " + position + " bytes") + ")");
      }
      throw truncated();
    }
    return bytes;
  }

  private ExportFormatException truncated() {
    return new ExportFormatException(
        "truncated export: it ends at byte " + position + " without its trailer");
  }

  private static ExportFormatException damaged(String detail) {
    return new ExportFormatException("damaged export: " + detail);
  }
}
