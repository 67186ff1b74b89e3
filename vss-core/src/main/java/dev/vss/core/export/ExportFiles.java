package dev.vss.core.export;

import dev.vss.core.export.proto.ExportHeader;
import dev.vss.core.export.proto.ExportTrailer;
import dev.vss.core.spi.KeyspaceFilter;
import dev.vss.core.spi.Snapshot;
import dev.vss.core.spi.SnapshotKeyspace;
import dev.vss.core.spi.SnapshotSource;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongConsumer;

/** Export files: checking one through, and reading one as a {@link SnapshotSource}. */
public final class ExportFiles {
  private static final int BUFFER_BYTES = 1 << 20;

  private ExportFiles() {}

  /**
   * What a complete check of an export found.
   *
   * @param header the header
   * @param trailer the trailer (counts, checksum)
   * @param keyspaces the keyspaces that pass the filter, in file order
   * @param bytes the size of the file
   */
  public record Summary(
      ExportHeader header, ExportTrailer trailer, List<SnapshotKeyspace> keyspaces, long bytes) {
    /** Copies the list. */
    public Summary {
      keyspaces = List.copyOf(keyspaces);
    }
  }

  /**
   * Reads {@code file} through and checks all of it (see {@link ExportReader}), in constant memory
   * but for the keys of one keyspace at a time and the list of keyspaces.
   *
   * @param filter which keyspaces to list in the summary (all are checked)
   * @param progress told the bytes read so far, now and then
   * @throws ExportFormatException if the file is not a complete, undamaged export
   * @throws UncheckedIOException if it cannot be read
   */
  public static Summary verify(Path file, KeyspaceFilter filter, LongConsumer progress) {
    List<SnapshotKeyspace> keyspaces = new ArrayList<>();
    try (ExportReader reader = open(file, filter)) {
      long reported = 0;
      for (var keyspace = reader.nextKeyspace();
          keyspace.isPresent();
          keyspace = reader.nextKeyspace()) {
        keyspaces.add(keyspace.get());
        while (reader.nextRecord().isPresent()) {
          if (reader.bytesRead() - reported >= BUFFER_BYTES) {
            reported = reader.bytesRead();
            progress.accept(reported);
          }
        }
      }
      ExportTrailer trailer = reader.trailer().orElseThrow();
      progress.accept(reader.bytesRead());
      return new Summary(reader.header(), trailer, keyspaces, reader.bytesRead());
    }
  }

  /**
   * Opens {@code file} for reading.
   *
   * @throws ExportFormatException if it does not start like an export of a supported version
   */
  public static ExportReader open(Path file, KeyspaceFilter filter) {
    Objects.requireNonNull(file, "file");
    try {
      BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER_BYTES);
      try {
        return new ExportReader(in, filter);
      } catch (RuntimeException e) {
        in.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code file} as a snapshot source; each snapshot reads the file anew. Check the file with
   * {@link #verify} first when its records are to be acted on.
   */
  public static SnapshotSource source(Path file) {
    Objects.requireNonNull(file, "file");
    return new SnapshotSource() {
      @Override
      public Snapshot openSnapshot(KeyspaceFilter filter) {
        return open(file, filter);
      }

      @Override
      public String kind() {
        return "export";
      }
    };
  }
}
