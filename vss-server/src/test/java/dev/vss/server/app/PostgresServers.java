package dev.vss.server.app;

import dev.vss.server.JwtCredentials;
import dev.vss.store.postgres.PostgresOptions;
import dev.vss.store.postgres.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Starts the packaged server on the tests' PostgreSQL, with JWT auth from one issuer. */
final class PostgresServers {
  final TestPostgres postgres = TestPostgres.shared();
  final String database = TestPostgres.uniqueDatabase("server");
  final JwtCredentials credentials = new JwtCredentials();
  private final Path dir;
  private final Path jwtKey;

  PostgresServers(Path dir) throws java.io.IOException {
    this.dir = dir;
    this.jwtKey = Files.writeString(dir.resolve("jwt.pem"), credentials.publicKeyPem());
  }

  /** The JDBC URL of the test database (user and password inside). */
  String jdbcUrl() {
    PostgresOptions options = postgres.options(database);
    return "jdbc:postgresql://"
        + options.address()
        + "/"
        + database
        + "?user="
        + options.user()
        + "&password=postgres";
  }

  /** Starts one more server process on the database. */
  ServerProcess start() {
    return ServerProcess.start(
        Map.of("VSS_POSTGRES_URL", jdbcUrl()),
        dir,
        "--bind",
        "127.0.0.1:0",
        "--jwt-public-key",
        jwtKey.toString());
  }
}
