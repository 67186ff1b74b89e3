package dev.vss.store.postgres;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.jspecify.annotations.NullMarked;

/**
 * Where the PostgreSQL store connects and how it sizes its work. Immutable; start from {@link
 * #reference} (the reference server's settings) or {@link #fromJdbcUrl} and change fields with the
 * {@code with*} methods.
 *
 * <p>The password is kept out of {@link #toString()} and of every log line.
 */
@NullMarked
public final class PostgresOptions {
  /** Pooled connections for reads (gets, lists, global versions). */
  public static final int DEFAULT_READ_CONNECTIONS = 8;

  /**
   * Writer threads, each with its own connection and group-commit queue. Two: with per-keyspace
   * queues a batch takes every queued write of its keyspaces, so more writers add PostgreSQL
   * backends competing for the same CPU more than they add overlap (measured in the module README's
   * Performance section: 2 beat 4, and 4 beat 8, in every cell).
   */
  public static final int DEFAULT_WRITER_CONNECTIONS = 2;

  /**
   * Reader threads serving gets, each running every get queued at that moment (across keyspaces) as
   * one statement on a read connection. Two: one can run its statement while the other collects the
   * next batch.
   */
  public static final int DEFAULT_GET_CONNECTIONS = 2;

  /** The reference server's defaults: {@code postgres}/{@code postgres} at 127.0.0.1:5432. */
  public static final String DEFAULT_USER = "postgres";

  /** The reference server's default password. */
  public static final String DEFAULT_PASSWORD = "postgres";

  /** The reference server's default address. */
  public static final String DEFAULT_ADDRESS = "127.0.0.1:5432";

  /** The database connected to first, to create the VSS database if it is missing. */
  public static final String DEFAULT_DEFAULT_DATABASE = "postgres";

  /** The reference server's default VSS database. */
  public static final String DEFAULT_VSS_DATABASE = "vss";

  private final String address;
  private final String vssDatabase;
  private final String defaultDatabase;
  private final String user;
  private final String password;
  private final Map<String, String> connectionProperties;
  private final int readConnections;
  private final int writerConnections;
  private final int getConnections;
  private final int maxBatchSize;
  private final Duration connectionTimeout;
  private final Optional<String> extraRootCertificatePem;

  private PostgresOptions(
      String address,
      String vssDatabase,
      String defaultDatabase,
      String user,
      String password,
      Map<String, String> connectionProperties,
      int readConnections,
      int writerConnections,
      int getConnections,
      int maxBatchSize,
      Duration connectionTimeout,
      Optional<String> extraRootCertificatePem) {
    this.address = requireText(address, "address");
    this.vssDatabase = requireText(vssDatabase, "vssDatabase");
    this.defaultDatabase = requireText(defaultDatabase, "defaultDatabase");
    this.user = Objects.requireNonNull(user, "user");
    this.password = Objects.requireNonNull(password, "password");
    this.connectionProperties = Map.copyOf(connectionProperties);
    if (readConnections < 1 || writerConnections < 1 || getConnections < 1 || maxBatchSize < 1) {
      throw new IllegalArgumentException(
          "readConnections, writerConnections, getConnections and"
              + " maxBatchSize must be positive");
    }
    this.readConnections = readConnections;
    this.writerConnections = writerConnections;
    this.getConnections = getConnections;
    this.maxBatchSize = maxBatchSize;
    if (connectionTimeout.toMillis() < 250) {
      throw new IllegalArgumentException("connectionTimeout must be at least 250 ms");
    }
    this.connectionTimeout = connectionTimeout;
    this.extraRootCertificatePem = Objects.requireNonNull(extraRootCertificatePem, "pem");
  }

  private static String requireText(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
    return value;
  }

  /**
   * The reference server's settings ({@code [postgresql_config]}): plain TCP, no TLS.
   *
   * @param address {@code host:port}
   */
  public static PostgresOptions reference(
      String user, String password, String address, String defaultDatabase, String vssDatabase) {
    return new PostgresOptions(
        address,
        vssDatabase,
        defaultDatabase,
        user,
        password,
        Map.of(),
        DEFAULT_READ_CONNECTIONS,
        DEFAULT_WRITER_CONNECTIONS,
        DEFAULT_GET_CONNECTIONS,
        256,
        Duration.ofSeconds(5),
        Optional.empty());
  }

