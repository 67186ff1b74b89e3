package dev.vss.server.app;

import dev.vss.server.VssServer;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * The command line: {@code java -jar vss-server.jar [options]}, or {@code ... admin <command>} for
 * the operator's data tools ({@link dev.vss.server.admin.Admin}). Resolves the configuration (flags,
 * then environment, then TOML file, then defaults), starts the server and stops it gracefully on
 * SIGTERM or SIGINT.
 *
 * <p>Exit status: 0 after a clean stop, {@code --help} or {@code --version}; 2 for a bad setting; 1 when the server
 * cannot start (store, address). A failure prints one line to standard error.
 */
public final class Main {
  /** Exit status for a bad setting. */
  static final int EXIT_BAD_CONFIG = 2;
  /** Exit status when start-up fails for another reason. */
  static final int EXIT_START_FAILED = 1;

  private Main() {}

  /** Runs the server until the JVM is asked to stop. */
  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("admin")) {
      System.exit(dev.vss.server.admin.Admin.main(List.of(args).subList(1, args.length),
          System.getenv(), System.out, System.err));
    }
    int status = start(List.of(args), System.getenv(), System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
    // Otherwise Undertow's threads keep the JVM alive until SIGTERM/SIGINT runs the shutdown hook.
  }

  /**
   * Starts the server and registers its shutdown hook.
   *
   * @return 0 when the server runs (or help was printed), else the exit status
   */
  static int start(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    if (args.contains("--help") || args.contains("-h")) {
      out.print(USAGE);
      return 0;
    }
    if (args.contains("--version")) {
      out.println("vss-server " + VssServer.version());
      return 0;
    }
    ServerConfig config;
    try {
      config = ServerConfigLoader.load(args, env);
    } catch (ConfigException e) {
      err.println("vss-server: " + e.getMessage());
      return EXIT_BAD_CONFIG;
    }
    try {
      Logging.configure(config.logLevel(), config.logFile(), config.logFormat(),
          config.accessLog());
    } catch (ConfigException e) {
      err.println("vss-server: " + e.getMessage());
      return EXIT_BAD_CONFIG;
    }
    ServerLauncher.Running running;
    try {
      running = ServerLauncher.start(config);
    } catch (ConfigException e) {
      err.println("vss-server: " + e.getMessage());
      return EXIT_BAD_CONFIG;
    } catch (ServerLauncher.StartupFailure e) {
      err.println("vss-server: " + e.getMessage());
      return EXIT_START_FAILED;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(running::shutdown, "vss-shutdown"));
    return 0;
  }

  static final String USAGE = usage();

  private static String usage() {
    String[][] rows = {
        {"--config FILE", "TOML config file", "VSS_CONFIG_FILE"},
        {"--bind HOST:PORT", "listen address [127.0.0.1:8080]", "VSS_BIND_ADDRESS"},
        {"--store " + StoreKind.names(), "storage engine [sqlite]", "VSS_STORE"},
        {"--data-dir DIR", "where the store keeps its files [./vss-data]", "VSS_DATA_DIR"},
        {"--auth " + AuthMode.names(), "[jwt if a JWT key is set, else signature]", "VSS_AUTH"},
        {"--jwt-public-key PEM_FILE", "RSA public key for JWT auth", "VSS_JWT_RSA_PEM (PEM text)"},
        {"--signature-max-skew SECONDS", "signature time window either side [86400]",
            "VSS_SIGNATURE_MAX_SKEW"},
        {"--max-body-bytes N", "largest request body [67108864]", "VSS_MAX_REQUEST_BODY_SIZE"},
        {"--max-inflight-body-bytes N", "all bodies in memory [heap/4]",
            "VSS_MAX_INFLIGHT_BODY_BYTES"},
        {"--body-read-timeout SECONDS", "time for a body to arrive [30]", "VSS_BODY_READ_TIMEOUT"},
        {"--tls-cert PEM_FILE", "certificate chain: serve HTTPS", "VSS_TLS_CERT"},
        {"--tls-key PEM_FILE", "private key of the certificate", "VSS_TLS_KEY"},
        {"--base-path PATH", "where the VSS API lives [/vss]", "VSS_BASE_PATH"},
        {"--shutdown-timeout SECONDS", "wait for in-flight requests [30]", "VSS_SHUTDOWN_TIMEOUT"},
        {"--worker-threads N", "requests in progress at once [128]",
            "VSS_WORKER_THREADS"},
        {"--max-concurrent-requests N", "more are shed with 503 [4 x workers; 0 off]",
            "VSS_MAX_CONCURRENT_REQUESTS"},
        {"--rate-limit-requests N", "per user and second, else 429 [0: off]",
            "VSS_RATE_LIMIT_REQUESTS"},
        {"--rate-limit-requests-burst N", "requests at once after idling [the rate]",
            "VSS_RATE_LIMIT_REQUESTS_BURST"},
        {"--rate-limit-write-bytes N", "written bytes per user and second [0: off]",
            "VSS_RATE_LIMIT_WRITE_BYTES"},
        {"--rate-limit-write-bytes-burst N", "[max(rate, body limit)]",
            "VSS_RATE_LIMIT_WRITE_BYTES_BURST"},
        {"--log-level LEVEL", "trace|debug|info|warn|error|off [info]", "VSS_LOG_LEVEL"},
        {"--log-file FILE", "log to FILE (reopened on SIGHUP) [stderr]", "VSS_LOG_FILE"},
        {"--log-format text|json", "text lines or JSON lines [text]", "VSS_LOG_FORMAT"},
        {"--access-log on|off", "one line per request (logger vss.access) [on]",
            "VSS_ACCESS_LOG"},
        {"Quotas (0: off) [0]; stored bytes are value bytes:", "", ""},
        {"--quota-max-bytes-per-user N", "stored bytes per user, all store ids",
            "VSS_QUOTA_MAX_BYTES_PER_USER"},
        {"--quota-max-records-per-user N", "records per user, all store ids",
            "VSS_QUOTA_MAX_RECORDS_PER_USER"},
        {"--quota-max-bytes-per-store N", "stored bytes per (user, store id)",
            "VSS_QUOTA_MAX_BYTES_PER_STORE"},
        {"PostgreSQL (any of these selects --store postgres):", "", ""},
        {"--postgres-url JDBC_URL", "jdbc:postgresql://HOST:PORT/DB?user=..", "VSS_POSTGRES_URL"},
        {"--postgres-address HOST:PORT", "or the reference's settings [127.0.0.1:5432]",
            "VSS_PSQL_ADDRESS"},
        {"--postgres-user NAME", "[postgres]", "VSS_PSQL_USERNAME"},
        {"", "password [postgres]", "VSS_PSQL_PASSWORD"},
        {"--postgres-default-db NAME", "connected to create the VSS db [postgres]",
            "VSS_PSQL_DEFAULT_DB"},
        {"--postgres-db NAME", "the VSS database, created if missing [vss]", "VSS_PSQL_VSS_DB"},
        {"", "TLS to PostgreSQL when set", "VSS_PSQL_TLS"},
        {"", "extra trusted root certificate (PEM)", "VSS_PSQL_CRT_PEM"},
        {"-h, --help", "print this help", ""},
        {"--version", "print the version", ""},
    };
    StringBuilder text = new StringBuilder()
        .append("Usage: java -jar vss-server.jar [options]\n")
        .append("       java -jar vss-server.jar admin <command> ... (export, import, backup,")
        .append(" verify, ...; see admin --help)\n\n")
        .append("Options; each can also be set by the environment variable shown or in the TOML\n")
        .append("config file. Flags win over the environment, the environment over the file.\n")
        .append("[Defaults in brackets.]\n\n");
    for (String[] row : rows) {
      text.append(("  " + pad(row[0], 31) + pad(row[1], 45) + row[2]).stripTrailing())
          .append('\n');
    }
    return text.append("\nEndpoints: POST {base}/getObject|putObjects|deleteObject|listKeyVersions,")
        .append("\n           GET /health, GET /ready, GET /metrics\n").toString();
  }

  private static String pad(String text, int width) {
    return text.length() >= width ? text + " " : text + " ".repeat(width - text.length());
  }
}
