package dev.vss.server.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vss.core.auth.SignatureAuthorizer;
import dev.vss.server.RateLimits;
import dev.vss.server.VssHttpHandler;
import dev.vss.server.VssServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Precedence (flags > environment > TOML file > defaults) and one-line errors naming the source.
 */
class ServerConfigLoaderTest {
  /** A 2048-bit RSA public key (SPKI); only its shape matters here. */
  static final String RSA_PUBLIC_PEM =
      String.join(
          "\n",
          "-----BEGIN PUBLIC KEY-----",
          "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo",
          "4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u",
          "+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyeh",
          "kd3qqGElvW/VDL5AaWTg0nLVkjRo9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ",
          "0iT9wCS0DRTXu269V264Vf/3jvredZiKRkgwlL9xNAwxXFg0x/XFw005UWVRIkdg",
          "cKWTjpBP2dPwVZ4WWC+9aGVd+Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbc",
          "mwIDAQAB",
          "-----END PUBLIC KEY-----",
          "");

  @TempDir Path dir;

  private static ServerConfig load(Map<String, String> env, String... args) {
    return ServerConfigLoader.load(List.of(args), env);
  }

  private Path toml(String text) throws IOException {
    Path file = dir.resolve("vss-server-config.toml");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void defaultsMatchTheReferenceServer() {
    ServerConfig config = load(Map.of());
    assertThat(config.bindHost()).isEqualTo("127.0.0.1");
    assertThat(config.bindPort()).isEqualTo(8080);
    assertThat(config.store().configName()).isEqualTo("sqlite");
    assertThat(config.dataDir()).isEqualTo(Path.of("./vss-data"));
    assertThat(config.auth()).isEqualTo(AuthMode.SIGNATURE);
    assertThat(config.jwtPublicKeyPem()).isEmpty();
    assertThat(config.signatureMaxSkew()).isEqualTo(Duration.ofHours(24));
    assertThat(config.limits().maxRequestBodyBytes()).isEqualTo(64L * 1024 * 1024);
    assertThat(config.tlsCert()).isEmpty();
    assertThat(config.basePath()).isEqualTo("/vss");
    assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.logLevel()).isEqualTo("info");
    assertThat(config.sourceOf(Setting.BIND)).isEqualTo("default");
    assertThat(config.warnings()).isEmpty();
  }

  @Test
  void usageTextListsEverySettingOfTheTableWithItsDefault() {
    for (Setting setting : Setting.values()) {
      String line =
          Main.USAGE
              .lines()
              .filter(l -> l.endsWith(" " + setting.env()))
              .findFirst()
              .orElseThrow(() -> new AssertionError(setting + " is not in the usage"));
      if (setting.flag() != null) {
        assertThat(line).contains(setting.flag() + " " + setting.valueHint());
      }
      assertThat(line).contains(setting.help());
      if (setting.defaultValue() != null) {
        assertThat(line).contains("[" + setting.defaultValue() + "]");
      }
    }
  }

  @Test
  void theTableDefaultsAreTheLoadedDefaults() {
    ServerConfig none = load(Map.of());
    for (Setting setting : Setting.values()) {
      Case c = caseFor(setting);
      if (c != null && setting.defaultValue() != null) {
        assertThat(c.read().apply(none)).as(setting.name()).isEqualTo(setting.defaultValue());
      }
    }
    assertThat(Setting.SIGNATURE_MAX_SKEW.defaultValue())
        .isEqualTo(Long.toString(SignatureAuthorizer.MAX_CLOCK_DIFFERENCE.toSeconds()));
  }

  @Test
  void defaultsAgreeWithTheServerBuilder() {
    assertThat(Duration.ofSeconds(ServerConfigLoader.DEFAULT_SHUTDOWN_SECONDS))
        .isEqualTo(VssServer.DEFAULT_SHUTDOWN_TIMEOUT);
    assertThat(load(Map.of(), "--store", "memory").limits().maxRequestBodyBytes())
        .isEqualTo(dev.vss.core.Limits.DEFAULTS.maxRequestBodyBytes());
    assertThat(load(Map.of(), "--store", "memory").workerThreads())
        .isEqualTo(VssServer.DEFAULT_WORKER_THREADS);
    assertThat(Duration.ofSeconds(ServerConfigLoader.DEFAULT_BODY_READ_TIMEOUT_SECONDS))
        .isEqualTo(VssHttpHandler.DEFAULT_BODY_READ_TIMEOUT);
  }