  /** The reference server's defaults throughout. */
  public static PostgresOptions referenceDefaults() {
    return reference(
        DEFAULT_USER,
        DEFAULT_PASSWORD,
        DEFAULT_ADDRESS,
        DEFAULT_DEFAULT_DATABASE,
        DEFAULT_VSS_DATABASE);
  }

  /**
   * Options from a JDBC URL such as {@code jdbc:postgresql://db:5432/vss?user=u&password=p}. The
   * URL's database is the VSS database (created from {@code postgres} if missing); its other
   * parameters (TLS and so on) are passed to the driver as they are.
   *
   * @throws IllegalArgumentException if the URL is not a PostgreSQL JDBC URL
   */
  public static PostgresOptions fromJdbcUrl(String jdbcUrl) {
    Properties parsed = org.postgresql.Driver.parseURL(jdbcUrl, null);
    if (parsed == null) {
      throw new IllegalArgumentException(
          "not a PostgreSQL JDBC URL (expected jdbc:postgresql://HOST:PORT/DATABASE)");
    }
    String[] hosts = parsed.getProperty("PGHOST", "localhost").split(",");
    String[] ports = parsed.getProperty("PGPORT", "5432").split(",");
    StringBuilder address = new StringBuilder();
    for (int i = 0; i < hosts.length; i++) {
      String host = hosts[i].indexOf(':') >= 0 ? "[" + hosts[i] + "]" : hosts[i];
      address
          .append(i == 0 ? "" : ",")
          .append(host)
          .append(':')
          .append(ports[Math.min(i, ports.length - 1)]);
    }
    String database = parsed.getProperty("PGDBNAME", "");
    if (database.isEmpty()) {
      throw new IllegalArgumentException("the JDBC URL names no database");
    }
    Map<String, String> properties = new LinkedHashMap<>();
    for (String name : parsed.stringPropertyNames()) {
      if (!name.startsWith("PG") && !name.equals("user") && !name.equals("password")) {
        properties.put(name, parsed.getProperty(name));
      }
    }
    return new PostgresOptions(
        address.toString(),
        database,
        DEFAULT_DEFAULT_DATABASE,
        parsed.getProperty("user", DEFAULT_USER),
        parsed.getProperty("password", DEFAULT_PASSWORD),
        properties,
        DEFAULT_READ_CONNECTIONS,
        DEFAULT_WRITER_CONNECTIONS,
        DEFAULT_GET_CONNECTIONS,
        256,
        Duration.ofSeconds(5),
        Optional.empty());
  }

  /**
   * Connects with TLS and checks the server's certificate and host name against the JVM's trusted
   * roots plus {@code extraRootPem} when present, as the reference's {@code
   * [postgresql_config.tls]} does.
   */
  public PostgresOptions withTls(Optional<String> extraRootPem) {
    Map<String, String> properties = new LinkedHashMap<>(connectionProperties);
    properties.put("ssl", "true");
    properties.put("sslmode", "verify-full");
    properties.put("sslfactory", TlsSocketFactory.class.getName());
    return new PostgresOptions(
        address,
        vssDatabase,
        defaultDatabase,
        user,
        password,
        properties,
        readConnections,
        writerConnections,
        getConnections,
        maxBatchSize,
        connectionTimeout,
        extraRootPem);
  }

  /**
   * Connections serving reads (get, list, global version, health). Default {@value
   * #DEFAULT_READ_CONNECTIONS}.
   */
  public PostgresOptions withReadConnections(int count) {
    return new PostgresOptions(
        address,
        vssDatabase,
        defaultDatabase,
        user,
        password,
        connectionProperties,
        count,
        writerConnections,
        getConnections,
        maxBatchSize,
        connectionTimeout,
        extraRootCertificatePem);
  }

  /**
   * Writer threads, each with its own connection and queue. Default {@value
   * #DEFAULT_WRITER_CONNECTIONS}.
   */
  public PostgresOptions withWriterConnections(int count) {
    return new PostgresOptions(
        address,
        vssDatabase,
        defaultDatabase,
        user,
        password,
        connectionProperties,
        readConnections,
        count,
        getConnections,
        maxBatchSize,
        connectionTimeout,
        extraRootCertificatePem);
  }

