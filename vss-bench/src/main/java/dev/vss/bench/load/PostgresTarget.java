package dev.vss.bench.load;

import dev.vss.store.postgres.PostgresOptions;
import dev.vss.store.postgres.PostgresStorage;
import dev.vss.store.postgres.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The PostgreSQL server of a comparison run: an embedded one started here from the binaries on the
 * class path (the store's test helper {@link TestPostgres}, with {@code fsync=on} and {@code
 * full_page_writes=on}), or an external one named by a JDBC URL. Each measured target gets a
 * database of its own on it.
 */
final class PostgresTarget {
  private final String baseUrl;
  private final String description;

  private PostgresTarget(String baseUrl, String description) {
    this.baseUrl = baseUrl;
    this.description = description;
  }

  /** Starts an embedded, durable PostgreSQL on a free loopback port. */
  static PostgresTarget embedded() {
    TestPostgres postgres = TestPostgres.startEmbedded(true);
    return new PostgresTarget(
        "jdbc:postgresql://127.0.0.1:"
            + postgres.port()
            + "/postgres?user=postgres&password=postgres",
        "embedded (zonky binaries), port " + postgres.port());
  }

  /** An external server; {@code url} names a database the user may create databases from. */
  static PostgresTarget external(String url) {
    return new PostgresTarget(url, "external");
  }

  /** The JDBC URL of {@code database} on this server, with the base URL's other parameters. */
  String url(String database) {
    return withDatabase(baseUrl, database);
  }

  /**
   * {@code url} with its database replaced: {@code jdbc:postgresql://HOST:PORT/DB?PARAMS}.
   *
   * @throws IllegalArgumentException if it is not such a URL
   */
  static String withDatabase(String url, String database) {
    String prefix = "jdbc:postgresql://";
    if (!url.startsWith(prefix)) {
      throw new IllegalArgumentException(
          "not a PostgreSQL JDBC URL: expected " + prefix + "HOST:PORT/DATABASE");
    }
    int slash = url.indexOf('/', prefix.length());
    int query = url.indexOf('?', prefix.length());
    if (slash < 0 || (query >= 0 && query < slash)) {
      throw new IllegalArgumentException("the JDBC URL names no database");
    }
    String tail = query < 0 ? "" : url.substring(query);
    return url.substring(0, slash + 1) + database + tail;
  }

  /** A plain connection to {@code database}. */
  Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(url(database));
  }

  /**
   * Creates {@code database} (dropping an old one of that name) and lays out the reference's schema
   * in it by opening our store once: {@code vss-store-postgres}'s migrations are the reference's
   * own.
   */
  void createVssDatabase(String database) throws SQLException {
    drop(database);
    PostgresStorage.open(PostgresOptions.fromJdbcUrl(url(database))).close();
  }

  /** Drops {@code database} if it exists. */
  void drop(String database) throws SQLException {
    try (Connection connection = DriverManager.getConnection(baseUrl);
        Statement statement = connection.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
  }

  /** The server's version and its durability settings, for the report. */
  List<String> describe() throws SQLException {
    List<String> lines = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection(baseUrl);
        Statement statement = connection.createStatement()) {
      StringBuilder settings = new StringBuilder();
      for (String name :
          List.of(
              "fsync",
              "synchronous_commit",
              "full_page_writes",
              "wal_sync_method",
              "shared_buffers",
              "max_connections")) {
        try (ResultSet row = statement.executeQuery("SHOW " + name)) {
          row.next();
          settings
              .append(settings.length() == 0 ? "" : ", ")
              .append(name)
              .append('=')
              .append(row.getString(1));
        }
      }
      try (ResultSet row = statement.executeQuery("SHOW server_version")) {
        row.next();
        lines.add("PostgreSQL " + row.getString(1) + ", " + description + "; " + settings);
      }
    }
    return lines;
  }
}
