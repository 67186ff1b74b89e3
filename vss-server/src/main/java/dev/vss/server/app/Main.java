package dev.vss.server.app;

import dev.vss.server.VssServer;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * The command line: {@code java -jar vss-server.jar [options]}, or {@code ... admin <command>} for
 * the operator's data tools ({@link dev.vss.server.admin.Admin}). Resolves the configuration
 * (flags, then environment, then TOML file, then defaults), starts the server and stops it
 * gracefully on SIGTERM or SIGINT.
 *
 * <p>Exit status: 0 after a clean stop, {@code --help} or {@code --version}; 2 for a bad setting; 1
 * when the server cannot start (store, address). A failure prints one line to standard error.
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
      System.exit(
          dev.vss.server.admin.Admin.main(
              List.of(args).subList(1, args.length), System.getenv(), System.out, System.err));
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
      Logging.configure(
          config.logLevel(), config.logFile(), config.logFormat(), config.accessLog());
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

  /**
   * The usage text, one row per {@link Setting} (flag and value, help and default, environment
   * variable) in the table's order, so that a new setting cannot be left out of it.
   */
  private static String usage() {
    List<String[]> rows = new java.util.ArrayList<>();
    for (Setting setting : Setting.values()) {
      if (setting.heading() != null) {
        rows.add(new String[] {setting.heading(), "", ""});
      }
      rows.add(
          new String[] {
            setting.flag() == null ? "" : setting.flag() + " " + setting.valueHint(),
            (setting.help()
                    + (setting.defaultValue() == null ? "" : " [" + setting.defaultValue() + "]"))
                .trim(),
            setting.env()
          });
    }
    rows.add(new String[] {"-h, --help", "print this help", ""});
    rows.add(new String[] {"--version", "print the version", ""});
    StringBuilder text =
        new StringBuilder()
            .append("Usage: java -jar vss-server.jar [options]\n")
            .append("       java -jar vss-server.jar admin <command> ... (export, import, backup,")
            .append(" verify, ...; see admin --help)\n\n")
            .append(
                "Options; each can also be set by the environment variable shown or in the TOML\n")
            .append("config file. Flags win over the environment, the environment over the file.\n")
            .append("[Defaults in brackets.]\n\n");
    for (String[] row : rows) {
      text.append(("  " + pad(row[0], 31) + pad(row[1], 45) + row[2]).stripTrailing()).append('\n');
    }
    return text.append(
            "\nEndpoints: POST {base}/getObject|putObjects|deleteObject|listKeyVersions,")
        .append("\n           GET /health, GET /ready, GET /metrics\n")
        .toString();
  }

  private static String pad(String text, int width) {
    return text.length() >= width ? text + " " : text + " ".repeat(width - text.length());
  }
}
