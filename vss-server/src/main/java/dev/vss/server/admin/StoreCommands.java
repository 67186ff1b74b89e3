package dev.vss.server.admin;

import dev.vss.core.Quotas;
import dev.vss.core.export.ExportFiles;
import dev.vss.core.spi.BulkLoader;
import dev.vss.core.spi.KeyspaceFilter;
import dev.vss.core.spi.Snapshot;
import dev.vss.core.spi.SnapshotKeyspace;
import dev.vss.core.spi.SnapshotSource;
import dev.vss.core.spi.StoredRecord;
import dev.vss.core.spi.Usage;
import dev.vss.store.postgres.PostgresOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code admin backup}, {@code verify}, {@code delete-user} and {@code stats}. */
final class StoreCommands {
  private StoreCommands() {}

  /** Online consistent copy of the data directory; see {@link AdminStores#backup}. */
  static int backup(Admin.Context context) {
    Path target = Admin.Options.path(context.options().required("--to", "DIR"));
    Path source = context.location().dataDir();
    if (!context.location().kind().equals("postgres") && target.startsWith(source)) {
      throw new AdminException(
          Admin.EXIT_USAGE,
          "the backup target " + target + " is inside the data directory " + source);
    }
    long started = System.nanoTime();
    String how = AdminStores.backup(context.location(), target);
    context
        .out()
        .println(
            String.format(
                Locale.ROOT,
                "backed up %s to %s (%s)"
                    + " in %.1f s; restore: stop the server, then start it with --data-dir %s (or move the"
                    + " directory into place)",
                context.location().describe(),
                target,
                how,
                (System.nanoTime() - started) / 1e9,
                target));
    return Admin.EXIT_OK;
  }

  /** Integrity check, then (optionally) a record-by-record comparison. */
  static int verify(Admin.Context context) {
    Admin.Options options = context.options();
    KeyspaceFilter filter = options.filter();
    Optional<String> againstFile = options.value("--against");
    Optional<String> againstKind = options.value("--against-store");
    Optional<String> againstDir = options.value("--against-data-dir");
    Optional<String> againstUrl = options.value("--against-postgres-url");
    if (againstFile.isPresent() && againstKind.isPresent()) {
      throw new AdminException(
          Admin.EXIT_USAGE, "--against FILE and --against-store are" + " alternatives");
    }
    if (againstKind.isPresent()
        && (againstKind.get().equals("postgres") ? againstUrl.isEmpty() : againstDir.isEmpty())) {
      throw new AdminException(
          Admin.EXIT_USAGE,
          "--against-store needs --against-data-dir"
              + " (or, for postgres, --against-postgres-url)");
    }
    StoreLocation location = context.location();
    boolean ok = true;
    try (AdminStores.ReadView view = AdminStores.openRead(location)) {
      if (!options.flag("--no-integrity")) {
        ok &= integrity(context, view, location.describe());
      }
      if (againstFile.isPresent()) {
        Path file = Admin.Options.path(againstFile.get());
        ExportFiles.Summary summary = ExportFiles.verify(file, filter, bytes -> {});
        context
            .out()
            .println(
                "export "
                    + file
                    + ": complete and undamaged ("
                    + summary.trailer().getRecordCount()
                    + " records, SHA-256 ok)");
        ok &=
            compare(context, view, location.describe(), ExportFiles.source(file), "export", filter);
      } else if (againstKind.isPresent()) {
        StoreLocation otherLocation =
            new StoreLocation(
                againstKind.get(),
                Admin.Options.path(againstDir.orElse(".")),
                againstUrl.map(PostgresOptions::fromJdbcUrl));
        try (AdminStores.ReadView other = AdminStores.openRead(otherLocation)) {
          if (!options.flag("--no-integrity")) {
            ok &= integrity(context, other, otherLocation.describe());
          }
          ok &=
              compare(context, view, location.describe(), other, otherLocation.describe(), filter);
        }
      }
    }
    return ok ? Admin.EXIT_OK : Admin.EXIT_DIFFERENCES;
  }

