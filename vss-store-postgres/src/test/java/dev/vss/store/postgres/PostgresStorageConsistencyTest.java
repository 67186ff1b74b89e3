package dev.vss.store.postgres;

import dev.vss.core.spi.Storage;
import dev.vss.testkit.StorageConsistencySuite;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;

/**
 * The testkit's consistency suite against {@link PostgresStorage} with group commit: atomic
 * visibility, linearizability, and the kit's kill test, whose child JVM opens the store through
 * this class and is killed with SIGKILL while it writes.
 *
 * <p>PostgreSQL holds the data, not the directory the suite hands out: the parent and the child
 * open the same database of the same server. The child learns both through its environment ({@value
 * TestPostgres#EXTERNAL_URL_ENV}, which {@link TestPostgres#durable()} reads, and {@value
 * #DATABASE_ENV}). Every test draws its own random user token, so all of them share one database
 * without seeing each other's records.
 *
 * <p>The server runs with {@code fsync=on} ({@link TestPostgres#durable()}), as in production,
 * unlike the shared test server. Strictly, the kill test kills the VSS process and not PostgreSQL,
 * so it checks that a write is acknowledged only after PostgreSQL committed it and that a batch is
 * all or nothing, which {@code fsync=off} would not change (PostgreSQL keeps running with every
 * committed WAL record at least in the OS's page cache); the durable server keeps the commit path
 * the one that production runs.
 */
class PostgresStorageConsistencyTest extends StorageConsistencySuite {
  /** Names the database to the child JVM. */
  static final String DATABASE_ENV = "VSS_TEST_POSTGRES_CONSISTENCY_DATABASE";

  /** In the child JVM, the parent's server, named by the environment. */
  private static final TestPostgres SERVER = TestPostgres.durable();

  private static final String DATABASE =
      System.getenv(DATABASE_ENV) != null
          ? System.getenv(DATABASE_ENV)
          : TestPostgres.uniqueDatabase("consistency");

  @AfterAll
  static void stopServer() {
    if (SERVER.embedded()) {
      SERVER.stop(); // the server of this class alone
    }
  }

  @Override
  protected Storage openStorage(Path directory) {
    return PostgresStorage.open(SERVER.options(DATABASE));
  }

  @Override
  protected void configureCrashChild(ProcessBuilder child, Path scratch) {
    child.environment().put(TestPostgres.EXTERNAL_URL_ENV, SERVER.jdbcUrl());
    child.environment().put(DATABASE_ENV, DATABASE);
  }
}
