package dev.vss.server.app;

import dev.vss.core.auth.SignatureAuthorizer;
import java.io.UncheckedIOException;

/**
 * The table of server settings: each one's name in each source (flag, environment variable, TOML
 * table and key), the TOML type of its value, its default, its help line and the parser that turns
 * its text into its value or refuses it. The usage text ({@link Main}) is generated from it and the
 * loader ({@link ServerConfigLoader}) reads every setting through it: the loader holds no parser of
 * its own, only the checks that involve several settings. Precedence: command-line flag, then
 * environment variable, then config file, then the default. Environment and file names follow the
 * reference server where it has the setting.
 *
 * <p>The parsers are in {@link SettingValues} or on the value types ({@link HostPort}, {@link
 * StoreKind}, {@link AuthMode}, {@link Logging.Format}); {@link #parse} turns their refusal into a
 * one-line {@link ConfigException} that names the setting as it was written.
 */
enum Setting {
  CONFIG_FILE(
      "--config",
      "VSS_CONFIG_FILE",
      null,
      null,
      "FILE",
      Type.TEXT,
      null,
      "TOML config file",
      SettingValues::readableFile),
  BIND(
      "--bind",
      "VSS_BIND_ADDRESS",
      "server_config",
      "bind_address",
      "HOST:PORT",
      Type.TEXT,
      "127.0.0.1:8080",
      "listen address",
      HostPort::parse),
  STORE(
      "--store",
      "VSS_STORE",
      "server_config",
      "store",
      StoreKind.names(),
      Type.TEXT,
      null,
      "storage engine [sqlite]",
      StoreKind::parse),
  DATA_DIR(
      "--data-dir",
      "VSS_DATA_DIR",
      "server_config",
      "data_dir",
      "DIR",
      Type.TEXT,
      "./vss-data",
      "where the store keeps its files",
      SettingValues::directory),
  AUTH(
      "--auth",
      "VSS_AUTH",
      "server_config",
      "auth",
      AuthMode.names(),
      Type.TEXT,
      null,
      "[jwt if a JWT key is set, else signature]",
      AuthMode::parse),
  /** The flag names a PEM file; the environment variable and the file key hold the PEM text. */
  JWT_PUBLIC_KEY(
      "--jwt-public-key",
      "VSS_JWT_RSA_PEM",
      "jwt_auth_config",
      "rsa_pem",
      "PEM_FILE",
      Type.TEXT,
      null,
      "RSA public key for JWT auth (env: PEM text)",
      SettingValues::text,
      true),
  /** How far a signature's time may be from the server clock; narrower limits replay. */
  SIGNATURE_MAX_SKEW(
      "--signature-max-skew",
      "VSS_SIGNATURE_MAX_SKEW",
      "signature_auth_config",
      "max_skew_seconds",
      "SECONDS",
      Type.INTEGER,
      "86400",
      "signature time window either side",
      SettingValues.seconds(
          1, SignatureAuthorizer.MAX_CLOCK_DIFFERENCE.toSeconds(), " seconds (24 hours)")),
  MAX_BODY_BYTES(
      "--max-body-bytes",
      "VSS_MAX_REQUEST_BODY_SIZE",
      "server_config",
      "max_request_body_size",
      "N",
      Type.INTEGER,
      "" + dev.vss.core.Limits.DEFAULT_MAX_REQUEST_BODY_BYTES,
      "largest request body",
      SettingValues.between(1, dev.vss.server.VssHttpHandler.MAX_BODY_LIMIT, " bytes")),
  MAX_INFLIGHT_BODY_BYTES(
      "--max-inflight-body-bytes",
      "VSS_MAX_INFLIGHT_BODY_BYTES",
      "server_config",
      "max_inflight_body_bytes",
      "N",
      Type.INTEGER,
      null,
      "all bodies in memory [heap/4]",
      SettingValues.between(1, Long.MAX_VALUE, " bytes")),
  BODY_READ_TIMEOUT(
      "--body-read-timeout",
      "VSS_BODY_READ_TIMEOUT",
      "server_config",
      "body_read_timeout_seconds",
      "SECONDS",
      Type.INTEGER,
      "30",
      "time for a body to arrive",
      SettingValues.seconds(1, SettingValues.MAX_TIMEOUT_SECONDS)),
  TLS_CERT(
      "--tls-cert",
      "VSS_TLS_CERT",
      "server_config",
      "tls_cert",
      "PEM_FILE",
      Type.TEXT,
      null,
      "certificate chain: serve HTTPS",
      SettingValues::readableFile),
  TLS_KEY(
      "--tls-key",
      "VSS_TLS_KEY",
      "server_config",
      "tls_key",
      "PEM_FILE",
      Type.TEXT,
      null,
      "private key of the certificate",
      SettingValues::readableFile),
  BASE_PATH(
      "--base-path",
      "VSS_BASE_PATH",
      "server_config",
      "base_path",
      "PATH",
      Type.TEXT,
      dev.vss.server.VssServer.DEFAULT_BASE_PATH,
      "where the VSS API lives",
      dev.vss.server.VssServer::normalizeBasePath),
  SHUTDOWN_TIMEOUT(
      "--shutdown-timeout",
      "VSS_SHUTDOWN_TIMEOUT",
      "server_config",
      "shutdown_timeout_seconds",
      "SECONDS",
      Type.INTEGER,
      "30",
      "wait for in-flight requests",
      SettingValues.seconds(0, SettingValues.MAX_TIMEOUT_SECONDS)),
  WORKER_THREADS(
      "--worker-threads",
      "VSS_WORKER_THREADS",
      "server_config",
      "worker_threads",
      "N",
      Type.INTEGER,
      "" + dev.vss.server.VssServer.DEFAULT_WORKER_THREADS,
      "requests in progress at once",
      SettingValues.intBetween(1, SettingValues.MAX_WORKER_THREADS)),
  // Load limits: shed over the concurrent request limit (503), per-user token buckets (429).
  MAX_CONCURRENT_REQUESTS(
      "--max-concurrent-requests",
      "VSS_MAX_CONCURRENT_REQUESTS",
      "server_config",
      "max_concurrent_requests",
      "N",
      Type.INTEGER,
      null,
      "more are shed with 503 [4 x workers; 0 off]",
      SettingValues.intBetween(0, Integer.MAX_VALUE, " (0: no limit)")),
  RATE_LIMIT_REQUESTS(
      "--rate-limit-requests",
      "VSS_RATE_LIMIT_REQUESTS",
      "server_config",
      "rate_limit_requests_per_second",
      "N",
      Type.INTEGER,
      "0",
      "per user and second (more: 429; 0 off)",
      SettingValues::offOrPositive),
  RATE_LIMIT_REQUESTS_BURST(
      "--rate-limit-requests-burst",
      "VSS_RATE_LIMIT_REQUESTS_BURST",
      "server_config",
      "rate_limit_requests_burst",
      "N",
      Type.INTEGER,
      null,
      "requests at once after idling [the rate]",
      SettingValues::offOrPositive),
  RATE_LIMIT_WRITE_BYTES(
      "--rate-limit-write-bytes",
      "VSS_RATE_LIMIT_WRITE_BYTES",
      "server_config",
      "rate_limit_write_bytes_per_second",
      "N",
      Type.INTEGER,
      "0",
      "written bytes/user/second (0 off)",
      SettingValues::offOrPositive),
  RATE_LIMIT_WRITE_BYTES_BURST(
      "--rate-limit-write-bytes-burst",
      "VSS_RATE_LIMIT_WRITE_BYTES_BURST",
      "server_config",
      "rate_limit_write_bytes_burst",
      "N",
      Type.INTEGER,
      null,
      "[max(rate, body limit)]",
      SettingValues::offOrPositive),
  LOG_LEVEL(
      "--log-level",
      "VSS_LOG_LEVEL",
      "log_config",
      "level",
      "trace|debug|info|warn|error|off",
      Type.TEXT,
      "info",
      "",
      SettingValues::logLevel),
  /** As the reference's {@code log_config.file}; unset, logs go to standard error. */
  LOG_FILE(
      "--log-file",
      "VSS_LOG_FILE",
      "log_config",
      "file",
      "FILE",
      Type.TEXT,
      null,
      "log to FILE (reopened on SIGHUP) [stderr]",
      SettingValues::writableFile),
  LOG_FORMAT(
      "--log-format",
      "VSS_LOG_FORMAT",
      "log_config",
      "format",
      "text|json",
      Type.TEXT,
      "text",
      "text lines or JSON lines",
      Logging.Format::parse),
  ACCESS_LOG(
      "--access-log",
      "VSS_ACCESS_LOG",
      "log_config",
      "access_log",
      "on|off",
      Type.ON_OFF,
      "on",
      "one line per request (vss.access)",
      SettingValues::onOff),
  // The request limits of SPEC section 6 (dev.vss.core.Limits); a request over one is refused
  // with INVALID_REQUEST. Lengths count characters (code points).
  MAX_ITEMS_PER_PUT(
      "--max-items-per-put",
      "VSS_MAX_ITEMS_PER_PUT",
      "limits_config",
      "max_items_per_put",
      "N",
      Type.INTEGER,
      Integer.toString(dev.vss.core.Limits.DEFAULTS.maxItemsPerPut()),
      "items (puts + deletes) per putObjects",
      SettingValues.intBetween(1, Integer.MAX_VALUE)),
  MAX_KEY_LENGTH(
      "--max-key-length",
      "VSS_MAX_KEY_LENGTH",
      "limits_config",
      "max_key_length",
      "N",
      Type.INTEGER,
      Integer.toString(dev.vss.core.Limits.DEFAULTS.maxKeyLength()),
      "characters in a key",
      SettingValues.intBetween(1, Integer.MAX_VALUE)),
  MAX_STORE_ID_LENGTH(
      "--max-store-id-length",
      "VSS_MAX_STORE_ID_LENGTH",
      "limits_config",
      "max_store_id_length",
      "N",
      Type.INTEGER,
      Integer.toString(dev.vss.core.Limits.DEFAULTS.maxStoreIdLength()),
      "characters in a store id",
      SettingValues.intBetween(1, Integer.MAX_VALUE)),
  MAX_VALUE_BYTES(
      "--max-value-bytes",
      "VSS_MAX_VALUE_BYTES",
      "limits_config",
      "max_value_bytes",
      "N",
      Type.INTEGER,
      Integer.toString(dev.vss.core.Limits.DEFAULTS.maxValueBytes()),
      "bytes in one value",
      SettingValues.intBetween(1, Integer.MAX_VALUE)),
  DEFAULT_PAGE_SIZE(
      "--default-page-size",
      "VSS_DEFAULT_PAGE_SIZE",
      "limits_config",
      "default_page_size",
      "N",
      Type.INTEGER,
      Integer.toString(dev.vss.core.Limits.DEFAULTS.defaultPageSize()),
      "keys per list page when unset",
      SettingValues.intBetween(1, Integer.MAX_VALUE)),
  MAX_PAGE_SIZE(
      "--max-page-size",
      "VSS_MAX_PAGE_SIZE",
      "limits_config",
      "max_page_size",
      "N",
      Type.INTEGER,
      Integer.toString(dev.vss.core.Limits.DEFAULTS.maxPageSize()),
      "larger page sizes asked are capped",
      SettingValues.intBetween(1, Integer.MAX_VALUE)),
  // Quotas (dev.vss.core.Quotas), each off when 0, the default.
  QUOTA_MAX_BYTES_PER_USER(
      "--quota-max-bytes-per-user",
      "VSS_QUOTA_MAX_BYTES_PER_USER",
      "quota_config",
      "max_bytes_per_user",
      "N",
      Type.INTEGER,
      "0",
      "stored bytes per user, all store ids",
      SettingValues::offOrPositive),
  QUOTA_MAX_RECORDS_PER_USER(
      "--quota-max-records-per-user",
      "VSS_QUOTA_MAX_RECORDS_PER_USER",
      "quota_config",
      "max_records_per_user",
      "N",
      Type.INTEGER,
      "0",
      "records per user, all store ids",
      SettingValues::offOrPositive),
  QUOTA_MAX_BYTES_PER_STORE(
      "--quota-max-bytes-per-store",
      "VSS_QUOTA_MAX_BYTES_PER_STORE",
      "quota_config",
      "max_bytes_per_store",
      "N",
      Type.INTEGER,
      "0",
      "stored bytes per (user, store id)",
      SettingValues::offOrPositive),
  // PostgreSQL: the reference server's [postgresql_config] and VSS_PSQL_* names. Any of them
  // selects the postgres store (ServerConfigLoader.POSTGRES_SETTINGS).
  POSTGRES_URL(
      "--postgres-url",
      "VSS_POSTGRES_URL",
      "postgresql_config",
      "jdbc_url",
      "JDBC_URL",
      Type.TEXT,
      null,
      "jdbc:postgresql://HOST:PORT/DB?user=..",
      dev.vss.store.postgres.PostgresOptions::fromJdbcUrl),
  PSQL_ADDRESS(
      "--postgres-address",
      "VSS_PSQL_ADDRESS",
      "postgresql_config",
      "address",
      "HOST:PORT",
      Type.TEXT,
      dev.vss.store.postgres.PostgresOptions.DEFAULT_ADDRESS,
      "or the reference's settings",
      SettingValues::address),
  PSQL_USERNAME(
      "--postgres-user",
      "VSS_PSQL_USERNAME",
      "postgresql_config",
      "username",
      "NAME",
      Type.TEXT,
      dev.vss.store.postgres.PostgresOptions.DEFAULT_USER,
      "user",
      SettingValues::nonEmpty),
  /** No flag: a password on the command line is visible to every local user. */
  PSQL_PASSWORD(
      null,
      "VSS_PSQL_PASSWORD",
      "postgresql_config",
      "password",
      "PASSWORD",
      Type.TEXT,
      dev.vss.store.postgres.PostgresOptions.DEFAULT_PASSWORD,
      "password",
      SettingValues::text),
  PSQL_DEFAULT_DB(
      "--postgres-default-db",
      "VSS_PSQL_DEFAULT_DB",
      "postgresql_config",
      "default_database",
      "NAME",
      Type.TEXT,
      dev.vss.store.postgres.PostgresOptions.DEFAULT_DEFAULT_DATABASE,
      "connected to create the VSS db",
      SettingValues::nonEmpty),
  PSQL_VSS_DB(
      "--postgres-db",
      "VSS_PSQL_VSS_DB",
      "postgresql_config",
      "vss_database",
      "NAME",
      Type.TEXT,
      dev.vss.store.postgres.PostgresOptions.DEFAULT_VSS_DATABASE,
      "the VSS database, created if missing",
      SettingValues::nonEmpty),
  /** As the reference: the variable set (to anything) or the table present turns TLS on. */
  PSQL_TLS(
      null,
      "VSS_PSQL_TLS",
      "postgresql_config",
      "tls",
      "(set)",
      Type.TABLE,
      null,
      "TLS to PostgreSQL when set",
      SettingValues::present),
  /**
   * An extra trusted root certificate (PEM text); in the file, {@code crt_pem} of the tls table.
   */
  PSQL_CRT_PEM(
      null,
      "VSS_PSQL_CRT_PEM",
      "postgresql_config",
      "tls.crt_pem",
      "PEM",
      Type.TEXT,
      null,
      "extra trusted root certificate (PEM)",
      SettingValues::text),
  // PostgreSQL pool sizes (PostgresOptions): used by the postgres store, selecting nothing.
  POSTGRES_WRITER_CONNECTIONS(
      "--postgres-writer-connections",
      "VSS_POSTGRES_WRITER_CONNECTIONS",
      "postgresql_config",
      "writer_connections",
      "N",
      Type.INTEGER,
      "" + dev.vss.store.postgres.PostgresOptions.DEFAULT_WRITER_CONNECTIONS,
      "writer threads, one connection each",
      SettingValues.intBetween(1, SettingValues.MAX_POSTGRES_CONNECTIONS)),
  POSTGRES_READ_CONNECTIONS(
      "--postgres-read-connections",
      "VSS_POSTGRES_READ_CONNECTIONS",
      "postgresql_config",
      "read_connections",
      "N",
      Type.INTEGER,
      "" + dev.vss.store.postgres.PostgresOptions.DEFAULT_READ_CONNECTIONS,
      "pooled connections for reads",
      SettingValues.intBetween(1, SettingValues.MAX_POSTGRES_CONNECTIONS)),
  POSTGRES_GET_CONNECTIONS(
      "--postgres-get-connections",
      "VSS_POSTGRES_GET_CONNECTIONS",
      "postgresql_config",
      "get_connections",
      "N",
      Type.INTEGER,
      "" + dev.vss.store.postgres.PostgresOptions.DEFAULT_GET_CONNECTIONS,
      "threads batching gets (on read conns)",
      SettingValues.intBetween(1, SettingValues.MAX_POSTGRES_CONNECTIONS));