  private static boolean integrity(Admin.Context context, AdminStores.ReadView view, String what) {
    long started = System.nanoTime();
    List<String> problems = view.integrityProblems();
    String took = String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - started) / 1e9);
    if (problems.isEmpty()) {
      context
          .out()
          .println(
              "integrity of " + what + ": ok (" + view.integrityCheckName() + ", " + took + ")");
      return true;
    }
    context
        .out()
        .println("integrity of " + what + ": DAMAGED (" + problems.size() + " problem(s)):");
    problems.forEach(p -> context.out().println("  " + p));
    return false;
  }

  private static boolean compare(
      Admin.Context context,
      SnapshotSource a,
      String left,
      SnapshotSource b,
      String right,
      KeyspaceFilter filter) {
    Progress progress = context.progress("verify", -1, -1);
    SnapshotComparison comparison;
    try (Snapshot x = a.openSnapshot(filter);
        Snapshot y = b.openSnapshot(filter)) {
      comparison = SnapshotComparison.compare(x, left, y, right, progress, context.interruption());
    }
    progress.finish();
    if (comparison.differences() == 0) {
      context
          .out()
          .println(
              String.format(
                  Locale.ROOT,
                  "%s and %s are equal (%s): %,d" + " keyspaces, %,d records",
                  left,
                  right,
                  filter.describe(),
                  comparison.commonKeyspaces(),
                  comparison.records()));
      return true;
    }
    context
        .out()
        .println(
            String.format(
                Locale.ROOT,
                "%s and %s DIFFER (%s): %,d" + " difference(s)%s:",
                left,
                right,
                filter.describe(),
                comparison.differences(),
                comparison.differences() > comparison.listed().size()
                    ? ", the first " + comparison.listed().size()
                    : ""));
    comparison.listed().forEach(d -> context.out().println("  " + d));
    return false;
  }

  /** Deletes every keyspace of one user, each atomically. */
  static int deleteUser(Admin.Context context) {
    String user = context.options().required("--user", "USER_TOKEN");
    StoreLocation location = context.location();
    try (BulkLoader loader = AdminStores.openWrite(location, true)) {
      List<SnapshotKeyspace> keyspaces = new ArrayList<>();
      long records = 0;
      try (AdminStores.ReadView view = AdminStores.openRead(location);
          Snapshot snapshot = view.openSnapshot(KeyspaceFilter.user(user))) {
        for (Optional<SnapshotKeyspace> keyspace = snapshot.nextKeyspace();
            keyspace.isPresent();
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
          throw new AdminException(
              Admin.EXIT_INTERRUPTED,
              "interrupted after deleting "
                  + deleted
                  + " of "
                  + keyspaces.size()
                  + " keyspaces of user \""
                  + user
                  + "\"; run it again to finish");
        }
        loader.replaceKeyspace(keyspace.keyspace(), 0, Collections.emptyIterator());
        deleted++;
      }
      context
          .out()
          .println(
              String.format(
                  Locale.ROOT,
                  "deleted user \"%s\": %,d keyspaces," + " %,d records, from %s",
                  user,
                  deleted,
                  records,
                  location.describe()));
      return Admin.EXIT_OK;
    }
  }

  /**
   * PostgreSQL only: counts the usage counters again from the records (after the reference server,
   * which does not keep them, wrote to the database). SQLite and RocksDB files are written only by
   * this server, which keeps their counters with every write.
   */
  static int recountUsage(Admin.Context context) {
    StoreLocation location = context.location();
    if (!location.kind().equals("postgres")) {
      throw new AdminException(
          Admin.EXIT_FAILED,
          "refused: only a PostgreSQL database needs a"
              + " recount (the reference server may write to it); "
              + location.describe()
              + " keeps its usage counters with every write");
    }
    String counted =
        dev.vss.store.postgres.PostgresStorage.recountUsage(location.postgresOptions());
    context.out().println("recounted the usage of " + location.describe() + ": " + counted);
    return Admin.EXIT_OK;
  }

  /** Users, keyspaces, records and bytes, for the store and (with --user) one user. */
  static int stats(Admin.Context context) {
    Optional<String> user = context.options().value("--user");
    KeyspaceFilter filter = user.map(KeyspaceFilter::user).orElse(KeyspaceFilter.ALL);
    StoreLocation location = context.location();
    Set<String> users = new HashSet<>();
    long keyspaces = 0;
    long records = 0;
    long keyBytes = 0;
    long valueBytes = 0;
    Quotas quotas = context.store().quotas();
    // Usage as the quotas count it (value bytes, records), from the data itself.
    Map<String, Usage> byUser = new HashMap<>();
    Usage fullestStore = Usage.ZERO;
    String fullestStoreName = null;
    Progress progress = context.progress("stats", -1, -1);
    try (AdminStores.ReadView view = AdminStores.openRead(location);
        Snapshot snapshot = view.openSnapshot(filter)) {
      for (Optional<SnapshotKeyspace> keyspace = snapshot.nextKeyspace();
          keyspace.isPresent();
          keyspace = snapshot.nextKeyspace()) {
        keyspaces++;
        users.add(keyspace.get().keyspace().userToken());
        Usage inKeyspace = Usage.ZERO;
        for (Optional<StoredRecord> record = snapshot.nextRecord();
            record.isPresent();
            record = snapshot.nextRecord()) {
          context.interruption().check();
          inKeyspace = inKeyspace.plus(new Usage(Usage.storedBytes(record.get().value()), 1));
          records++;
          keyBytes += record.get().key().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
          valueBytes += record.get().value().size();
          progress.add(1, record.get().value().size());
        }
        if (quotas.enabled()) {
          byUser.merge(keyspace.get().keyspace().userToken(), inKeyspace, Usage::plus);
          if (inKeyspace.bytes() > fullestStore.bytes() || fullestStoreName == null) {
            fullestStore = inKeyspace;
            fullestStoreName =
                keyspace.get().keyspace().userToken()
                    + "\" / \""
                    + keyspace.get().keyspace().storeId();
          }
        }
      }
    }
    progress.finish();
    boolean onDiskKnown = !location.kind().equals("postgres");
    long onDisk = onDiskKnown ? sizeOnDisk(location.dataDir()) : 0;
    context
        .out()
        .println(
            (user.isPresent() ? "user \"" + user.get() + "\" in " : "")
                + location.describe()
                + ":");
    if (user.isEmpty()) {
      context.out().println(String.format(Locale.ROOT, "  users        %,d", users.size()));
    }
    context.out().println(String.format(Locale.ROOT, "  keyspaces    %,d", keyspaces));
    context.out().println(String.format(Locale.ROOT, "  records      %,d", records));
    context
        .out()
        .println(
            String.format(
                Locale.ROOT, "  key bytes    %,d (%s)", keyBytes, Progress.bytes(keyBytes)));
    context
        .out()
        .println(
            String.format(
                Locale.ROOT, "  value bytes  %,d (%s)", valueBytes, Progress.bytes(valueBytes)));
    if (user.isEmpty() && onDiskKnown) {
      context
          .out()
          .println(
              String.format(
                  Locale.ROOT, "  on disk      %,d (%s)", onDisk, Progress.bytes(onDisk)));
    }
    if (quotas.enabled()) {
      printQuotas(context, quotas, user.isPresent(), byUser, fullestStore, fullestStoreName);
    }
    return Admin.EXIT_OK;
  }

  /**
   * Usage against the configured quotas: for one user its usage of each quota; for the whole store
   * the fullest user of each quota and how many users are over it (after quotas were lowered, say).
   */
  private static void printQuotas(
      Admin.Context context,
      Quotas quotas,
      boolean oneUser,
      Map<String, Usage> byUser,
      Usage fullestStore,
      String fullestStoreName) {
    context.out().println("  quotas (stored bytes are value bytes):");
    if (quotas.maxBytesPerUser() > 0) {
      printQuota(
          context, "bytes per user", quotas.maxBytesPerUser(), oneUser, byUser, Usage::bytes);
    }
    if (quotas.maxRecordsPerUser() > 0) {
      printQuota(
          context, "records per user", quotas.maxRecordsPerUser(), oneUser, byUser, Usage::records);
    }
    if (quotas.maxBytesPerStore() > 0) {
      context
          .out()
          .println(
              String.format(
                  Locale.ROOT,
                  "    %-18s fullest store \"%s\": %,d of" + " %,d (%s)",
                  "bytes per store",
                  fullestStoreName == null ? "-" : fullestStoreName,
                  fullestStore.bytes(),
                  quotas.maxBytesPerStore(),
                  percent(fullestStore.bytes(), quotas.maxBytesPerStore())));
    }
  }

  private static void printQuota(
      Admin.Context context,
      String name,
      long limit,
      boolean oneUser,
      Map<String, Usage> byUser,
      java.util.function.ToLongFunction<Usage> measure) {
    long highest = 0;
    String fullest = "-";
    long over = 0;
    for (Map.Entry<String, Usage> entry : byUser.entrySet()) {
      long used = measure.applyAsLong(entry.getValue());
      if (used > highest) {
        highest = used;
        fullest = entry.getKey();
      }
      if (used > limit) {
        over++;
      }
    }
    if (oneUser) {
      context
          .out()
          .println(
              String.format(
                  Locale.ROOT,
                  "    %-18s %,d of %,d (%s)",
                  name,
                  highest,
                  limit,
                  percent(highest, limit)));
    } else {
      context
          .out()
          .println(
              String.format(
                  Locale.ROOT,
                  "    %-18s fullest user \"%s\": %,d of" + " %,d (%s); %,d user(s) over it",
                  name,
                  fullest,
                  highest,
                  limit,
                  percent(highest, limit),
                  over));
    }
  }

  private static String percent(long used, long limit) {
    return String.format(Locale.ROOT, "%.1f%%", 100.0 * used / limit);
  }

  private static long sizeOnDisk(Path directory) {
    try (var files = Files.walk(directory)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              file -> {
                try {
                  return Files.size(file);
                } catch (java.io.IOException e) {
                  return 0; // removed meanwhile (a compaction, a checkpoint of the log)
                }
              })
          .sum();
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      return 0;
    }
  }
}
