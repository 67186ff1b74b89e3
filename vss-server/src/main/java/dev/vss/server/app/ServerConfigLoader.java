package dev.vss.server.app;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.vss.core.auth.SignatureAuthorizer;
import dev.vss.server.RateLimits;
import dev.vss.server.VssHttpHandler;
import dev.vss.server.VssServer;
import dev.vss.store.postgres.PostgresOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Resolves a {@link ServerConfig} from command-line flags, environment variables, a TOML config
 * file and defaults, in that order of precedence.
 *
 * <p>Only the value that wins is validated: a bad value that a higher source overrides does not
 * stop start-up. Every failure is a {@link ConfigException} with one line naming the setting.
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

  /**
   * The most worker threads a configuration may ask for: each is a platform thread with its own
   * stack, and far beyond the connections one machine serves it only adds memory and scheduling.
   */
  static final int MAX_WORKER_THREADS = 4096;

  private static final Set<String> LOG_LEVELS =
      Set.of("trace", "debug", "info", "warn", "error", "off");

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

  /**
   * The most connections of one kind a setting may ask for: each is a PostgreSQL backend (and for
   * writers and gets a thread), and PostgreSQL's own default limit is 100 connections in all; far
   * above it is a typo.
   */
  static final int MAX_POSTGRES_CONNECTIONS = 1000;

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

  private ServerConfig resolve() {
    Optional<Path> configFile =
        winning(Setting.CONFIG_FILE)
            .map(
                raw ->
                    parse(
                        raw,
                        text -> {
                          Path path = Path.of(text);
                          if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                            throw new IllegalArgumentException("no readable file there");
                          }
                          return path;
                        }));
    configFile.ifPresent(this::readFile);

    String bind = setting(Setting.BIND).text();
    Raw bindRaw = new Raw(bind, sourceOf(Setting.BIND));
    String bindHost = parse(bindRaw, ServerConfigLoader::bindHost);
    int bindPort = parse(bindRaw, ServerConfigLoader::bindPort);

    // Given PostgreSQL settings (the reference's VSS_PSQL_* or [postgresql_config]), the server
    // runs on PostgreSQL or not at all: never on an empty store of another kind.
    Optional<String> postgresGiven =
        POSTGRES_SETTINGS.stream()
            .map(this::winning)
            .flatMap(Optional::stream)
            .map(Raw::source)
            .findFirst();
    StoreKind store =
        parse(
            setting(
                Setting.STORE,
                postgresGiven.isPresent() ? StoreKind.POSTGRES.configName() : DEFAULT_STORE),
            text -> {
              StoreKind kind = StoreKind.named(text);
              if (kind == null) {
                throw new IllegalArgumentException("expected one of " + StoreKind.names());
              }
              return kind;
            });
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
    Optional<PostgresOptions> postgres =
        store == StoreKind.POSTGRES ? Optional.of(postgresOptions()) : Optional.empty();
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
    Path dataDir =
        parse(
            setting(Setting.DATA_DIR),
            text -> {
              if (text.isBlank()) {
                throw new IllegalArgumentException("must not be empty");
              }
              Path path = Path.of(text);
              if (Files.exists(path) && !Files.isDirectory(path)) {
                throw new IllegalArgumentException("exists and is not a directory");
              }
              return path;
            });

    Optional<String> jwtKey =
        winning(Setting.JWT_PUBLIC_KEY)
            .map(
                raw -> {
                  sources.put(Setting.JWT_PUBLIC_KEY, raw.source());
                  if (raw.source().equals(Setting.JWT_PUBLIC_KEY.flag())) {
                    return parse(raw, text -> readText(Path.of(text)));
                  }
                  return raw.text();
                });
    Optional<Raw> authRaw = winning(Setting.AUTH);
    // As the reference server: JWT when a key is configured, else signatures.
    String authDefault = (jwtKey.isPresent() ? AuthMode.JWT : AuthMode.SIGNATURE).configName();
    AuthMode auth =
        parse(
            setting(Setting.AUTH, authDefault),
            text -> {
              AuthMode mode = AuthMode.named(text);
              if (mode == null) {
                throw new IllegalArgumentException("expected one of " + AuthMode.names());
              }
              return mode;
            });
    if (jwtKey.isPresent() && auth != AuthMode.JWT) {
      warnings.add(
          "a JWT public key is configured ("
              + sourceOf(Setting.JWT_PUBLIC_KEY)
              + ") but auth is "
              + auth.configName()
              + " ("
              + authRaw.map(Raw::source).orElse("default")
              + "); the key is not used");
    }

    // The reference's 24 hours unless narrowed; a narrower window limits replay of a header.
    long widest = SignatureAuthorizer.MAX_CLOCK_DIFFERENCE.toSeconds();
    Duration signatureMaxSkew =
        parse(
            setting(Setting.SIGNATURE_MAX_SKEW),
            text -> {
              long seconds = parseLong(text);
              if (seconds < 1 || seconds > widest) {
                throw new IllegalArgumentException(
                    "must be between 1 and " + widest + " seconds (24 hours)");
              }
              return Duration.ofSeconds(seconds);
            });
    if (auth != AuthMode.SIGNATURE && !sourceOf(Setting.SIGNATURE_MAX_SKEW).equals("default")) {
      warnings.add(
          "a signature time window is configured ("
              + sourceOf(Setting.SIGNATURE_MAX_SKEW)
              + ") but auth is "
              + auth.configName()
              + "; the window is not used");
    }

    long maxBodyBytes =
        parse(
            setting(Setting.MAX_BODY_BYTES),
            SettingValues.between(1, VssHttpHandler.MAX_BODY_LIMIT, " bytes"));

    dev.vss.core.Limits limits = limits(maxBodyBytes);

    java.util.OptionalLong maxInFlightBodyBytes =
        winning(Setting.MAX_INFLIGHT_BODY_BYTES)
            .map(
                raw ->
                    java.util.OptionalLong.of(
                        parse(
                            raw,
                            text -> {
                              long value = parseLong(text);
                              if (value < maxBodyBytes) {
                                throw new IllegalArgumentException(
                                    "must be at least the body limit ("
                                        + maxBodyBytes
                                        + " bytes, "
                                        + sourceOf(Setting.MAX_BODY_BYTES)
                                        + "), so that one body of the largest size fits");
                              }
                              return value;
                            })))
            .orElse(java.util.OptionalLong.empty());
    Duration bodyReadTimeout =
        parse(setting(Setting.BODY_READ_TIMEOUT), SettingValues.seconds(1, 3600));

    Optional<Path> tlsCert =
        winning(Setting.TLS_CERT).map(raw -> readablePath(Setting.TLS_CERT, raw));
    Optional<Path> tlsKey = winning(Setting.TLS_KEY).map(raw -> readablePath(Setting.TLS_KEY, raw));
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

    String basePath = parse(setting(Setting.BASE_PATH), VssServer::normalizeBasePath);
    Duration shutdownTimeout =
        parse(setting(Setting.SHUTDOWN_TIMEOUT), SettingValues.seconds(0, 3600));
    // The table's default is a compile-time constant: reading it does not initialize VssServer
    // (or its loggers).
    int workerThreads =
        parse(setting(Setting.WORKER_THREADS), SettingValues.intBetween(1, MAX_WORKER_THREADS));
    int maxConcurrentRequests =
        parse(
            setting(
                Setting.MAX_CONCURRENT_REQUESTS,
                Integer.toString(VssServer.defaultMaxConcurrentRequests(workerThreads))),
            text -> {
              long value = parseLong(text);
              if (value < 0 || value > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                    "must be between 0 (no limit) and " + Integer.MAX_VALUE);
              }
              return (int) value;
            });
    RateLimits rateLimits = rateLimits(maxBodyBytes);
    String logLevel =
        parse(
            setting(Setting.LOG_LEVEL),
            text -> {
              String level = text.trim().toLowerCase(Locale.ROOT);
              if (!LOG_LEVELS.contains(level)) {
                throw new IllegalArgumentException(
                    "expected one of trace|debug|info|warn|error|off");
              }
              return level;
            });

    Optional<Path> logFile =
        winning(Setting.LOG_FILE)
            .map(
                raw ->
                    parse(
                        raw,
                        text -> {
                          if (text.isBlank()) {
                            throw new IllegalArgumentException("must not be empty");
                          }
                          Path path = Path.of(text);
                          if (Files.isDirectory(path)) {
                            throw new IllegalArgumentException("is a directory");
                          }
                          return path;
                        }));
    Logging.Format logFormat =
        parse(
            setting(Setting.LOG_FORMAT),
            text -> {
              switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "text":
                  return Logging.Format.TEXT;
                case "json":
                  return Logging.Format.JSON;
                default:
                  throw new IllegalArgumentException("expected text or json");
              }
            });
    boolean accessLog = parse(setting(Setting.ACCESS_LOG), SettingValues::onOff);
    dev.vss.core.Quotas quotas =
        new dev.vss.core.Quotas(
            quota(Setting.QUOTA_MAX_BYTES_PER_USER),
            quota(Setting.QUOTA_MAX_RECORDS_PER_USER),
            quota(Setting.QUOTA_MAX_BYTES_PER_STORE));

    return new ServerConfig(
        bindHost,
        bindPort,
        store,
        dataDir,
        auth,
        jwtKey,
        signatureMaxSkew,
        maxBodyBytes,
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

  /**
   * The request limits of SPEC section 6, each a positive number, checked together by {@link
   * dev.vss.core.Limits} (a default page size above the maximum, a maximum above the ceiling): its
   * refusal becomes one line naming the settings. The request body limit is the server's {@code
   * --max-body-bytes}, so the service and the HTTP shell agree on it.
   */
  private dev.vss.core.Limits limits(long maxBodyBytes) {
    Function<String, Integer> positive = SettingValues.intBetween(1, Integer.MAX_VALUE);
    int items = parse(setting(Setting.MAX_ITEMS_PER_PUT), positive);
    int keyLength = parse(setting(Setting.MAX_KEY_LENGTH), positive);
    int storeIdLength = parse(setting(Setting.MAX_STORE_ID_LENGTH), positive);
    int valueBytes = parse(setting(Setting.MAX_VALUE_BYTES), positive);
    int defaultPageSize = parse(setting(Setting.DEFAULT_PAGE_SIZE), positive);
    int maxPageSize = parse(setting(Setting.MAX_PAGE_SIZE), positive);
    dev.vss.core.Limits limits;
    try {
      limits =
          new dev.vss.core.Limits(
              items,
              keyLength,
              storeIdLength,
              dev.vss.core.Limits.DEFAULTS.maxUserTokenLength(),
              valueBytes,
              defaultPageSize,
              maxPageSize,
              maxBodyBytes);
    } catch (IllegalArgumentException e) {
      String reason = e.getMessage();
      for (Map.Entry<String, Setting> limit : LIMIT_SETTINGS.entrySet()) {
        String source = sourceOf(limit.getValue());
        reason =
            reason.replace(
                limit.getKey(),
                source.equals("default") ? limit.getValue().flag() + " (default)" : source);
      }
      throw new ConfigException("invalid request limits: " + reason, e);
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

  /** A quota setting: 0 (off, the default) or a positive count. */
  private long quota(Setting setting) {
    return parse(
        setting(setting),
        text -> {
          long value = parseLong(text);
          if (value < 0) {
            throw new IllegalArgumentException("must be 0 (off) or a positive number");
          }
          return value;
        });
  }

  /**
   * The per-user rate limits: each off unless its rate is set. A burst defaults to one second of
   * its rate; the written-bytes burst to at least the body limit, and a burst given below the body
   * limit is refused, since a write of the largest size could never pass.
   */
  private RateLimits rateLimits(long maxBodyBytes) {
    long requests = parse(setting(Setting.RATE_LIMIT_REQUESTS), SettingValues::nonNegative);
    long requestBurst =
        parse(
            setting(Setting.RATE_LIMIT_REQUESTS_BURST, Long.toString(requests)),
            SettingValues::nonNegative);
    if (requests > 0 && requestBurst < 1) {
      throw new ConfigException(
          "invalid "
              + sourceOf(Setting.RATE_LIMIT_REQUESTS_BURST)
              + ": must be at least 1 when requests are limited");
    }
    long bytes = parse(setting(Setting.RATE_LIMIT_WRITE_BYTES), SettingValues::nonNegative);
    long bytesBurst =
        parse(
            setting(
                Setting.RATE_LIMIT_WRITE_BYTES_BURST, Long.toString(Math.max(bytes, maxBodyBytes))),
            SettingValues::nonNegative);
    if (bytes > 0 && bytesBurst < maxBodyBytes) {
      throw new ConfigException(
          "invalid "
              + sourceOf(Setting.RATE_LIMIT_WRITE_BYTES_BURST)
              + ": must be at least the body limit ("
              + maxBodyBytes
              + " bytes, "
              + sourceOf(Setting.MAX_BODY_BYTES)
              + "), or a write of the largest size could never"
              + " pass");
    }
    for (Setting burst :
        List.of(Setting.RATE_LIMIT_REQUESTS_BURST, Setting.RATE_LIMIT_WRITE_BYTES_BURST)) {
      Setting rate =
          burst == Setting.RATE_LIMIT_REQUESTS_BURST
              ? Setting.RATE_LIMIT_REQUESTS
              : Setting.RATE_LIMIT_WRITE_BYTES;
      if (!sourceOf(burst).equals("default") && sourceOf(rate).equals("default")) {
        warnings.add(
            "a rate limit burst is configured ("
                + sourceOf(burst)
                + ") but its rate ("
                + rate.flag()
                + ") is not; no limit applies");
      }
    }
    return new RateLimits(
        requests, requests > 0 ? requestBurst : 0, bytes, bytes > 0 ? bytesBurst : 0);
  }

  /**
   * The PostgreSQL options: from a JDBC URL, or from the reference server's settings with its
   * defaults (postgres/postgres at 127.0.0.1:5432, databases postgres and vss), not both.
   */
  private PostgresOptions postgresOptions() {
    Function<String, Integer> connections = SettingValues.intBetween(1, MAX_POSTGRES_CONNECTIONS);
    return postgresConnection()
        .withWriterConnections(parse(setting(Setting.POSTGRES_WRITER_CONNECTIONS), connections))
        .withReadConnections(parse(setting(Setting.POSTGRES_READ_CONNECTIONS), connections))
        .withGetConnections(parse(setting(Setting.POSTGRES_GET_CONNECTIONS), connections));
  }

  /** Where and how the postgres store connects, before the pool sizes. */
  private PostgresOptions postgresConnection() {
    Optional<Raw> url = winning(Setting.POSTGRES_URL);
    if (url.isPresent()) {
      for (Setting setting : POSTGRES_SETTINGS) {
        Optional<Raw> other = setting == Setting.POSTGRES_URL ? Optional.empty() : winning(setting);
        if (other.isPresent()) {
          throw new ConfigException(
              "give either "
                  + url.get().source()
                  + " or "
                  + other.get().source()
                  + ", not both: the JDBC URL says everything");
        }
      }
      return parse(url.get(), PostgresOptions::fromJdbcUrl);
    }
    String user = parse(setting(Setting.PSQL_USERNAME), ServerConfigLoader::nonEmpty);
    String password = setting(Setting.PSQL_PASSWORD).text();
    String address =
        parse(
            setting(Setting.PSQL_ADDRESS),
            text -> {
              bindPort(text);
              bindHost(text);
              return text.trim();
            });
    String defaultDb = parse(setting(Setting.PSQL_DEFAULT_DB), ServerConfigLoader::nonEmpty);
    String vssDb = parse(setting(Setting.PSQL_VSS_DB), ServerConfigLoader::nonEmpty);
    PostgresOptions options = PostgresOptions.reference(user, password, address, defaultDb, vssDb);
    Optional<Raw> pem = winning(Setting.PSQL_CRT_PEM);
    if (winning(Setting.PSQL_TLS).isPresent() || pem.isPresent()) {
      options = options.withTls(pem.map(Raw::text));
    }
    return options;
  }

  private static String nonEmpty(String text) {
    if (text.isBlank()) {
      throw new IllegalArgumentException("must not be empty");
    }
    return text.trim();
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

  private Raw setting(Setting setting, String defaultText) {
    return winning(setting).orElse(new Raw(defaultText, "default"));
  }

  /** The value that wins for {@code setting}, else the table's default (which it must have). */
  private Raw setting(Setting setting) {
    if (setting.defaultValue() == null) {
      throw new IllegalStateException(setting + " has no default in the table");
    }
    return setting(setting, setting.defaultValue());
  }

  private String sourceOf(Setting setting) {
    return sources.getOrDefault(setting, "default");
  }

  private Path readablePath(Setting setting, Raw raw) {
    return parse(
        raw,
        text -> {
          Path path = Path.of(text);
          if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new IllegalArgumentException("no readable file there");
          }
          return path;
        });
  }

  /** Parses {@code raw}; a failure becomes one line naming where the value came from. */
  private static <T> T parse(Raw raw, Function<String, T> parser) {
    try {
      return parser.apply(raw.text());
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      String reason =
          e instanceof java.io.UncheckedIOException
              ? "cannot read it (" + e.getCause().getClass().getSimpleName() + ")"
              : e.getMessage();
      throw new ConfigException("invalid " + describe(raw) + ": " + reason, e);
    }
  }

  /** {@code --bind "x"}: the source and, for short one-line values, the value itself. */
  private static String describe(Raw raw) {
    String text = raw.text();
    boolean showable = text.length() <= 200 && text.chars().noneMatch(c -> c < 0x20);
    return raw.source() + (showable ? " \"" + text + "\"" : "");
  }

  private static long parseLong(String text) {
    return SettingValues.wholeNumber(text);
  }

  private static String readText(Path path) {
    try {
      return Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("not a valid path");
    }
  }

  static String bindHost(String bind) {
    String text = bind.trim();
    int colon = text.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("expected HOST:PORT, such as " + DEFAULT_BIND);
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      throw new IllegalArgumentException("an IPv6 address needs brackets, such as [::1]:8080");
    }
    if (host.isEmpty() || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '[')) {
      throw new IllegalArgumentException("expected HOST:PORT, such as " + DEFAULT_BIND);
    }
    return host;
  }

  static int bindPort(String bind) {
    String text = bind.trim();
    String port = text.substring(text.lastIndexOf(':') + 1);
    int value;
    try {
      value = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the port is not a number");
    }
    if (value < 0 || value > 65535) {
      throw new IllegalArgumentException("the port must be between 0 and 65535");
    }
    return value;
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
