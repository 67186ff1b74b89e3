package dev.vss.server.app;

import dev.vss.store.postgres.PostgresOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The store a command-line tool works on ({@code vss-server admin}), resolved exactly as the server
 * resolves its own: {@code --store}, {@code --data-dir} and {@code --config} flags, then the {@code
 * VSS_STORE}, {@code VSS_DATA_DIR} and {@code VSS_CONFIG_FILE} environment variables (and for
 * PostgreSQL {@code --postgres-url}, {@code VSS_PSQL_*}, {@code [postgresql_config]}), then the
 * config file, then the defaults. So an operator points the tools at the server's data by giving
 * them the server's own settings.
 */
public final class StoreSelection {
  private final String kind;
  private final Path dataDir;
  private final Optional<PostgresOptions> postgres;
  private final String logLevel;
  private final boolean logLevelExplicit;
  private final dev.vss.core.Quotas quotas;

  private StoreSelection(
      String kind,
      Path dataDir,
      Optional<PostgresOptions> postgres,
      String logLevel,
      boolean logLevelExplicit,
      dev.vss.core.Quotas quotas) {
    this.quotas = quotas;
    this.kind = kind;
    this.dataDir = dataDir;
    this.postgres = postgres;
    this.logLevel = logLevel;
    this.logLevelExplicit = logLevelExplicit;
  }

  /**
   * Resolves the store from server flags and the environment.
   *
   * @param serverArgs server flags only ({@code --store}, {@code --data-dir}, {@code --config},
   *     {@code --log-level}, ...)
   * @throws IllegalArgumentException with the one-line message the server would print
   */
  public static StoreSelection resolve(List<String> serverArgs, Map<String, String> env) {
    ServerConfig config;
    try {
      config = ServerConfigLoader.load(serverArgs, env);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return new StoreSelection(
        config.store().configName(),
        config.dataDir().toAbsolutePath().normalize(),
        config.postgres(),
        config.logLevel(),
        !config.sourceOf(Setting.LOG_LEVEL).equals("default"),
        config.quotas());
  }

  /** Whether {@code flag} (such as {@code --store}) is a server setting that takes a value. */
  public static boolean isServerFlag(String flag) {
    return Setting.forFlag(flag) != null;
  }

  /** The quotas the server's settings configure ({@code Quotas.NONE} when none). */
  public dev.vss.core.Quotas quotas() {
    return quotas;
  }

  /** The store kind's name: {@code sqlite}, {@code rocksdb}, {@code memory}, ... */
  public String kind() {
    return kind;
  }

  /** The data directory, absolute. */
  public Path dataDir() {
    return dataDir;
  }

  /** Where the postgres store connects (the server's PostgreSQL settings); empty for others. */
  public Optional<PostgresOptions> postgres() {
    return postgres;
  }

  /**
   * Sets up logging as the server does, at {@code quietDefault} unless a log level was configured.
   * Call it before anything logs.
   */
  public void configureLogging(String quietDefault) {
    Logging.configure(
        logLevelExplicit ? logLevel : quietDefault,
        java.util.Optional.empty(),
        Logging.Format.TEXT,
        true);
  }
}