  @Test
  void basePathsAreNormalized() {
    assertThat(VssServer.normalizeBasePath("/vss/")).isEqualTo("/vss");
    assertThat(VssServer.normalizeBasePath("/")).isEqualTo("/");
    assertThat(VssServer.normalizeBasePath("//")).isEqualTo("/");
    assertThat(VssServer.normalizeBasePath("/a/b")).isEqualTo("/a/b");
    for (String bad : new String[] {"", "vss", "/a//b", "/a b", "/a?b", "/%2e", "/metrics/"}) {
      assertThatThrownBy(() -> VssServer.normalizeBasePath(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  /**
   * One setting, a valid value for each source and its default, and how to read it back. The flag
   * differs from the environment, the environment from the file, the file from the default.
   */
  private record Case(
      Setting setting,
      String fileValue,
      String envValue,
      String flagValue,
      String defaultValue,
      Function<ServerConfig, Object> read,
      boolean numeric) {}

  private static Case caseFor(Setting setting) {
    switch (setting) {
      case BIND:
        return new Case(
            setting,
            "10.0.0.1:1",
            "10.0.0.2:2",
            "10.0.0.3:3",
            "127.0.0.1:8080",
            ServerConfig::bindAddress,
            false);
      case STORE:
        return new Case(
            setting, "rocksdb", "memory", "rocksdb", "sqlite", c -> c.store().configName(), false);
      case DATA_DIR:
        return new Case(
            setting,
            "/file-dir",
            "/env-dir",
            "/flag-dir",
            "./vss-data",
            c -> c.dataDir().toString(),
            false);
      case AUTH:
        return new Case(
            setting, "none", "jwt", "none", "signature", c -> c.auth().configName(), false);
      case MAX_BODY_BYTES:
        return new Case(
            setting,
            "1000",
            "2000",
            "3000",
            "67108864",
            c -> Long.toString(c.limits().maxRequestBodyBytes()),
            true);
      case BASE_PATH:
        return new Case(setting, "/file", "/env", "/flag", "/vss", ServerConfig::basePath, false);
      case SHUTDOWN_TIMEOUT:
        return new Case(
            setting,
            "1",
            "2",
            "3",
            "30",
            c -> Long.toString(c.shutdownTimeout().toSeconds()),
            true);
      case WORKER_THREADS:
        return new Case(
            setting, "4", "5", "6", "128", c -> Integer.toString(c.workerThreads()), true);
      case MAX_INFLIGHT_BODY_BYTES:
        return new Case(
            setting,
            "100000000",
            "200000000",
            "300000000",
            "default",
            c ->
                c.maxInFlightBodyBytes().isPresent()
                    ? Long.toString(c.maxInFlightBodyBytes().getAsLong())
                    : "default",
            true);
      case BODY_READ_TIMEOUT:
        return new Case(
            setting,
            "5",
            "6",
            "7",
            "30",
            c -> Long.toString(c.bodyReadTimeout().toSeconds()),
            true);
      case LOG_LEVEL:
        return new Case(setting, "debug", "warn", "error", "info", ServerConfig::logLevel, false);
      case SIGNATURE_MAX_SKEW:
        return new Case(
            setting,
            "600",
            "300",
            "60",
            "86400",
            c -> Long.toString(c.signatureMaxSkew().toSeconds()),
            true);
      case MAX_CONCURRENT_REQUESTS:
        return new Case(
            setting,
            "10",
            "20",
            "0",
            "512",
            c -> Integer.toString(c.maxConcurrentRequests()),
            true);
      case RATE_LIMIT_REQUESTS:
        return new Case(
            setting,
            "10",
            "20",
            "30",
            "0",
            c -> Long.toString(c.rateLimits().requestsPerSecond()),
            true);
      case RATE_LIMIT_WRITE_BYTES:
        return new Case(
            setting,
            "1000",
            "2000",
            "3000",
            "0",
            c -> Long.toString(c.rateLimits().writeBytesPerSecond()),
            true);
      case QUOTA_MAX_BYTES_PER_USER:
        return new Case(
            setting,
            "1000",
            "2000",
            "3000",
            "0",
            c -> Long.toString(c.quotas().maxBytesPerUser()),
            true);
      case QUOTA_MAX_RECORDS_PER_USER:
        return new Case(
            setting,
            "10",
            "20",
            "30",
            "0",
            c -> Long.toString(c.quotas().maxRecordsPerUser()),
            true);
      case QUOTA_MAX_BYTES_PER_STORE:
        return new Case(
            setting,
            "100",
            "200",
            "300",
            "0",
            c -> Long.toString(c.quotas().maxBytesPerStore()),
            true);
      case MAX_ITEMS_PER_PUT:
        return new Case(
            setting,
            "10",
            "20",
            "30",
            "1000",
            c -> Integer.toString(c.limits().maxItemsPerPut()),
            true);
      case MAX_KEY_LENGTH:
        return new Case(
            setting,
            "700",
            "800",
            "900",
            "600",
            c -> Integer.toString(c.limits().maxKeyLength()),
            true);
      case MAX_STORE_ID_LENGTH:
        return new Case(
            setting,
            "130",
            "140",
            "150",
            "120",
            c -> Integer.toString(c.limits().maxStoreIdLength()),
            true);
      case MAX_VALUE_BYTES:
        return new Case(
            setting,
            "1000",
            "2000",
            "3000",
            "67108864",
            c -> Integer.toString(c.limits().maxValueBytes()),
            true);
      case DEFAULT_PAGE_SIZE:
        return new Case(
            setting,
            "10",
            "20",
            "30",
            "100",
            c -> Integer.toString(c.limits().defaultPageSize()),
            true);
      case MAX_PAGE_SIZE:
        return new Case(
            setting,
            "200",
            "300",
            "400",
            "100",
            c -> Integer.toString(c.limits().maxPageSize()),
            true);
      default:
        return null;
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Setting.class,
      names = {
        "BIND",
        "STORE",
        "DATA_DIR",
        "AUTH",
        "MAX_BODY_BYTES",
        "BASE_PATH",
        "SHUTDOWN_TIMEOUT",
        "WORKER_THREADS",
        "LOG_LEVEL",
        "SIGNATURE_MAX_SKEW",
        "MAX_INFLIGHT_BODY_BYTES",
        "BODY_READ_TIMEOUT",
        "MAX_CONCURRENT_REQUESTS",
        "RATE_LIMIT_REQUESTS",
        "RATE_LIMIT_WRITE_BYTES",
        "QUOTA_MAX_BYTES_PER_USER",
        "QUOTA_MAX_RECORDS_PER_USER",
        "QUOTA_MAX_BYTES_PER_STORE",
        "MAX_ITEMS_PER_PUT",
        "MAX_KEY_LENGTH",
        "MAX_STORE_ID_LENGTH",
        "MAX_VALUE_BYTES",
        "DEFAULT_PAGE_SIZE",
        "MAX_PAGE_SIZE"
      })
  void flagsBeatEnvironmentBeatsFileBeatsDefault(Setting setting) throws IOException {
    Case c = caseFor(setting);
    assertThat(c.flagValue()).isNotEqualTo(c.envValue());
    assertThat(c.envValue()).isNotEqualTo(c.fileValue());
    assertThat(c.fileValue()).isNotEqualTo(c.defaultValue());
    String value = c.numeric() ? c.fileValue() : "\"" + c.fileValue() + "\"";
    Path file = toml("[" + setting.table() + "]\n" + setting.key() + " = " + value + "\n");
    Map<String, String> env = new HashMap<>(Map.of(setting.env(), c.envValue()));

    ServerConfig all = load(env, "--config", file.toString(), setting.flag(), c.flagValue());
    assertThat(c.read().apply(all)).isEqualTo(c.flagValue());
    assertThat(all.sourceOf(setting)).isEqualTo(setting.flag());

    ServerConfig envAndFile = load(env, "--config", file.toString());
    assertThat(c.read().apply(envAndFile)).isEqualTo(c.envValue());
    assertThat(envAndFile.sourceOf(setting)).isEqualTo(setting.env());

    ServerConfig fileOnly = load(Map.of(), "--config", file.toString());
    assertThat(c.read().apply(fileOnly)).isEqualTo(c.fileValue());
    assertThat(fileOnly.sourceOf(setting))
        .isEqualTo(setting.table() + "." + setting.key() + " in " + file);

    ServerConfig none = load(Map.of());
    assertThat(c.read().apply(none)).isEqualTo(c.defaultValue());
    assertThat(none.sourceOf(setting)).isEqualTo("default");
  }

  @Test
  void loadLimitsDefaultToSheddingOnAndRateLimitsOffWithBurstsDerivedFromTheRates()
      throws IOException {
    ServerConfig defaults = load(Map.of());
    assertThat(defaults.maxConcurrentRequests()).isEqualTo(4 * VssServer.DEFAULT_WORKER_THREADS);
    assertThat(defaults.rateLimits()).isEqualTo(RateLimits.OFF);
    assertThat(load(Map.of(), "--worker-threads", "10").maxConcurrentRequests()).isEqualTo(40);

    // A burst defaults to one second of its rate; written bytes to at least the body limit.
    assertThat(
            load(
                    Map.of(),
                    "--rate-limit-requests",
                    "5",
                    "--rate-limit-write-bytes",
                    "100",
                    "--max-body-bytes",
                    "1000")
                .rateLimits())
        .isEqualTo(new RateLimits(5, 5, 100, 1000));
    assertThat(
            load(Map.of(), "--rate-limit-write-bytes", "5000", "--max-body-bytes", "1000")
                .rateLimits())
        .isEqualTo(new RateLimits(0, 0, 5000, 5000));
    Path file =
        toml(
            "[server_config]\nrate_limit_requests_per_second = 2\n"
                + "rate_limit_requests_burst = 7\nrate_limit_write_bytes_per_second = 10\n"
                + "rate_limit_write_bytes_burst = 70000000\n");
    assertThat(load(Map.of(), "--config", file.toString()).rateLimits())
        .isEqualTo(new RateLimits(2, 7, 10, 70_000_000));
    assertThat(
            load(Map.of("VSS_RATE_LIMIT_REQUESTS", "3", "VSS_RATE_LIMIT_REQUESTS_BURST", "9"))
                .rateLimits())
        .isEqualTo(new RateLimits(3, 9, 0, 0));

    assertThatThrownBy(
            () ->
                load(
                    Map.of(),
                    "--rate-limit-write-bytes",
                    "10",
                    "--rate-limit-write-bytes-burst",
                    "999",
                    "--max-body-bytes",
                    "1000"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--rate-limit-write-bytes-burst")
        .hasMessageContaining("at least the body limit");
    assertThatThrownBy(
            () -> load(Map.of(), "--rate-limit-requests", "5", "--rate-limit-requests-burst", "0"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> load(Map.of("VSS_RATE_LIMIT_REQUESTS", "-1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("VSS_RATE_LIMIT_REQUESTS");
    assertThatThrownBy(() -> load(Map.of(), "--max-concurrent-requests", "-5"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--max-concurrent-requests");
    assertThat(load(Map.of(), "--rate-limit-requests-burst", "4").warnings())
        .anyMatch(warning -> warning.contains("no limit applies"));
  }

  @Test
  void readsTheReferenceServersConfigFile() throws IOException {
    Path file =
        toml(
            String.join(
                "\n",
                "[server_config]",
                "bind_address = \"0.0.0.0:9000\"",
                "max_request_body_size = 1048576",
                "",
                "[jwt_auth_config]",
                "rsa_pem = \"\"\"",
                RSA_PUBLIC_PEM + "\"\"\"",
                "",
                "[postgresql_config]",
                "username = \"postgres\"",
                "address = \"127.0.0.1:5432\"",
                "",
                "[log_config]",
                "level = \"warn\"",
                "file = \"vss.log\"",
                ""));
    ServerConfig config = load(Map.of(), "--config", file.toString());
    assertThat(config.store())
        .as("its [postgresql_config] selects PostgreSQL")
        .isEqualTo(StoreKind.POSTGRES);
    assertThat(config.postgres().orElseThrow().user()).isEqualTo("postgres");
    assertThat(config.bindAddress()).isEqualTo("0.0.0.0:9000");
    assertThat(config.limits().maxRequestBodyBytes()).isEqualTo(1048576);
    assertThat(config.jwtPublicKeyPem()).contains(RSA_PUBLIC_PEM);
    assertThat(config.auth())
        .as("a configured JWT key selects jwt, as the reference does")
        .isEqualTo(AuthMode.JWT);
    assertThat(config.logLevel()).isEqualTo("warn");
    assertThat(config.logFile()).contains(Path.of("vss.log"));
    assertThat(config.warnings()).isEmpty();
    assertThat(AuthMode.JWT.create(config)).isNotNull();
  }

  @Test
  void unknownTablesAndKeysAreErrorsWithAHint() throws IOException {
    assertThatThrownBy(
            () ->
                load(
                    Map.of(),
                    "--config",
                    toml("[server_config]\nbind_adress = \"127.0.0.1:1\"\n").toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key server_config.bind_adress")
        .hasMessageContaining("(did you mean server_config.bind_address?)");
    assertThatThrownBy(
            () -> load(Map.of(), "--config", toml("[log_confg]\nlevel = \"info\"\n").toString()))
        .hasMessageContaining("unknown table [log_confg] (did you mean [log_config]?)");
    assertThatThrownBy(
            () ->
                load(
                    Map.of(),
                    "--config",
                    toml("[server_config]\ncompletely_unrelated = 1\n").toString()))
        .hasMessageContaining("unknown key server_config.completely_unrelated")
        .hasMessageNotContaining("did you mean");
    assertThatThrownBy(
            () ->
                load(
                    Map.of(),
                    "--config",
                    toml("[postgresql_config.tls]\ncrt_pen = \"x\"\n").toString()))
        .hasMessageContaining("(did you mean postgresql_config.tls.crt_pem?)");
    assertThatThrownBy(() -> load(Map.of(), "--acces-log", "off"))
        .hasMessageContaining("unknown option --acces-log (did you mean --access-log?)");
  }

  @Test
  void logSettingsResolveFromEveryLayer() throws IOException {
    ServerConfig defaults = load(Map.of());
    assertThat(defaults.logFile()).isEmpty();
    assertThat(defaults.logFormat()).isEqualTo(Logging.Format.TEXT);
    assertThat(defaults.accessLog()).isTrue();
    Path file =
        toml(
            "[log_config]\nlevel = \"debug\"\nfile = \"a.log\"\nformat = \"json\"\n"
                + "access_log = false\n");
    ServerConfig fromFile = load(Map.of(), "--config", file.toString());
    assertThat(fromFile.logFile()).contains(Path.of("a.log"));
    assertThat(fromFile.logFormat()).isEqualTo(Logging.Format.JSON);
    assertThat(fromFile.accessLog()).isFalse();
    ServerConfig fromEnv =
        load(
            Map.of("VSS_LOG_FILE", "b.log", "VSS_ACCESS_LOG", "on", "VSS_LOG_FORMAT", "text"),
            "--config",
            file.toString());
    assertThat(fromEnv.logFile()).contains(Path.of("b.log"));
    assertThat(fromEnv.accessLog()).isTrue();
    assertThat(fromEnv.logFormat()).isEqualTo(Logging.Format.TEXT);
    assertThat(load(Map.of(), "--access-log", "off", "--log-file", "c.log").logFile())
        .contains(Path.of("c.log"));
    assertThatThrownBy(() -> load(Map.of(), "--log-format", "xml"))
        .hasMessageContaining("expected text or json");
    assertThatThrownBy(() -> load(Map.of(), "--access-log", "maybe"))
        .hasMessageContaining("expected on or off");
    assertThatThrownBy(() -> load(Map.of(), "--log-file", dir.toString()))
        .hasMessageContaining("is a directory");
  }

  @Test
  void quotasAreOffByDefaultAndNeverNegative() {
    assertThat(load(Map.of()).quotas()).isEqualTo(dev.vss.core.Quotas.NONE);
    assertThatThrownBy(() -> load(Map.of(), "--quota-max-bytes-per-user", "-1"))
        .hasMessageContaining("--quota-max-bytes-per-user")
        .hasMessageContaining("must be 0 (off) or a positive number");
    assertThat(load(Map.of("VSS_QUOTA_MAX_RECORDS_PER_USER", "5")).quotas())
        .isEqualTo(new dev.vss.core.Quotas(0, 5, 0));
  }

  @Test
  void readsTheReferencesFirstPostgresLayout() throws IOException {
    Path file =
        toml(
            "[postgresql_config]\nusername = \"u\"\nhost = \"db.example\"\n"
                + "port = 5433\ndatabase = \"backups\"\n");
    ServerConfig config = load(Map.of(), "--config", file.toString());
    assertThat(config.postgres().orElseThrow().address()).isEqualTo("db.example:5433");
    assertThat(config.postgres().orElseThrow().vssDatabase()).isEqualTo("backups");
  }

  @Test
  void readsTheOlderHostAndPortLayout() throws IOException {
    Path file = toml("[server_config]\nhost = \"127.0.0.2\"\nport = 8081\n");
    ServerConfig config = load(Map.of(), "--config", file.toString());
    assertThat(config.bindAddress()).isEqualTo("127.0.0.2:8081");
  }

  @Test
  void environmentJwtKeyIsPemTextAndSelectsJwt() {
    ServerConfig config = load(Map.of("VSS_JWT_RSA_PEM", RSA_PUBLIC_PEM));
    assertThat(config.auth()).isEqualTo(AuthMode.JWT);
    assertThat(config.jwtPublicKeyPem()).contains(RSA_PUBLIC_PEM);
    assertThat(config.sourceOf(Setting.JWT_PUBLIC_KEY)).isEqualTo("VSS_JWT_RSA_PEM");
  }

  @Test
  void jwtKeyFlagNamesAFileAndBeatsTheEnvironment() throws IOException {
    Path pem = dir.resolve("jwt.pem");
    Files.writeString(pem, RSA_PUBLIC_PEM);
    ServerConfig config =
        load(Map.of("VSS_JWT_RSA_PEM", "not a key"), "--jwt-public-key", pem.toString());
    assertThat(config.jwtPublicKeyPem()).contains(RSA_PUBLIC_PEM);
    assertThat(AuthMode.JWT.create(config)).isNotNull();
  }

  @Test
  void explicitAuthWinsOverTheKeyAndWarns() {
    ServerConfig config = load(Map.of("VSS_JWT_RSA_PEM", RSA_PUBLIC_PEM), "--auth", "signature");
    assertThat(config.auth()).isEqualTo(AuthMode.SIGNATURE);
    assertThat(config.warnings()).anyMatch(w -> w.contains("not used"));
  }

  /** The signature window reaches the authorizer; narrower is how a deployment limits replay. */
  @Test
  void signatureMaxSkewConfiguresTheSignatureAuthorizer() throws IOException {
    ServerConfig narrow = load(Map.of(), "--signature-max-skew", "300");
    assertThat(((SignatureAuthorizer) AuthMode.SIGNATURE.create(narrow)).maxClockDifference())
        .isEqualTo(Duration.ofMinutes(5));
    ServerConfig standard = load(Map.of());
    assertThat(((SignatureAuthorizer) AuthMode.SIGNATURE.create(standard)).maxClockDifference())
        .isEqualTo(Duration.ofHours(24));
    assertThat(load(Map.of(), "--signature-max-skew", "1").signatureMaxSkew())
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(load(Map.of(), "--signature-max-skew", "86400").signatureMaxSkew())
        .isEqualTo(Duration.ofHours(24));

    Path file = toml("[signature_auth_config]\nmax_skew_seconds = 120\n");
    ServerConfig fromFile = load(Map.of(), "--config", file.toString());
    assertThat(fromFile.signatureMaxSkew()).isEqualTo(Duration.ofMinutes(2));
    assertThat(fromFile.warnings()).isEmpty();
    Path text = toml("[signature_auth_config]\nmax_skew_seconds = \"120\"\n");
    assertThatThrownBy(() -> load(Map.of(), "--config", text.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("signature_auth_config.max_skew_seconds")
        .hasMessageContaining("must be an integer");

    ServerConfig unused = load(Map.of("VSS_SIGNATURE_MAX_SKEW", "300"), "--auth", "none");
    assertThat(unused.warnings())
        .anyMatch(w -> w.contains("VSS_SIGNATURE_MAX_SKEW") && w.contains("not used"));
  }

  @Test
  void flagsTakeEqualsForm() {
    ServerConfig config = load(Map.of(), "--bind=[::1]:0", "--store=memory");
    assertThat(config.bindHost()).isEqualTo("::1");
    assertThat(config.bindPort()).isZero();
    assertThat(config.bindAddress()).isEqualTo("[::1]:0");
  }

  @Test
  void requestLimitsAreTheSpecDefaultsWithTheBodyLimitOfTheServer() {
    ServerConfig none = load(Map.of());
    assertThat(none.limits()).isEqualTo(dev.vss.core.Limits.DEFAULTS);
    ServerConfig lowered = load(Map.of(), "--max-body-bytes", "4096", "--max-items-per-put", "2");
    assertThat(lowered.limits())
        .isEqualTo(
            dev.vss.core.Limits.DEFAULTS.withMaxItemsPerPut(2).withMaxRequestBodyBytes(4096));
    assertThat(none.warnings()).isEmpty();
  }

  @Test
  void badRequestLimitsAreOneLineErrorsNamingTheSettings() throws IOException {
    assertThatThrownBy(() -> load(Map.of(), "--max-items-per-put", "0"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid --max-items-per-put \"0\": must be between 1 and 2147483647");
    assertThatThrownBy(() -> load(Map.of("VSS_MAX_KEY_LENGTH", "x")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid VSS_MAX_KEY_LENGTH \"x\": not a whole number");
    assertThatThrownBy(() -> load(Map.of(), "--default-page-size", "200"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "invalid request limits:"
                + " --default-page-size 200 exceeds --max-page-size (default) 100");
    assertThatThrownBy(() -> load(Map.of("VSS_MAX_PAGE_SIZE", "100001")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "invalid request limits:" + " VSS_MAX_PAGE_SIZE 100001 exceeds the ceiling 100000");
    Path file = toml("[limits_config]\nmax_value_bytes = \"big\"\n");
    assertThatThrownBy(() -> load(Map.of(), "--config", file.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("limits_config.max_value_bytes in " + file + " must be an integer");
  }

  @Test
  void limitsBelowTheReferenceOrAboveTheBodyLimitWarn() {
    ServerConfig config =
        load(
            Map.of("VSS_MAX_STORE_ID_LENGTH", "60"),
            "--max-key-length",
            "100",
            "--max-body-bytes",
            "1000",
            "--max-value-bytes",
            "2000");
    assertThat(config.warnings())
        .containsExactlyInAnyOrder(
            "--max-key-length 100 is below the reference server's 600 characters: clients such as"
                + " LDK Node that wrote longer ones there are refused",
            "VSS_MAX_STORE_ID_LENGTH 60 is below the reference server's 120 characters: clients"
                + " such as LDK Node that wrote longer ones there are refused",
            "the value size limit (2000 bytes, --max-value-bytes) is above the request body limit"
                + " (1000 bytes, --max-body-bytes): no larger value than a body holds can arrive");
  }

  @Test
  void aBadValueOverriddenByAHigherSourceDoesNotMatter() {
    ServerConfig config = load(Map.of("VSS_BIND_ADDRESS", "garbage"), "--bind", "127.0.0.1:9");
    assertThat(config.bindPort()).isEqualTo(9);
  }

  @Test
  void badSettingsFailWithOneLineNamingTheSource() throws IOException {
    Path pem = dir.resolve("jwt.pem");
    Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
    Path badType = toml("[server_config]\nmax_request_body_size = \"big\"\n");
    Path badSyntax = dir.resolve("bad.toml");
    Files.writeString(badSyntax, "[server_config]\nbind_address = \"x\n");

    List<Object[]> cases = new ArrayList<>();
    cases.add(new Object[] {Map.of(), new String[] {"--bind", "nope"}, "--bind"});
    cases.add(new Object[] {Map.of(), new String[] {"--bind", "1.2.3.4:70000"}, "--bind"});
    cases.add(new Object[] {Map.of(), new String[] {"--bind", "::1:80"}, "--bind"});
    cases.add(new Object[] {Map.of(), new String[] {"--store", "nosuch"}, "--store"});
    cases.add(new Object[] {Map.of(), new String[] {"--auth", "password"}, "--auth"});
    cases.add(new Object[] {Map.of(), new String[] {"--max-body-bytes", "0"}, "--max-body-bytes"});
    cases.add(
        new Object[] {
          Map.of(), new String[] {"--max-body-bytes", "4294967296"}, "--max-body-bytes"
        });
    cases.add(
        new Object[] {
          Map.of("VSS_MAX_REQUEST_BODY_SIZE", "abc"), new String[0], "VSS_MAX_REQUEST_BODY_SIZE"
        });
    cases.add(new Object[] {Map.of("VSS_LOG_LEVEL", "verbose"), new String[0], "VSS_LOG_LEVEL"});
    cases.add(new Object[] {Map.of(), new String[] {"--base-path", "vss"}, "--base-path"});
    cases.add(new Object[] {Map.of(), new String[] {"--base-path", "/health"}, "--base-path"});
    cases.add(
        new Object[] {Map.of(), new String[] {"--shutdown-timeout", "-1"}, "--shutdown-timeout"});
    cases.add(
        new Object[] {
          Map.of(), new String[] {"--signature-max-skew", "0"}, "--signature-max-skew"
        });
    cases.add(
        new Object[] {
          Map.of("VSS_SIGNATURE_MAX_SKEW", "86401"), new String[0], "VSS_SIGNATURE_MAX_SKEW"
        });
    cases.add(
        new Object[] {
          Map.of(), new String[] {"--signature-max-skew", "5m"}, "--signature-max-skew"
        });
    cases.add(new Object[] {Map.of(), new String[] {"--worker-threads", "0"}, "--worker-threads"});
    cases.add(
        new Object[] {Map.of("VSS_WORKER_THREADS", "100000"), new String[0], "VSS_WORKER_THREADS"});
    cases.add(
        new Object[] {
          Map.of(),
          new String[] {"--max-inflight-body-bytes", "1000"},
          "must be at least the body limit"
        });
    cases.add(
        new Object[] {
          Map.of(),
          new String[] {"--max-body-bytes", "100", "--max-inflight-body-bytes", "99"},
          "--max-inflight-body-bytes \"99\""
        });
    cases.add(
        new Object[] {
          Map.of("VSS_BODY_READ_TIMEOUT", "0"), new String[0], "VSS_BODY_READ_TIMEOUT"
        });
    cases.add(
        new Object[] {
          Map.of(), new String[] {"--body-read-timeout", "abc"}, "--body-read-timeout"
        });
    cases.add(new Object[] {Map.of(), new String[] {"--tls-cert", pem.toString()}, "--tls-cert"});
    cases.add(
        new Object[] {
          Map.of(), new String[] {"--tls-key", dir.resolve("x").toString()}, "--tls-key"
        });
    cases.add(new Object[] {Map.of(), new String[] {"--data-dir", pem.toString()}, "--data-dir"});
    cases.add(
        new Object[] {
          Map.of(),
          new String[] {"--jwt-public-key", dir.resolve("missing.pem").toString()},
          "--jwt-public-key"
        });
    cases.add(
        new Object[] {
          Map.of(), new String[] {"--config", dir.resolve("nope").toString()}, "--config"
        });
    cases.add(
        new Object[] {
          Map.of(),
          new String[] {"--config", badType.toString()},
          "server_config.max_request_body_size"
        });
    cases.add(
        new Object[] {Map.of(), new String[] {"--config", badSyntax.toString()}, "invalid TOML"});
    cases.add(new Object[] {Map.of(), new String[] {"--port", "1"}, "unknown option --port"});
    cases.add(new Object[] {Map.of(), new String[] {"--bind"}, "--bind needs a value"});
    cases.add(
        new Object[] {Map.of(), new String[] {"--bind", "a:1", "--bind", "b:2"}, "more than once"});
    cases.add(new Object[] {Map.of(), new String[] {"config.toml"}, "unexpected argument"});

    for (Object[] c : cases) {
      @SuppressWarnings("unchecked")
      Map<String, String> env = (Map<String, String>) c[0];
      String[] args = (String[]) c[1];
      assertThatThrownBy(() -> load(env, args))
          .as(String.join(" ", args) + " " + env)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining((String) c[2])
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
  }

  @Test
  void jwtAuthNeedsAUsableKey() throws IOException {
    ServerConfig noKey = load(Map.of(), "--auth", "jwt");
    assertThatThrownBy(() -> AuthMode.JWT.create(noKey))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--auth")
        .hasMessageContaining("needs an RSA public key");

    ServerConfig badKey =
        load(
            Map.of(
                "VSS_JWT_RSA_PEM",
                "-----BEGIN PUBLIC KEY-----\nAAAA\n" + "-----END PUBLIC KEY-----\n"));
    assertThatThrownBy(() -> AuthMode.JWT.create(badKey))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("invalid VSS_JWT_RSA_PEM");
  }
}
