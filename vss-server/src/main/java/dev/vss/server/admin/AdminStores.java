package dev.vss.server.admin;

import dev.vss.core.spi.BulkLoader;
import dev.vss.core.spi.KeyspaceFilter;
import dev.vss.core.spi.Snapshot;
import dev.vss.core.spi.SnapshotSource;
import dev.vss.core.spi.StorageException;
import dev.vss.store.postgres.PostgresBulkLoader;
import dev.vss.store.postgres.PostgresSnapshotSource;
import dev.vss.store.rocksdb.RocksDbBackup;
import dev.vss.store.rocksdb.RocksDbBulkLoader;
import dev.vss.store.rocksdb.RocksDbOptions;
import dev.vss.store.rocksdb.RocksDbReadOnlyStore;
import dev.vss.store.sqlite.IntegrityReport;
import dev.vss.store.sqlite.SqliteBulkLoader;
import dev.vss.store.sqlite.SqliteOptions;
import dev.vss.store.sqlite.SqliteReadOnlyStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Opens a store's data directory the way each admin command needs it. Reads (export, backup,
 * verify, stats) never lock the directory and work while a server runs; writes (import,
 * delete-user) open it exclusively and are refused while a server holds it.
 */
final class AdminStores {
  private AdminStores() {}

  /** A read-only view of a store, with its integrity check. */
  interface ReadView extends SnapshotSource, AutoCloseable {
    /** Runs the store's own integrity check; returns the problems found (empty when none). */
    List<String> integrityProblems();

    /** What the integrity check covers, for the report. */
    String integrityCheckName();

    @Override
    void close();
  }

  /** Opens the store at {@code location} for reading. */
  static ReadView openRead(StoreLocation location) {
    Path dataDir = location.dataDir();
    switch (location.kind()) {
      case "sqlite":
        {
          SqliteReadOnlyStore store = SqliteReadOnlyStore.open(dataDir);
          return new ReadView() {
            @Override
            public Snapshot openSnapshot(KeyspaceFilter filter) {
              return store.openSnapshot(filter);
            }

            @Override
            public String kind() {
              return store.kind();
            }

            @Override
            public List<String> integrityProblems() {
              IntegrityReport report = store.checkIntegrity();
              List<String> problems = new ArrayList<>();
              report.sqliteProblems().forEach(p -> problems.add("integrity_check: " + p));
              problems.addAll(report.recordProblems());
              if (report.recordProblemCount() > report.recordProblems().size()) {
                problems.add(
                    "... "
                        + (report.recordProblemCount() - report.recordProblems().size())
                        + " more record problem(s)");
              }
              return problems;
            }

            @Override
            public String integrityCheckName() {
              return "SQLite integrity_check and every record's checksums";
            }

            @Override
            public void close() {}
          };
        }
      case "rocksdb":
        {
          RocksDbReadOnlyStore store = RocksDbReadOnlyStore.open(dataDir);
          return new ReadView() {
            @Override
            public Snapshot openSnapshot(KeyspaceFilter filter) {
              return store.openSnapshot(filter);
            }

            @Override
            public String kind() {
              return store.kind();
            }

            @Override
            public List<String> integrityProblems() {
              try {
                store.verifyChecksums();
                return List.of();
              } catch (StorageException e) {
                return List.of(e.getMessage());
              }
            }

            @Override
            public String integrityCheckName() {
              return "RocksDB block checksums of every table file";
            }

            @Override
            public void close() {
              store.close();
            }
          };
        }
      case "postgres":
        {
          PostgresSnapshotSource store = PostgresSnapshotSource.of(location.postgresOptions());
          return new ReadView() {
            @Override
            public Snapshot openSnapshot(KeyspaceFilter filter) {
              return store.openSnapshot(filter);
            }

            @Override
            public String kind() {
              return store.kind();
            }

            @Override
            public List<String> integrityProblems() {
              // Reading every record (a snapshot) is the check there is: PostgreSQL verifies its
              // own page checksums, when the cluster has them, on every read.
              try (Snapshot snapshot = store.openSnapshot(KeyspaceFilter.ALL)) {
                while (snapshot.nextKeyspace().isPresent()) {
                  while (snapshot.nextRecord().isPresent()) {
                    // read through
                  }
                }
                return List.of();
              } catch (StorageException e) {
                return List.of(Admin.oneLine(e));
              }
            }

            @Override
            public String integrityCheckName() {
              return "every row read back (PostgreSQL checks its page checksums, if enabled, on"
                  + " reads; use amcheck for its indexes)";
            }

            @Override
            public void close() {}
          };
        }
      default:
        throw unsupported(location.kind());
    }
  }

  /** Opens the store for bulk writes, creating the store if missing (unless {@code mustExist}). */
  static BulkLoader openWrite(StoreLocation location, boolean mustExist) {
    String kind = location.kind();
    Path dataDir = location.dataDir();
    if (mustExist && !kind.equals("postgres") && isEmpty(dataDir)) {
      throw new AdminException(Admin.EXIT_FAILED, "no " + kind + " store in " + dataDir);
    }
    try {
      switch (kind) {
        case "sqlite":
          return SqliteBulkLoader.open(dataDir, SqliteOptions.DEFAULTS);
        case "rocksdb":
          return RocksDbBulkLoader.open(dataDir, RocksDbOptions.DEFAULTS);
        case "postgres":
          return PostgresBulkLoader.open(location.postgresOptions());
        default:
          throw unsupported(kind);
      }
    } catch (StorageException e) {
      throw new AdminException(
          Admin.EXIT_FAILED,
          "cannot open "
              + location.describe()
              + " for writing (a running server holds it? stop it first): "
              + Admin.oneLine(e),
          e);
    }
  }

  /** Backs up the store into {@code target}; returns how, for the report. */
  static String backup(StoreLocation location, Path target) {
    Path dataDir = location.dataDir();
    switch (location.kind()) {
      case "sqlite":
        {
          long bytes = SqliteReadOnlyStore.open(dataDir).backupTo(target);
          return "VACUUM INTO, " + Progress.bytes(bytes);
        }
      case "rocksdb":
        return RocksDbBackup.backup(dataDir, target) == RocksDbBackup.Method.CHECKPOINT
            ? "RocksDB checkpoint"
            : "copy of a read-only view (a server holds the store)";
      case "postgres":
        throw new AdminException(
            Admin.EXIT_USAGE,
            "back up PostgreSQL with its own tools"
                + " (pg_dump, pg_basebackup), or take a portable copy with admin export");
      default:
        throw unsupported(location.kind());
    }
  }

  private static boolean isEmpty(Path dataDir) {
    if (!Files.isDirectory(dataDir)) {
      return true;
    }
    try (Stream<Path> entries = Files.list(dataDir)) {
      return entries.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  private static AdminException unsupported(String kind) {
    if (kind.equals("memory")) {
      return new AdminException(
          Admin.EXIT_USAGE,
          "the memory store keeps nothing outside a"
              + " running server; choose --store sqlite, rocksdb or postgres");
    }
    return new AdminException(
        Admin.EXIT_USAGE, "admin commands do not support the " + kind + " store");
  }
}
