package dev.vss.server.app;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.vss.server.RateLimits;
import dev.vss.server.VssHttpHandler;
import dev.vss.server.VssServer;
import dev.vss.store.postgres.PostgresOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Resolves a {@link ServerConfig} from command-line flags, environment variables, a TOML config
 * file and defaults, in that order of precedence.
 *
 * <p>Each setting is read through its {@link Setting} entry, which names it in each source, holds
 * its default and parses its value; this class holds no parser of its own. What it adds is the
 * precedence, the defaults that depend on other settings (the store, the auth mode, the bursts, the
 * concurrent request limit) and, in one section, the checks that relate several settings (TLS
 * certificate and key, PostgreSQL selection, the in-flight body budget, the request limits and the
 * rate limits together) and the warnings for settings that go unused.
 *
 * <p>Only the value that wins is validated: a bad value that a higher source overrides does not
 * stop start-up. Every failure is a {@link ConfigException} with one line naming the setting as it
 * was written (a flag, an environment variable, or a file key and the file).
 *
 * <p>Loading touches no class that holds a logger ({@link VssServer}, {@link VssHttpHandler}): the
 * log level is part of the configuration, and slf4j-simple fixes its settings when the first logger
 * is made.
 *
 * <p>The config file is read with Jackson's TOML parser so that any valid TOML file works,
 * including the reference server's. An unknown table or key is an error with a "did you mean" hint:
 * a mistyped setting must not silently stay at its default.
 */
final class ServerConfigLoader {
  static final String DEFAULT_BIND = Setting.BIND.defaultValue();
  static final String DEFAULT_STORE = "sqlite";

  /** Same as {@code VssServer.DEFAULT_SHUTDOWN_TIMEOUT}; not read from it, see the class doc. */
  static final long DEFAULT_SHUTDOWN_SECONDS =
      Long.parseLong(Setting.SHUTDOWN_TIMEOUT.defaultValue());

  /** Same as {@code VssHttpHandler.DEFAULT_BODY_READ_TIMEOUT}; not read from it, see above. */
  static final long DEFAULT_BODY_READ_TIMEOUT_SECONDS =
      Long.parseLong(Setting.BODY_READ_TIMEOUT.defaultValue());

  /** The tables a config file may hold: the reference server's and ours. */
  private static final Set<String> KNOWN_TABLES =
      Set.of(
          "server_config",
          "jwt_auth_config",
          "signature_auth_config",
          "log_config",
          "postgresql_config",
          "quota_config",
          "limits_config");

  /** The settings that configure PostgreSQL; any of them selects the postgres store. */
  private static final List<Setting> POSTGRES_SETTINGS =
      List.of(
          Setting.POSTGRES_URL,
          Setting.PSQL_USERNAME,
          Setting.PSQL_PASSWORD,
          Setting.PSQL_ADDRESS,
          Setting.PSQL_DEFAULT_DB,
          Setting.PSQL_VSS_DB,
          Setting.PSQL_TLS,
          Setting.PSQL_CRT_PEM);

  /** The PostgreSQL pool sizes: they tune the postgres store and select nothing. */
  private static final List<Setting> POSTGRES_POOL_SETTINGS =
      List.of(
          Setting.POSTGRES_WRITER_CONNECTIONS,
          Setting.POSTGRES_READ_CONNECTIONS,
          Setting.POSTGRES_GET_CONNECTIONS);

  /** A raw value and where it came from. */
  private record Raw(String text, String source) {}

  private final Map<Setting, Raw> flags = new EnumMap<>(Setting.class);
  private final Map<String, String> env;
  private final Map<Setting, Raw> file = new EnumMap<>(Setting.class);
  private final Map<Setting, String> sources = new EnumMap<>(Setting.class);
  private final List<String> warnings = new ArrayList<>();

  private ServerConfigLoader(Map<String, String> env) {
    this.env = env;
  }

  /**
   * Resolves the configuration.
   *
   * @param args the command-line arguments (without {@code --help}, which the caller handles)
   * @param env the environment variables
   * @throws ConfigException naming the first bad setting
   */
  static ServerConfig load(List<String> args, Map<String, String> env) {
    ServerConfigLoader loader = new ServerConfigLoader(env);
    loader.parseFlags(args);
    return loader.resolve();
  }

