package dev.vss.server.admin;

import dev.vss.server.app.StoreSelection;
import dev.vss.store.postgres.PostgresOptions;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where an admin command finds a store: its kind and its data directory, or for PostgreSQL its
 * connection settings.
 *
 * @param kind {@code sqlite}, {@code rocksdb}, {@code postgres} (or {@code memory}, refused)
 * @param dataDir the data directory (unused by postgres)
 * @param postgres the connection settings; present for postgres
 */
record StoreLocation(String kind, Path dataDir, Optional<PostgresOptions> postgres) {
  /** The store the server's settings select. */
  static StoreLocation of(StoreSelection selection) {
    return new StoreLocation(selection.kind(), selection.dataDir(), selection.postgres());
  }

  /** {@code the sqlite store in /var/lib/vss}, for messages. */
  String describe() {
    return "the "
        + kind
        + " store "
        + (postgres.isPresent() ? "at " + postgres.get() : "in " + dataDir);
  }

  PostgresOptions postgresOptions() {
    return postgres.orElseThrow(
        () ->
            new AdminException(
                Admin.EXIT_USAGE,
                "the postgres store needs its connection settings (--postgres-url JDBC_URL)"));
  }
}
