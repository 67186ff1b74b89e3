package dev.vss.server.admin;

import dev.vss.core.export.ExportFiles;
import dev.vss.core.spi.BulkLoader;
import dev.vss.core.spi.KeyspaceFilter;
import dev.vss.core.spi.Snapshot;
import dev.vss.core.spi.SnapshotKeyspace;
import dev.vss.core.spi.SnapshotSource;
import dev.vss.core.spi.StoredRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** {@code admin backup}, {@code verify}, {@code delete-user} and {@code stats}. */
final class StoreCommands {
  private StoreCommands() {}

  /** Online consistent copy of the data directory; see {@link AdminStores#backup}. */
  static int backup(Admin.Context context) {
    Path target = Admin.Options.path(context.options().required("--to", "DIR"));
    Path source = context.store().dataDir();
    if (target.startsWith(source)) {
      throw new AdminException(Admin.EXIT_USAGE, "the backup target " + target
          + " is inside the data directory " + source);
    }
    long started = System.nanoTime();
    String how = AdminStores.backup(context.store().kind(), source, target);
    context.out().println(String.format(Locale.ROOT, "backed up the %s store in %s to %s (%s)"
        + " in %.1f s; restore: stop the server, then start it with --data-dir %s (or move the"
        + " directory into place)", context.store().kind(), source, target, how,
        (System.nanoTime() - started) / 1e9, target));
    return Admin.EXIT_OK;
  }

  /** Integrity check, then (optionally) a record-by-record comparison. */
  static int verify(Admin.Context context) {
    Admin.Options options = context.options();
    KeyspaceFilter filter = options.filter();
    Optional<String> againstFile = options.value("--against");
    Optional<String> againstKind = options.value("--against-store");
    Optional<String> againstDir = options.value("--against-data-dir");
    if (againstFile.isPresent() && (againstKind.isPresent() || againstDir.isPresent())) {
      throw new AdminException(Admin.EXIT_USAGE, "--against FILE and --against-store are"
          + " alternatives");
    }
    if (againstKind.isPresent() != againstDir.isPresent()) {
      throw new AdminException(Admin.EXIT_USAGE, "--against-store needs --against-data-dir"
          + " and the other way round");
    }
    String kind = context.store().kind();
    Path dataDir = context.store().dataDir();
    boolean ok = true;
    try (AdminStores.ReadView view = AdminStores.openRead(kind, dataDir)) {
      if (!options.flag("--no-integrity")) {
        ok &= integrity(context, view, kind + " store in " + dataDir);
      }
      if (againstFile.isPresent()) {
        Path file = Admin.Options.path(againstFile.get());
        ExportFiles.Summary summary = ExportFiles.verify(file, filter, bytes -> { });
        context.out().println("export " + file + ": complete and undamaged ("
            + summary.trailer().getRecordCount() + " records, SHA-256 ok)");
        ok &= compare(context, view, kind + " store", ExportFiles.source(file), "export", filter);
      } else if (againstKind.isPresent()) {
        Path otherDir = Admin.Options.path(againstDir.get());
        try (AdminStores.ReadView other = AdminStores.openRead(againstKind.get(), otherDir)) {
          if (!options.flag("--no-integrity")) {
            ok &= integrity(context, other, againstKind.get() + " store in " + otherDir);
          }
          ok &= compare(context, view, kind + " store", other, againstKind.get()
              + " store in " + otherDir, filter);
        }
      }
    }
    return ok ? Admin.EXIT_OK : Admin.EXIT_DIFFERENCES;
  }