  /** The TOML type a config file must give the setting's value in. */
  enum Type {
    /** A TOML string. */
    TEXT,
    /** A TOML integer. */
    INTEGER,
    /** A TOML boolean, or the string {@code "on"} or {@code "off"}. */
    ON_OFF,
    /** A TOML table whose presence is the value. */
    TABLE
  }

  private final String flag;
  private final String env;
  private final String table;
  private final String key;
  private final String valueHint;
  private final Type type;
  private final String defaultValue;
  private final String help;

  // Every parser in the table is a stateless function (a method reference or a lambda over
  // constants), so the enum stays immutable; Error Prone cannot see that through the interface.
  @SuppressWarnings("ImmutableEnumChecker")
  private final SettingValues.Parser<?> parser;

  private final boolean flagNamesFile;

  Setting(
      String flag,
      String env,
      String table,
      String key,
      String valueHint,
      Type type,
      String defaultValue,
      String help,
      SettingValues.Parser<?> parser) {
    this(flag, env, table, key, valueHint, type, defaultValue, help, parser, false);
  }

  /**
   * A setting whose flag, when {@code flagNamesFile}, names a file holding the value that the
   * environment variable and the file key hold themselves (as a PEM key).
   */
  Setting(
      String flag,
      String env,
      String table,
      String key,
      String valueHint,
      Type type,
      String defaultValue,
      String help,
      SettingValues.Parser<?> parser,
      boolean flagNamesFile) {
    this.flag = flag;
    this.env = env;
    this.table = table;
    this.key = key;
    this.valueHint = valueHint;
    this.type = type;
    this.defaultValue = defaultValue;
    this.help = help;
    this.parser = parser;
    this.flagNamesFile = flagNamesFile;
  }