  private void parseFlags(List<String> args) {
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      Setting setting = Setting.forFlag(name);
      if (setting == null) {
        throw new ConfigException(
            arg.startsWith("-")
                ? "unknown option " + name + flagHint(name) + " (see --help)"
                : "unexpected argument \""
                    + arg
                    + "\" (a config file is given with --config FILE)");
      }
      if (value == null) {
        if (i + 1 >= args.size()) {
          throw new ConfigException(name + " needs a value: " + name + " " + setting.valueHint());
        }
        value = args.get(++i);
      }
      if (flags.containsKey(setting)) {
        throw new ConfigException(name + " is given more than once");
      }
      flags.put(setting, new Raw(value, name));
    }
  }

  private static String flagHint(String given) {
    List<String> flags = new ArrayList<>(List.of("--help", "--version"));
    for (Setting setting : Setting.values()) {
      if (setting.flag() != null) {
        flags.add(setting.flag());
      }
    }
    return Suggestions.didYouMean(given, flags, "", "");
  }

  // ---- reading: every setting through its table entry ------------------------------------

  private ServerConfig resolve() {
    Optional<Path> configFile = optional(Setting.CONFIG_FILE, Path.class);
    configFile.ifPresent(this::readFile);

    HostPort bind = value(Setting.BIND, HostPort.class);
    Optional<String> postgresGiven =
        POSTGRES_SETTINGS.stream()
            .map(this::winning)
            .flatMap(Optional::stream)
            .map(Raw::source)
            .findFirst();
    StoreKind store =
        value(
            Setting.STORE,
            postgresGiven.isPresent() ? StoreKind.POSTGRES.configName() : DEFAULT_STORE,
            StoreKind.class);
    checkPostgresSelection(postgresGiven, store);
    // The PostgreSQL settings are read (and so checked) only when the postgres store uses them.
    Optional<PostgresOptions> postgres =
        store == StoreKind.POSTGRES ? Optional.of(postgresOptions()) : Optional.empty();
    Path dataDir = value(Setting.DATA_DIR, Path.class);

    Optional<String> jwtKey = optional(Setting.JWT_PUBLIC_KEY, String.class);
    // As the reference server: JWT when a key is configured, else signatures.
    AuthMode auth =
        value(
            Setting.AUTH,
            (jwtKey.isPresent() ? AuthMode.JWT : AuthMode.SIGNATURE).configName(),
            AuthMode.class);
    Duration signatureMaxSkew = value(Setting.SIGNATURE_MAX_SKEW, Duration.class);

    long maxBodyBytes = value(Setting.MAX_BODY_BYTES, Long.class);
    OptionalLong maxInFlightBodyBytes =
        optional(Setting.MAX_INFLIGHT_BODY_BYTES, Long.class)
            .map(OptionalLong::of)
            .orElse(OptionalLong.empty());
    Duration bodyReadTimeout = value(Setting.BODY_READ_TIMEOUT, Duration.class);
    Optional<Path> tlsCert = optional(Setting.TLS_CERT, Path.class);
    Optional<Path> tlsKey = optional(Setting.TLS_KEY, Path.class);
    String basePath = value(Setting.BASE_PATH, String.class);
    Duration shutdownTimeout = value(Setting.SHUTDOWN_TIMEOUT, Duration.class);
    int workerThreads = value(Setting.WORKER_THREADS, Integer.class);
    int maxConcurrentRequests =
        value(
            Setting.MAX_CONCURRENT_REQUESTS,
            Integer.toString(VssServer.defaultMaxConcurrentRequests(workerThreads)),
            Integer.class);

    // A burst defaults to one second of its rate; the written-bytes burst to at least the body
    // limit, so that a write of the largest size can pass.
    long requests = value(Setting.RATE_LIMIT_REQUESTS, Long.class);
    long requestBurst =
        value(Setting.RATE_LIMIT_REQUESTS_BURST, Long.toString(requests), Long.class);
    long writeBytes = value(Setting.RATE_LIMIT_WRITE_BYTES, Long.class);
    long writeBytesBurst =
        value(
            Setting.RATE_LIMIT_WRITE_BYTES_BURST,
            Long.toString(Math.max(writeBytes, maxBodyBytes)),
            Long.class);

    String logLevel = value(Setting.LOG_LEVEL, String.class);
    Optional<Path> logFile = optional(Setting.LOG_FILE, Path.class);
    Logging.Format logFormat = value(Setting.LOG_FORMAT, Logging.Format.class);
    boolean accessLog = value(Setting.ACCESS_LOG, Boolean.class);

    dev.vss.core.Quotas quotas =
        new dev.vss.core.Quotas(
            value(Setting.QUOTA_MAX_BYTES_PER_USER, Long.class),
            value(Setting.QUOTA_MAX_RECORDS_PER_USER, Long.class),
            value(Setting.QUOTA_MAX_BYTES_PER_STORE, Long.class));

    Map<Setting, Integer> limitValues = new EnumMap<>(Setting.class);
    for (Setting limit : EnumSet.copyOf(LIMIT_SETTINGS.values())) {
      limitValues.put(limit, value(limit, Integer.class));
    }

    // The checks that involve several settings, after every setting passed its own.
    checkTlsPair(tlsCert, tlsKey);
    checkInFlightBodyBytes(maxInFlightBodyBytes, maxBodyBytes);
    dev.vss.core.Limits limits = limits(limitValues, maxBodyBytes);
    RateLimits rateLimits =
        rateLimits(requests, requestBurst, writeBytes, writeBytesBurst, maxBodyBytes);
    warnUnused(store, jwtKey, auth);

    return new ServerConfig(
        bind.host(),
        bind.port(),
        store,
        dataDir,
        auth,
        jwtKey,
        signatureMaxSkew,
        maxInFlightBodyBytes,
        bodyReadTimeout,
        tlsCert,
        tlsKey,
        basePath,
        shutdownTimeout,
        workerThreads,
        maxConcurrentRequests,
        rateLimits,
        logLevel,
        logFile,
        logFormat,
        accessLog,
        postgres,
        configFile,
        sources,
        warnings,
        quotas,
        limits);
  }

  /**
   * The PostgreSQL options: from a JDBC URL, or from the reference server's settings with its
   * defaults (postgres/postgres at 127.0.0.1:5432, databases postgres and vss), not both; then the
   * pool sizes.
   */
  private PostgresOptions postgresOptions() {
    PostgresOptions options;
    if (winning(Setting.POSTGRES_URL).isPresent()) {
      checkUrlAlone();
      options = optional(Setting.POSTGRES_URL, PostgresOptions.class).orElseThrow();
    } else {
      options =
          PostgresOptions.reference(
              value(Setting.PSQL_USERNAME, String.class),
              value(Setting.PSQL_PASSWORD, String.class),
              value(Setting.PSQL_ADDRESS, String.class),
              value(Setting.PSQL_DEFAULT_DB, String.class),
              value(Setting.PSQL_VSS_DB, String.class));
      Optional<String> pem = optional(Setting.PSQL_CRT_PEM, String.class);
      if (optional(Setting.PSQL_TLS, Boolean.class).isPresent() || pem.isPresent()) {
        options = options.withTls(pem);
      }
    }
    return options
        .withWriterConnections(value(Setting.POSTGRES_WRITER_CONNECTIONS, Integer.class))
        .withReadConnections(value(Setting.POSTGRES_READ_CONNECTIONS, Integer.class))
        .withGetConnections(value(Setting.POSTGRES_GET_CONNECTIONS, Integer.class));
  }

  /** The value that wins for {@code setting} (flag, then environment, then file), if any. */
  private Optional<Raw> winning(Setting setting) {
    Raw raw = flags.get(setting);
    if (raw == null && setting.env() != null && env.get(setting.env()) != null) {
      raw = new Raw(env.get(setting.env()), setting.env());
    }
    if (raw == null) {
      raw = file.get(setting);
    }
    if (raw != null) {
      sources.put(setting, raw.source());
    }
    return Optional.ofNullable(raw);
  }

  /** The parsed value that wins for a setting without a default, if one is given. */
  private <T> Optional<T> optional(Setting setting, Class<T> type) {
    return winning(setting).map(raw -> setting.parse(raw.text(), raw.source(), type));
  }

  /** The parsed value that wins for {@code setting}, else its table default. */
  private <T> T value(Setting setting, Class<T> type) {
    if (setting.defaultValue() == null) {
      throw new IllegalStateException(setting + " has no default in the table");
    }
    return value(setting, setting.defaultValue(), type);
  }

  /** The parsed value that wins for {@code setting}, else {@code defaultText}, derived here. */
  private <T> T value(Setting setting, String defaultText, Class<T> type) {
    Raw raw = winning(setting).orElse(new Raw(defaultText, "default"));
    return setting.parse(raw.text(), raw.source(), type);
  }

  private String sourceOf(Setting setting) {
    return sources.getOrDefault(setting, "default");
  }

  // ---- checks across settings ---------------------------------------------------------------
  // Each setting's own value was checked by its table entry's parser; these are the rules that
  // relate several settings. A refusal names every setting involved, as the user wrote it.

  /**
   * Given PostgreSQL settings (the reference's VSS_PSQL_* or [postgresql_config]), the server runs
   * on PostgreSQL or not at all: never on an empty store of another kind.
   */
  private void checkPostgresSelection(Optional<String> postgresGiven, StoreKind store) {
    if (postgresGiven.isPresent() && store != StoreKind.POSTGRES) {
      throw new ConfigException(
          "PostgreSQL is configured ("
              + postgresGiven.get()
              + ") but the store is "
              + store.configName()
              + " ("
              + sourceOf(Setting.STORE)
              + "); use --store postgres, or remove the PostgreSQL settings");
    }
  }

  /** A JDBC URL says everything: no other connection setting beside it. */
  private void checkUrlAlone() {
    for (Setting setting : POSTGRES_SETTINGS) {
      Optional<Raw> other = setting == Setting.POSTGRES_URL ? Optional.empty() : winning(setting);
      if (other.isPresent()) {
        throw new ConfigException(
            "give either "
                + sourceOf(Setting.POSTGRES_URL)
                + " or "
                + other.get().source()
                + ", not both: the JDBC URL says everything");
      }
    }
  }

  /** A certificate needs its private key and the other way round. */
  private void checkTlsPair(Optional<Path> tlsCert, Optional<Path> tlsKey) {
    if (tlsCert.isPresent() != tlsKey.isPresent()) {
      throw new ConfigException(
          tlsCert.isPresent()
              ? sourceOf(Setting.TLS_CERT)
                  + " needs a private key too ("
                  + Setting.TLS_KEY.flag()
                  + " PEM_FILE)"
              : sourceOf(Setting.TLS_KEY)
                  + " needs a certificate too ("
                  + Setting.TLS_CERT.flag()
                  + " PEM_FILE)");
    }
  }

  /** The in-flight budget must hold one body of the largest size. */
  private void checkInFlightBodyBytes(OptionalLong maxInFlightBodyBytes, long maxBodyBytes) {
    if (maxInFlightBodyBytes.isPresent() && maxInFlightBodyBytes.getAsLong() < maxBodyBytes) {
      throw new ConfigException(
          "invalid "
              + sourceOf(Setting.MAX_INFLIGHT_BODY_BYTES)
              + " \""
              + maxInFlightBodyBytes.getAsLong()
              + "\": must be at least the body limit ("
              + maxBodyBytes
              + " bytes, "
              + sourceOf(Setting.MAX_BODY_BYTES)
              + "), so that one body of the largest size fits");
    }
  }

  /** The limit settings, by the name {@link dev.vss.core.Limits} gives each in its messages. */
  private static final Map<String, Setting> LIMIT_SETTINGS =
      Map.of(
          "maxItemsPerPut",
          Setting.MAX_ITEMS_PER_PUT,
          "maxKeyLength",
          Setting.MAX_KEY_LENGTH,
          "maxStoreIdLength",
          Setting.MAX_STORE_ID_LENGTH,
          "maxValueBytes",
          Setting.MAX_VALUE_BYTES,
          "defaultPageSize",
          Setting.DEFAULT_PAGE_SIZE,
          "maxPageSize",
          Setting.MAX_PAGE_SIZE);

  /** The rate limit settings, by the name {@link RateLimits} gives each in its messages. */
  private static final Map<String, Setting> RATE_LIMIT_SETTINGS =
      Map.of(
          "requestsPerSecond",
          Setting.RATE_LIMIT_REQUESTS,
          "requestBurst",
          Setting.RATE_LIMIT_REQUESTS_BURST,
          "writeBytesPerSecond",
          Setting.RATE_LIMIT_WRITE_BYTES,
          "writeBytesBurst",
          Setting.RATE_LIMIT_WRITE_BYTES_BURST);

  /**
   * The request limits of SPEC section 6, checked together by {@link dev.vss.core.Limits} (a
   * default page size above the maximum, a maximum above the ceiling): its refusal becomes one line
   * naming the settings. The request body limit is the server's {@code --max-body-bytes}, so the
   * service and the HTTP shell agree on it.
   */
  private dev.vss.core.Limits limits(Map<Setting, Integer> values, long maxBodyBytes) {
    int keyLength = values.get(Setting.MAX_KEY_LENGTH);
    int storeIdLength = values.get(Setting.MAX_STORE_ID_LENGTH);
    int valueBytes = values.get(Setting.MAX_VALUE_BYTES);
    dev.vss.core.Limits limits;
    try {
      limits =
          new dev.vss.core.Limits(
              values.get(Setting.MAX_ITEMS_PER_PUT),
              keyLength,
              storeIdLength,
              dev.vss.core.Limits.DEFAULTS.maxUserTokenLength(),
              valueBytes,
              values.get(Setting.DEFAULT_PAGE_SIZE),
              values.get(Setting.MAX_PAGE_SIZE),
              maxBodyBytes);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "invalid request limits: " + withSettingNames(e.getMessage(), LIMIT_SETTINGS), e);
    }
    // Keys and store ids the reference server (and so a deployed LDK Node) accepts must stay
    // accepted here, or a wallet moved to this server could not write its data.
    warnBelowReference(Setting.MAX_KEY_LENGTH, keyLength);
    warnBelowReference(Setting.MAX_STORE_ID_LENGTH, storeIdLength);
    if (valueBytes > maxBodyBytes && !sourceOf(Setting.MAX_VALUE_BYTES).equals("default")) {
      warnings.add(
          "the value size limit ("
              + valueBytes
              + " bytes, "
              + sourceOf(Setting.MAX_VALUE_BYTES)
              + ") is above the request body limit ("
              + maxBodyBytes
              + " bytes, "
              + sourceOf(Setting.MAX_BODY_BYTES)
              + "): no larger value than a body holds can arrive");
    }
    return limits;
  }

  private void warnBelowReference(Setting setting, int value) {
    int reference = Integer.parseInt(setting.defaultValue());
    if (value < reference) {
      warnings.add(
          sourceOf(setting)
              + " "
              + value
              + " is below the reference server's "
              + reference
              + " characters: clients such as LDK Node that wrote longer ones there"
              + " are refused");
    }
  }

  /**
   * The per-user rate limits, each off unless its rate is set, checked by {@link RateLimits} (a
   * limit that is on needs a burst of at least 1; its refusal becomes one line naming the
   * settings). A written-bytes burst below the body limit is refused here: a write of the largest
   * size could never pass.
   */
  private RateLimits rateLimits(
      long requests, long requestBurst, long writeBytes, long writeBytesBurst, long maxBodyBytes) {
    if (writeBytes > 0 && writeBytesBurst < maxBodyBytes) {
      throw new ConfigException(
          "invalid "
              + sourceOf(Setting.RATE_LIMIT_WRITE_BYTES_BURST)
              + ": must be at least the body limit ("
              + maxBodyBytes
              + " bytes, "
              + sourceOf(Setting.MAX_BODY_BYTES)
              + "), or a write of the largest size could never pass");
    }
    warnBurstWithoutRate(Setting.RATE_LIMIT_REQUESTS_BURST, Setting.RATE_LIMIT_REQUESTS);
    warnBurstWithoutRate(Setting.RATE_LIMIT_WRITE_BYTES_BURST, Setting.RATE_LIMIT_WRITE_BYTES);
    try {
      return new RateLimits(
          requests,
          requests > 0 ? requestBurst : 0,
          writeBytes,
          writeBytes > 0 ? writeBytesBurst : 0);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "invalid rate limits: " + withSettingNames(e.getMessage(), RATE_LIMIT_SETTINGS), e);
    }
  }

  private void warnBurstWithoutRate(Setting burst, Setting rate) {
    if (!sourceOf(burst).equals("default") && sourceOf(rate).equals("default")) {
      warnings.add(
          "a rate limit burst is configured ("
              + sourceOf(burst)
              + ") but its rate ("
              + rate.flag()
              + ") is not; no limit applies");
    }
  }

  /**
   * A library's refusal with its component names replaced by the settings as the user wrote them
   * ({@code --max-page-size (default)} for one left at its default).
   */
  private String withSettingNames(String reason, Map<String, Setting> settings) {
    String named = reason;
    for (Map.Entry<String, Setting> component : settings.entrySet()) {
      String source = sourceOf(component.getValue());
      named =
          named.replace(
              component.getKey(),
              source.equals("default") ? component.getValue().flag() + " (default)" : source);
    }
    return named;
  }

  /** Warnings for settings that the chosen store or auth mode does not use. */
  private void warnUnused(StoreKind store, Optional<String> jwtKey, AuthMode auth) {
    if (store != StoreKind.POSTGRES) {
      for (Setting pool : POSTGRES_POOL_SETTINGS) {
        winning(pool)
            .ifPresent(
                raw ->
                    warnings.add(
                        "a PostgreSQL pool size is configured ("
                            + raw.source()
                            + ") but the store is "
                            + store.configName()
                            + "; it is not used"));
      }
    }
    if (jwtKey.isPresent() && auth != AuthMode.JWT) {
      warnings.add(
          "a JWT public key is configured ("
              + sourceOf(Setting.JWT_PUBLIC_KEY)
              + ") but auth is "
              + auth.configName()
              + " ("
              + sourceOf(Setting.AUTH)
              + "); the key is not used");
    }
    if (auth != AuthMode.SIGNATURE && !sourceOf(Setting.SIGNATURE_MAX_SKEW).equals("default")) {
      warnings.add(
          "a signature time window is configured ("
              + sourceOf(Setting.SIGNATURE_MAX_SKEW)
              + ") but auth is "
              + auth.configName()
              + "; the window is not used");
    }
  }

  // ---- the TOML file -------------------------------------------------------------------------

  private void readFile(Path path) {
    JsonNode root;
    try {
      root = new TomlMapper().readTree(path.toFile());
    } catch (JacksonException e) {
      JsonLocation at = e.getLocation();
      String where = at == null || at.getLineNr() < 0 ? "" : " at line " + at.getLineNr();
      throw new ConfigException(
          "invalid TOML in config file " + path + where + ": " + oneLine(e.getOriginalMessage()),
          e);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + path + ": " + e, e);
    }
    if (root == null || !root.isObject()) {
      return;
    }
    String in = " in " + path;
    checkKeys(root, path);
    for (Setting setting : Setting.values()) {
      if (setting.table() == null) {
        continue;
      }
      JsonNode node = root.path(setting.table()).path(setting.key());
      if (setting == Setting.PSQL_CRT_PEM) {
        node = root.path("postgresql_config").path("tls").path("crt_pem");
      }
      if (node.isMissingNode()) {
        continue;
      }
      String source = setting.table() + "." + setting.key() + in;
      if (setting.type() == Setting.Type.TABLE) {
        if (!node.isObject()) {
          throw new ConfigException(source + " must be a table ([postgresql_config.tls])");
        }
        file.put(setting, new Raw("true", source));
        continue;
      }
      if (setting.type() == Setting.Type.ON_OFF && node.isBoolean()) {
        file.put(setting, new Raw(node.asText(), source));
        continue;
      }
      boolean numeric = setting.type() == Setting.Type.INTEGER;
      if (numeric ? !node.isIntegralNumber() : !node.isTextual()) {
        throw new ConfigException(source + " must be " + (numeric ? "an integer" : "a string"));
      }
      file.put(setting, new Raw(node.asText(), source));
    }
    // The reference server's older layout: [server_config] host = "...", port = 8080.
    JsonNode server = root.path("server_config");
    if (!file.containsKey(Setting.BIND) && server.has("host") && server.has("port")) {
      JsonNode host = server.get("host");
      JsonNode port = server.get("port");
      String source = "server_config.host/port" + in;
      if (!host.isTextual() || !port.isIntegralNumber()) {
        throw new ConfigException(source + " must be a string and an integer");
      }
      String hostText = host.asText().indexOf(':') >= 0 ? "[" + host.asText() + "]" : host.asText();
      file.put(Setting.BIND, new Raw(hostText + ":" + port.asText(), source));
    }
    // Its first PostgreSQL layout: host, port and one database (the one holding the data).
    JsonNode postgres = root.path("postgresql_config");
    if (postgres.has("host") || postgres.has("port")) {
      String source = "postgresql_config.host/port" + in;
      JsonNode host = postgres.path("host");
      JsonNode port = postgres.path("port");
      if (file.containsKey(Setting.PSQL_ADDRESS)) {
        throw new ConfigException(source + ": give either address or host and port, not both");
      }
      if (!host.isTextual() || !port.isIntegralNumber()) {
        throw new ConfigException(source + " must be a string and an integer (both given)");
      }
      String hostText = host.asText().indexOf(':') >= 0 ? "[" + host.asText() + "]" : host.asText();
      file.put(Setting.PSQL_ADDRESS, new Raw(hostText + ":" + port.asText(), source));
    }
    if (postgres.has("database")) {
      String source = "postgresql_config.database" + in;
      if (file.containsKey(Setting.PSQL_VSS_DB)) {
        throw new ConfigException(source + ": give either database or vss_database, not both");
      }
      if (!postgres.get("database").isTextual()) {
        throw new ConfigException(source + " must be a string");
      }
      file.put(Setting.PSQL_VSS_DB, new Raw(postgres.get("database").asText(), source));
    }
  }

  /**
   * Rejects every table and key this server does not know, with a hint when it is a near miss of a
   * known one: a mistyped key silently ignored would leave a setting at its default.
   */
  private static void checkKeys(JsonNode root, Path path) {
    for (Map.Entry<String, JsonNode> table : root.properties()) {
      String name = table.getKey();
      if (!KNOWN_TABLES.contains(name)) {
        throw new ConfigException(
            "config file "
                + path
                + ": unknown table ["
                + name
                + "]"
                + Suggestions.didYouMean(name, KNOWN_TABLES, "[", "]"));
      }
      if (!table.getValue().isObject()) {
        throw new ConfigException(
            "config file " + path + ": " + name + " must be a table [" + name + "]");
      }
      Set<String> keys = keysOf(name);
      for (Map.Entry<String, JsonNode> entry : table.getValue().properties()) {
        String key = entry.getKey();
        if (name.equals("postgresql_config") && key.equals("tls")) {
          if (entry.getValue().isObject()) {
            for (String tlsKey : iterable(entry.getValue().fieldNames())) {
              if (!tlsKey.equals("crt_pem")) {
                throw new ConfigException(
                    "config file "
                        + path
                        + ": unknown key "
                        + name
                        + ".tls."
                        + tlsKey
                        + Suggestions.didYouMean(tlsKey, Set.of("crt_pem"), name + ".tls.", ""));
              }
            }
          }
          continue;
        }
        if (!keys.contains(key)) {
          throw new ConfigException(
              "config file "
                  + path
                  + ": unknown key "
                  + name
                  + "."
                  + key
                  + Suggestions.didYouMean(key, keys, name + ".", ""));
        }
      }
    }
  }

  /** The keys the file may hold in {@code table}. */
  private static Set<String> keysOf(String table) {
    Set<String> keys = new java.util.TreeSet<>();
    for (Setting setting : Setting.values()) {
      if (table.equals(setting.table()) && setting.key().indexOf('.') < 0) {
        keys.add(setting.key());
      }
    }
    if (table.equals("server_config") || table.equals("postgresql_config")) {
      keys.add("host"); // the reference server's older layouts
      keys.add("port");
    }
    if (table.equals("postgresql_config")) {
      keys.add("database");
    }
    return keys;
  }

  private static <T> Iterable<T> iterable(java.util.Iterator<T> iterator) {
    return () -> iterator;
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
  }
}