  /**
   * Reader threads serving gets in batches: each takes every get waiting at that moment (up to 256,
   * across keyspaces) and answers them from one statement on a connection of the read pool (so at
   * most {@link #readConnections()} run at once). Default {@value #DEFAULT_GET_CONNECTIONS}.
   */
  public PostgresOptions withGetConnections(int count) {
    return new PostgresOptions(
        address,
        vssDatabase,
        defaultDatabase,
        user,
        password,
        connectionProperties,
        readConnections,
        writerConnections,
        count,
        maxBatchSize,
        connectionTimeout,
        extraRootCertificatePem);
  }

  /** Most writes in one group-commit transaction. Default 256. */
  public PostgresOptions withMaxBatchSize(int size) {
    return new PostgresOptions(
        address,
        vssDatabase,
        defaultDatabase,
        user,
        password,
        connectionProperties,
        readConnections,
        writerConnections,
        getConnections,
        size,
        connectionTimeout,
        extraRootCertificatePem);
  }

  /** How long a request waits for a connection before failing. Default 5 s. */
  public PostgresOptions withConnectionTimeout(Duration timeout) {
    return new PostgresOptions(
        address,
        vssDatabase,
        defaultDatabase,
        user,
        password,
        connectionProperties,
        readConnections,
        writerConnections,
        getConnections,
        maxBatchSize,
        timeout,
        extraRootCertificatePem);
  }

  /** The same options for another VSS database (tests make one per test class). */
  public PostgresOptions withVssDatabase(String database) {
    return new PostgresOptions(
        address,
        database,
        defaultDatabase,
        user,
        password,
        connectionProperties,
        readConnections,
        writerConnections,
        getConnections,
        maxBatchSize,
        connectionTimeout,
        extraRootCertificatePem);
  }

  /** The database connected to for creating the VSS database when it is missing. */
  public PostgresOptions withDefaultDatabase(String database) {
    return new PostgresOptions(
        address,
        vssDatabase,
        database,
        user,
        password,
        connectionProperties,
        readConnections,
        writerConnections,
        getConnections,
        maxBatchSize,
        connectionTimeout,
        extraRootCertificatePem);
  }

  /** {@code host:port}, or several separated by commas. */
  public String address() {
    return address;
  }

  /** The database holding {@code vss_db}. */
  public String vssDatabase() {
    return vssDatabase;
  }

  /** The database connected to for creating {@link #vssDatabase()} when it is missing. */
  public String defaultDatabase() {
    return defaultDatabase;
  }

  /** The user name. */
  public String user() {
    return user;
  }

  /** Read connections. */
  public int readConnections() {
    return readConnections;
  }

  /** Writer connections. */
  public int writerConnections() {
    return writerConnections;
  }

  /** Reader threads serving gets in batches. */
  public int getConnections() {
    return getConnections;
  }

  /** Most writes per transaction. */
  public int maxBatchSize() {
    return maxBatchSize;
  }

  /** Wait for a pooled connection. */
  public Duration connectionTimeout() {
    return connectionTimeout;
  }

  /** Extra driver properties (TLS and so on). */
  public Map<String, String> connectionProperties() {
    return connectionProperties;
  }

  String password() {
    return password;
  }

  /** The extra trusted root certificate(s) for TLS, as PEM text, if any. */
  public Optional<String> extraRootCertificatePem() {
    return extraRootCertificatePem;
  }

  /** The JDBC URL of {@code database}, without credentials. */
  String jdbcUrl(String database) {
    return "jdbc:postgresql://"
        + address
        + "/"
        + java.net.URLEncoder.encode(database, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Driver properties: credentials, the extra properties, and what every connection needs. */
  Properties driverProperties() {
    Properties properties = new Properties();
    properties.putAll(connectionProperties);
    properties.setProperty("user", user);
    properties.setProperty("password", password);
    properties.putIfAbsent("ApplicationName", "vss-jvm");
    properties.putIfAbsent("tcpKeepAlive", "true");
    // A dead server must not hang a writer forever; far above any statement VSS runs.
    properties.putIfAbsent("socketTimeout", "60");
    properties.putIfAbsent(
        "connectTimeout", Long.toString(Math.max(1, connectionTimeout.toSeconds())));
    extraRootCertificatePem.ifPresent(
        pem -> properties.setProperty(TlsSocketFactory.EXTRA_ROOT_PEM_PROPERTY, pem));
    return properties;
  }

  @Override
  public String toString() {
    return "postgresql://" + user + "@" + address + "/" + vssDatabase;
  }
}