  private static boolean integrity(Admin.Context context, AdminStores.ReadView view,
      String what) {
    long started = System.nanoTime();
    List<String> problems = view.integrityProblems();
    String took = String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - started) / 1e9);
    if (problems.isEmpty()) {
      context.out().println("integrity of the " + what + ": ok (" + view.integrityCheckName()
          + ", " + took + ")");
      return true;
    }
    context.out().println("integrity of the " + what + ": DAMAGED (" + problems.size()
        + " problem(s)):");
    problems.forEach(p -> context.out().println("  " + p));
    return false;
  }

  private static boolean compare(Admin.Context context, SnapshotSource a, String left,
      SnapshotSource b, String right, KeyspaceFilter filter) {
    Progress progress = context.progress("verify", -1, -1);
    SnapshotComparison comparison;
    try (Snapshot x = a.openSnapshot(filter); Snapshot y = b.openSnapshot(filter)) {
      comparison = SnapshotComparison.compare(x, left, y, right, progress,
          context.interruption());
    }
    progress.finish();
    if (comparison.differences() == 0) {
      context.out().println(String.format(Locale.ROOT, "%s and %s are equal (%s): %,d"
          + " keyspaces, %,d records", left, right, filter.describe(),
          comparison.commonKeyspaces(), comparison.records()));
      return true;
    }
    context.out().println(String.format(Locale.ROOT, "%s and %s DIFFER (%s): %,d"
        + " difference(s)%s:", left, right, filter.describe(), comparison.differences(),
        comparison.differences() > comparison.listed().size() ? ", the first "
            + comparison.listed().size() : ""));
    comparison.listed().forEach(d -> context.out().println("  " + d));
    return false;
  }

  /** Deletes every keyspace of one user, each atomically. */
  static int deleteUser(Admin.Context context) {
    String user = context.options().required("--user", "USER_TOKEN");
    String kind = context.store().kind();
    Path dataDir = context.store().dataDir();
    try (BulkLoader loader = AdminStores.openWrite(kind, dataDir, true)) {
      List<SnapshotKeyspace> keyspaces = new ArrayList<>();
      long records = 0;
      try (AdminStores.ReadView view = AdminStores.openRead(kind, dataDir);
          Snapshot snapshot = view.openSnapshot(KeyspaceFilter.user(user))) {
        for (Optional<SnapshotKeyspace> keyspace = snapshot.nextKeyspace(); keyspace.isPresent();
            keyspace = snapshot.nextKeyspace()) {
          keyspaces.add(keyspace.get());
          while (snapshot.nextRecord().isPresent()) {
            records++;
          }
        }
      }
      int deleted = 0;
      for (SnapshotKeyspace keyspace : keyspaces) {
        if (context.interruption().requested()) {
          throw new AdminException(Admin.EXIT_INTERRUPTED, "interrupted after deleting "
              + deleted + " of " + keyspaces.size() + " keyspaces of user \"" + user
              + "\"; run it again to finish");
        }
        loader.replaceKeyspace(keyspace.keyspace(), 0, Collections.emptyIterator());
        deleted++;
      }
      context.out().println(String.format(Locale.ROOT, "deleted user \"%s\": %,d keyspaces,"
          + " %,d records, from the %s store in %s", user, deleted, records, kind, dataDir));
      return Admin.EXIT_OK;
    }
  }

  /** Users, keyspaces, records and bytes, for the store and (with --user) one user. */
  static int stats(Admin.Context context) {
    Optional<String> user = context.options().value("--user");
    KeyspaceFilter filter = user.map(KeyspaceFilter::user).orElse(KeyspaceFilter.ALL);
    String kind = context.store().kind();
    Path dataDir = context.store().dataDir();
    Set<String> users = new HashSet<>();
    long keyspaces = 0;
    long records = 0;
    long keyBytes = 0;
    long valueBytes = 0;
    Progress progress = context.progress("stats", -1, -1);
    try (AdminStores.ReadView view = AdminStores.openRead(kind, dataDir);
        Snapshot snapshot = view.openSnapshot(filter)) {
      for (Optional<SnapshotKeyspace> keyspace = snapshot.nextKeyspace(); keyspace.isPresent();
          keyspace = snapshot.nextKeyspace()) {
        keyspaces++;
        users.add(keyspace.get().keyspace().userToken());
        for (Optional<StoredRecord> record = snapshot.nextRecord(); record.isPresent();
            record = snapshot.nextRecord()) {
          context.interruption().check();
          records++;
          keyBytes += record.get().key().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
          valueBytes += record.get().value().size();
          progress.add(1, record.get().value().size());
        }
      }
    }
    progress.finish();
    long onDisk = sizeOnDisk(dataDir);
    context.out().println((user.isPresent() ? "user \"" + user.get() + "\" in the " : "the ")
        + kind + " store in " + dataDir + ":");
    if (user.isEmpty()) {
      context.out().println(String.format(Locale.ROOT, "  users        %,d", users.size()));
    }
    context.out().println(String.format(Locale.ROOT, "  keyspaces    %,d", keyspaces));
    context.out().println(String.format(Locale.ROOT, "  records      %,d", records));
    context.out().println(String.format(Locale.ROOT, "  key bytes    %,d (%s)", keyBytes,
        Progress.bytes(keyBytes)));
    context.out().println(String.format(Locale.ROOT, "  value bytes  %,d (%s)", valueBytes,
        Progress.bytes(valueBytes)));
    if (user.isEmpty()) {
      context.out().println(String.format(Locale.ROOT, "  on disk      %,d (%s)", onDisk,
          Progress.bytes(onDisk)));
    }
    return Admin.EXIT_OK;
  }

  private static long sizeOnDisk(Path directory) {
    try (var files = Files.walk(directory)) {
      return files.filter(Files::isRegularFile).mapToLong(file -> {
        try {
          return Files.size(file);
        } catch (java.io.IOException e) {
          return 0; // removed meanwhile (a compaction, a checkpoint of the log)
        }
      }).sum();
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      return 0;
    }
  }
}