  /** The command-line flag, such as {@code --bind}; null for a setting without one. */
  String flag() {
    return flag;
  }

  /** The environment variable, such as {@code VSS_BIND_ADDRESS}. */
  String env() {
    return env;
  }

  /** The config file table, such as {@code server_config}; null if the file cannot set it. */
  String table() {
    return table;
  }

  /** The key inside {@link #table()}, such as {@code bind_address}. */
  String key() {
    return key;
  }

  /** What the value looks like, for usage text. */
  String valueHint() {
    return valueHint;
  }

  /** The TOML type of the value in a config file. */
  Type type() {
    return type;
  }

  /**
   * The default as text, as {@link #parse} reads it; null when there is none or when it depends on
   * other settings (then {@link #help()} describes it in brackets and the loader derives it).
   */
  String defaultValue() {
    return defaultValue;
  }

  /** The one-line description for the usage text, without the default. */
  String help() {
    return help;
  }

  /**
   * Parses this setting's value.
   *
   * @param text the value as given (for a flag that names a file, the file's name)
   * @param source where it was given, as the user wrote it: the flag, the environment variable, the
   *     file key and file ({@code server_config.bind_address in vss.toml}), or {@code default}
   * @param valueType the type of the value, which the table's parser must return
   * @return the value
   * @throws ConfigException one line: {@code invalid SOURCE "TEXT": REASON}
   */
  <T> T parse(String text, String source, Class<T> valueType) {
    Object value;
    try {
      value =
          parser.parse(flagNamesFile && source.equals(flag) ? SettingValues.fileText(text) : text);
    } catch (IllegalArgumentException | UncheckedIOException e) {
      String reason =
          e instanceof UncheckedIOException
              ? "cannot read it (" + e.getCause().getClass().getSimpleName() + ")"
              : e.getMessage();
      throw new ConfigException("invalid " + describe(text, source) + ": " + reason, e);
    }
    if (!valueType.isInstance(value)) {
      // A table entry and its reader disagree: a bug here, not a bad setting.
      throw new IllegalStateException(
          this + " parses to " + value.getClass() + ", not " + valueType);
    }
    return valueType.cast(value);
  }

  /** {@code --bind "x"}: the source and, for short one-line values, the value itself. */
  private static String describe(String text, String source) {
    boolean showable = text.length() <= 200 && text.chars().noneMatch(c -> c < 0x20);
    return source + (showable ? " \"" + text + "\"" : "");
  }

  /**
   * The heading printed before this setting in the usage text, for the first setting of a group;
   * null for the others.
   */
  String heading() {
    switch (this) {
      case MAX_ITEMS_PER_PUT:
        return "Request limits (SPEC 6); over one: INVALID_REQUEST:";
      case QUOTA_MAX_BYTES_PER_USER:
        return "Quotas (0: off); stored bytes are value bytes:";
      case POSTGRES_URL:
        return "PostgreSQL (any of these selects --store postgres):";
      case POSTGRES_WRITER_CONNECTIONS:
        return "PostgreSQL pools (used by --store postgres):";
      default:
        return null;
    }
  }

  /** The setting whose flag is {@code flag}, or null. */
  static Setting forFlag(String flag) {
    for (Setting setting : values()) {
      if (flag.equals(setting.flag)) {
        return setting;
      }
    }
    return null;
  }
}
