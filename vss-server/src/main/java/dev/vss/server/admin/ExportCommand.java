package dev.vss.server.admin;

import dev.vss.core.export.ExportWriter;
import dev.vss.core.spi.KeyspaceFilter;
import dev.vss.core.spi.Snapshot;
import dev.vss.core.spi.SnapshotKeyspace;
import dev.vss.core.spi.SnapshotSource;
import dev.vss.core.spi.StoredRecord;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code admin export}: streams a consistent snapshot into an export file. A file is written as
 * {@code FILE.partial}, synced and renamed to {@code FILE} only when complete, so an interrupted or
 * failed export never leaves a file that looks complete (and a truncated stream on standard output
 * lacks its trailer, which import refuses).
 */
final class ExportCommand {
  private static final int BUFFER_BYTES = 1 << 20;

  private ExportCommand() {}

  static int run(Admin.Context context) {
    String out = context.options().required("--out", "FILE|-");
    KeyspaceFilter filter = context.options().filter();
    try (AdminStores.ReadView view = AdminStores.openRead(context.location())) {
      if (out.equals("-")) {
        Result result = export(view, filter, context.out(), context);
        context.out().flush();
        context.err().println(result.describe("standard output"));
        return Admin.EXIT_OK;
      }
      Path target = Admin.Options.path(out);
      if (Files.exists(target)) {
        throw new AdminException(
            Admin.EXIT_FAILED, target + " exists; remove it or choose" + " another file");
      }
      Path partial = target.resolveSibling(target.getFileName() + ".partial");
      boolean done = false;
      try {
        Result result;
        try (FileOutputStream file = new FileOutputStream(partial.toFile());
            OutputStream buffered = new BufferedOutputStream(file, BUFFER_BYTES)) {
          result = export(view, filter, buffered, context);
          buffered.flush();
          file.getFD().sync();
        }
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(target.getParent());
        done = true;
        context.out().println(result.describe(target.toString()));
        return Admin.EXIT_OK;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        if (!done) {
          deleteQuietly(partial);
        }
      }
    }
  }

  /** What an export wrote. */
  record Result(
      String kind, long keyspaces, long records, long valueBytes, long fileBytes, double seconds) {
    String describe(String where) {
      return String.format(
          java.util.Locale.ROOT,
          "exported %,d records in %,d keyspaces"
              + " (%s of values, %s written) from the %s store to %s in %.1f s (%,.0f records/s)",
          records,
          keyspaces,
          Progress.bytes(valueBytes),
          Progress.bytes(fileBytes),
          kind,
          where,
          seconds,
          records / Math.max(seconds, 1e-9));
    }
  }

  /** Writes one export of {@code source} to {@code out}; used by the command and the benchmark. */
  static Result export(
      SnapshotSource source, KeyspaceFilter filter, OutputStream out, Admin.Context context) {
    Progress progress = context.progress("export", -1, -1);
    try (Snapshot snapshot = source.openSnapshot(filter)) {
      ExportWriter writer = new ExportWriter(out, source.kind(), filter, Instant.now(), producer());
      long valueBytes = 0;
      for (Optional<SnapshotKeyspace> keyspace = snapshot.nextKeyspace();
          keyspace.isPresent();
          keyspace = snapshot.nextKeyspace()) {
        writer.keyspace(keyspace.get());
        for (Optional<StoredRecord> record = snapshot.nextRecord();
            record.isPresent();
            record = snapshot.nextRecord()) {
          context.interruption().check();
          writer.record(record.get());
          valueBytes += record.get().value().size();
          progress.add(1, record.get().value().size());
        }
      }
      writer.finish();
      progress.finish();
      return new Result(
          source.kind(),
          writer.keyspaceCount(),
          writer.recordCount(),
          valueBytes,
          writer.bytesWritten(),
          progress.elapsedSeconds());
    }
  }

  /** {@code vss-server VERSION}, from the jar's manifest. */
  static String producer() {
    String version = Admin.class.getPackage().getImplementationVersion();
    return "vss-server " + (version == null ? "(development build)" : version);
  }

  static void syncDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // Best effort: a leftover .partial is never mistaken for an export.
    }
  }
}
