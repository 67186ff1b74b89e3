package dev.vss.core.export;

import com.google.protobuf.ByteString;
import dev.vss.core.Keyspace;
import dev.vss.core.export.proto.ExportFrame;
import dev.vss.core.export.proto.ExportHeader;
import dev.vss.core.export.proto.ExportKeyspace;
import dev.vss.core.export.proto.ExportRecord;
import dev.vss.core.export.proto.ExportTrailer;
import dev.vss.core.spi.KeyspaceFilter;
import dev.vss.core.spi.SnapshotKeyspace;
import dev.vss.core.spi.StoredRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Writes an export (see {@link ExportFormat}) to a stream, in one pass and constant memory.
 *
 * <p>It checks the order it is given (keyspaces ascending in {@link KeyspaceFilter#ORDER}, records
 * ascending by sequence within a keyspace, a record only after a keyspace) and fails with {@link
 * IllegalStateException} rather than write a file a reader would refuse. The stream is not closed;
 * the export is complete only after {@link #finish()}.
 */
public final class ExportWriter {
  private final OutputStream out;
  private final MessageDigest digest = ExportFormat.sha256();
  private final byte[] varint = new byte[5];
  private @Nullable Keyspace currentKeyspace;
  private long lastSequence;
  private long keyspaceCount;
  private long recordCount;
  private long valueBytes;
  private long bytesWritten;
  private boolean finished;

  /**
   * Writes the magic, the format version and the header frame.
   *
   * @param out where the export goes (buffer it: frames are written one by one)
   * @param sourceStore the kind of the exported store, such as {@code sqlite}
   * @param filter the filter the snapshot was opened with
   * @param createdAt when the snapshot was taken
   * @param producer the program writing the file, such as {@code vss-server 0.1.0}
   */
  public ExportWriter(
      OutputStream out,
      String sourceStore,
      KeyspaceFilter filter,
      Instant createdAt,
      String producer) {
    this.out = Objects.requireNonNull(out, "out");
    byte[] version = {0, 0, 0, ExportFormat.VERSION};
    writeRaw(ExportFormat.MAGIC, ExportFormat.MAGIC.length);
    writeRaw(version, version.length);
    ExportHeader.Builder header =
        ExportHeader.newBuilder()
            .setFormatVersion(ExportFormat.VERSION)
            .setCreatedAtEpochMs(createdAt.toEpochMilli())
            .setSourceStore(sourceStore)
            .setProducer(producer);
    filter.userToken().ifPresent(header::setUserToken);
    filter.storeId().ifPresent(header::setStoreId);
    frame(ExportFrame.newBuilder().setHeader(header).build());
  }

  /** Starts a keyspace; its records follow. */
  public void keyspace(SnapshotKeyspace keyspace) {
    ensureOpen();
    if (currentKeyspace != null
        && KeyspaceFilter.ORDER.compare(currentKeyspace, keyspace.keyspace()) >= 0) {
      throw new IllegalStateException(
          "keyspaces out of order: " + keyspace.keyspace() + " after " + currentKeyspace);
    }
    currentKeyspace = keyspace.keyspace();
    lastSequence = Long.MIN_VALUE;
    keyspaceCount++;
    frame(
        ExportFrame.newBuilder()
            .setKeyspace(
                ExportKeyspace.newBuilder()
                    .setUserToken(keyspace.keyspace().userToken())
                    .setStoreId(keyspace.keyspace().storeId())
                    .setGlobalVersion(keyspace.globalVersion()))
            .build());
  }

  /** Adds a record to the current keyspace. */
  public void record(StoredRecord record) {
    ensureOpen();
    if (currentKeyspace == null) {
      throw new IllegalStateException("a record before any keyspace");
    }
    if (record.sequence() <= lastSequence) {
      throw new IllegalStateException("records out of creation order in " + currentKeyspace);
    }
    lastSequence = record.sequence();
    recordCount++;
    valueBytes += record.value().size();
    frame(
        ExportFrame.newBuilder()
            .setRecord(
                ExportRecord.newBuilder()
                    .setKey(record.key())
                    .setVersion(record.version())
                    .setValue(record.value())
                    .setSequence(record.sequence()))
            .build());
  }

  /** Writes the trailer (counts and checksum) and flushes; nothing may be written after it. */
  public void finish() {
    ensureOpen();
    finished = true;
    ExportTrailer trailer =
        ExportTrailer.newBuilder()
            .setKeyspaceCount(keyspaceCount)
            .setRecordCount(recordCount)
            .setValueBytes(valueBytes)
            .setSha256(ByteString.copyFrom(digest.digest()))
            .build();
    frame(ExportFrame.newBuilder().setTrailer(trailer).build());
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Records written so far. */
  public long recordCount() {
    return recordCount;
  }

  /** Keyspaces written so far. */
  public long keyspaceCount() {
    return keyspaceCount;
  }

  /** Bytes written so far, all framing included. */
  public long bytesWritten() {
    return bytesWritten;
  }

  private void frame(ExportFrame frame) {
    byte[] payload = frame.toByteArray();
    int length = payload.length;
    int n = 0;
    while ((length & ~0x7F) != 0) {
      varint[n++] = (byte) ((length & 0x7F) | 0x80);
      length >>>= 7;
    }
    varint[n++] = (byte) length;
    writeRaw(varint, n);
    writeRaw(payload, payload.length);
  }

  private void writeRaw(byte[] bytes, int length) {
    // The trailer's own bytes are written after its digest was taken, so hashing them is harmless.
    digest.update(bytes, 0, length);
    try {
      out.write(bytes, 0, length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    bytesWritten += length;
  }

  private void ensureOpen() {
    if (finished) {
      throw new IllegalStateException("the export is finished");
    }
  }
}
