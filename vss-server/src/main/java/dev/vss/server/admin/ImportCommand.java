package dev.vss.server.admin;

import dev.vss.core.Keyspace;
import dev.vss.core.export.ExportFiles;
import dev.vss.core.export.ExportReader;
import dev.vss.core.spi.BulkLoader;
import dev.vss.core.spi.KeyspaceFilter;
import dev.vss.core.spi.Snapshot;
import dev.vss.core.spi.SnapshotKeyspace;
import dev.vss.core.spi.StoredRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code admin import}: loads an export into a store, in two passes.
 *
 * <ol>
 *   <li>Check: the whole file is read and checked (framing, order, counts, SHA-256) before the
 *       store is even opened; a damaged or truncated export is refused and nothing changes.
 *       Standard input is first copied to a temporary file, so it is checked the same way.
 *   <li>Refuse a store that already holds any of the export's keyspaces, unless {@code --replace}.
 *   <li>Load keyspace by keyspace with the store's {@link BulkLoader}: each keyspace is replaced
 *       atomically (one transaction, one batch), so an interrupted or failed import leaves every
 *       keyspace either complete or as it was. Running the import again with {@code --replace}
 *       finishes it.
 * </ol>
 */
final class ImportCommand {
  private ImportCommand() {}

  static int run(Admin.Context context) {
    String in = context.options().required("--in", "FILE|-");
    KeyspaceFilter filter = context.options().filter();
    boolean replace = context.options().flag("--replace");
    Path spooled = null;
    try {
      Path file;
      if (in.equals("-")) {
        spooled = Files.createTempFile("vss-import-", ".vssexport");
        try (InputStream stdin = System.in) {
          Files.copy(stdin, spooled, StandardCopyOption.REPLACE_EXISTING);
        }
        file = spooled;
      } else {
        file = Admin.Options.path(in);
        if (!Files.isRegularFile(file)) {
          throw new AdminException(Admin.EXIT_FAILED, "no export file " + file);
        }
      }
      return load(context, file, filter, replace);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (spooled != null) {
        try {
          Files.deleteIfExists(spooled);
        } catch (IOException e) {
          // a temporary file
        }
      }
    }
  }

  private static int load(Admin.Context context, Path file, KeyspaceFilter filter, boolean replace)
      throws IOException {
    StoreLocation location = context.location();
    Progress check = context.progress("checking " + file.getFileName(), -1, Files.size(file));
    long[] seen = {0};
    ExportFiles.Summary summary =
        ExportFiles.verify(
            file,
            filter,
            bytes -> {
              context.interruption().check();
              check.add(0, bytes - seen[0]);
              seen[0] = bytes;
            });
    check.finish();
    List<SnapshotKeyspace> keyspaces = summary.keyspaces();
    if (keyspaces.isEmpty()) {
      context
          .out()
          .println("the export holds no keyspace for " + filter.describe() + "; nothing to import");
      return Admin.EXIT_OK;
    }
    try (BulkLoader loader = AdminStores.openWrite(location, false)) {
      List<Keyspace> conflicts = presentIn(location, keyspaces);
      if (!conflicts.isEmpty() && !replace) {
        throw new AdminException(
            Admin.EXIT_FAILED,
            "refused: "
                + location.describe()
                + " already holds "
                + conflicts.size()
                + " of the export's "
                + keyspaces.size()
                + " keyspaces (first: user \""
                + conflicts.get(0).userToken()
                + "\", store_id \""
                + conflicts.get(0).storeId()
                + "\"); --replace replaces them;"
                + " nothing was changed");
      }
      boolean everything = filter.userToken().isEmpty();
      Progress progress =
          context.progress(
              "import",
              everything ? summary.trailer().getRecordCount() : -1,
              everything ? summary.trailer().getValueBytes() : -1);
      long loaded = 0;
      try (ExportReader reader = ExportFiles.open(file, filter)) {
        for (Optional<SnapshotKeyspace> keyspace = reader.nextKeyspace();
            keyspace.isPresent();
            keyspace = reader.nextKeyspace()) {
          context.interruption().check();
          loader.replaceKeyspace(
              keyspace.get().keyspace(),
              keyspace.get().globalVersion(),
              records(reader, progress, context.interruption()));
          loaded++;
        }
      } catch (AdminException e) {
        if (e.status() != Admin.EXIT_INTERRUPTED) {
          throw e;
        }
        throw new AdminException(
            Admin.EXIT_INTERRUPTED,
            "interrupted after loading "
                + loaded
                + " of "
                + keyspaces.size()
                + " keyspaces; each keyspace is complete or as it was;"
                + " run the import again with --replace to finish");
      } catch (RuntimeException e) {
        throw new AdminException(
            Admin.EXIT_FAILED,
            Admin.oneLine(e)
                + " (after loading "
                + loaded
                + " of "
                + keyspaces.size()
                + " keyspaces; each keyspace is complete or"
                + " as it was)",
            e);
      }
      progress.finish();
      context
          .out()
          .println(
              String.format(
                  Locale.ROOT,
                  "imported %,d records in %,d keyspaces"
                      + " (%d replaced) from %s (a %s export) into %s in %.1f s"
                      + " (%,.0f records/s)",
                  progress.records(),
                  loaded,
                  conflicts.size(),
                  file.getFileName(),
                  summary.header().getSourceStore(),
                  location.describe(),
                  progress.elapsedSeconds(),
                  progress.records() / Math.max(progress.elapsedSeconds(), 1e-9)));
      return Admin.EXIT_OK;
    }
  }

  /** The keyspaces of {@code wanted} the store already holds (records or a global version). */
  private static List<Keyspace> presentIn(StoreLocation location, List<SnapshotKeyspace> wanted) {
    Set<Keyspace> present = new TreeSet<>(KeyspaceFilter.ORDER);
    try (AdminStores.ReadView view = AdminStores.openRead(location);
        Snapshot snapshot = view.openSnapshot(KeyspaceFilter.ALL)) {
      for (Optional<SnapshotKeyspace> keyspace = snapshot.nextKeyspace();
          keyspace.isPresent();
          keyspace = snapshot.nextKeyspace()) {
        present.add(keyspace.get().keyspace());
      }
    }
    List<Keyspace> conflicts = new ArrayList<>();
    for (SnapshotKeyspace keyspace : wanted) {
      if (present.contains(keyspace.keyspace())) {
        conflicts.add(keyspace.keyspace());
      }
    }
    return conflicts;
  }

  /** The current keyspace's records from {@code reader}, counted and interruptible. */
  static Iterator<StoredRecord> records(
      ExportReader reader, Progress progress, Interruption interruption) {
    return new Iterator<>() {
      private Optional<StoredRecord> next;

      @Override
      public boolean hasNext() {
        if (next == null) {
          interruption.check();
          next = reader.nextRecord();
        }
        return next.isPresent();
      }

      @Override
      public StoredRecord next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        StoredRecord record = next.get();
        next = null;
        progress.add(1, record.value().size());
        return record;
      }
    };
  }
}
