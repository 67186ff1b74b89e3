package dev.vss.server.admin;

import dev.vss.core.export.ExportFormatException;
import dev.vss.core.spi.KeyspaceFilter;
import dev.vss.core.spi.StorageException;
import dev.vss.server.app.StoreSelection;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code java -jar vss-server.jar admin <command> [options]}: export, import, backup, verify,
 * delete-user and stats on a store's data directory, chosen with the server's own settings ({@code
 * --store}, {@code --data-dir}, {@code --config}, their environment variables). See
 * docs/operating.md.
 *
 * <p>Exit status: 0 success; 1 the command failed or was refused (nothing was changed unless the
 * message says otherwise); 2 bad usage; 3 verify found differences or damage; 130 interrupted.
 * Results go to standard output, progress and errors to standard error.
 */
public final class Admin {
  static final int EXIT_OK = 0;
  static final int EXIT_FAILED = 1;
  static final int EXIT_USAGE = 2;
  static final int EXIT_DIFFERENCES = 3;
  static final int EXIT_INTERRUPTED = 130;

  /** Options that take a value, by command ("*" for every command). */
  private static final Map<String, Set<String>> VALUE_OPTIONS =
      Map.of(
          "export", Set.of("--out", "--user", "--store-id"),
          "import", Set.of("--in", "--user", "--store-id"),
          "backup", Set.of("--to"),
          "verify",
              Set.of(
                  "--against",
                  "--against-store",
                  "--against-data-dir",
                  "--against-postgres-url",
                  "--user",
                  "--store-id"),
          "delete-user", Set.of("--user"),
          "stats", Set.of("--user"),
          "recount-usage", Set.of());

  private static final Map<String, Set<String>> FLAG_OPTIONS =
      Map.of(
          "import", Set.of("--replace"),
          "verify", Set.of("--no-integrity"),
          "delete-user", Set.of("--yes"));
  private static final Set<String> COMMON_VALUE_OPTIONS = Set.of("--progress-interval");

  private Admin() {}

  /** Runs {@code admin} from the command line and returns the exit status. */
  public static int main(
      List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    return run(args, env, out, err, Interruption.onSignals(), System.console() != null);
  }

  /**
   * Runs one admin command.
   *
   * @param args the arguments after {@code admin}
   * @param terminal whether standard error is a terminal (progress rewrites one line)
   */
  static int run(
      List<String> args,
      Map<String, String> env,
      PrintStream out,
      PrintStream err,
      Interruption interruption,
      boolean terminal) {
    try {
      if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h")) {
        out.print(USAGE);
        return args.isEmpty() ? EXIT_USAGE : EXIT_OK;
      }
      String command = args.get(0);
      if (!VALUE_OPTIONS.containsKey(command)) {
        err.println("vss-server admin: unknown command \"" + command + "\" (see admin --help)");
        return EXIT_USAGE;
      }
      Options options;
      StoreSelection store;
      try {
        options = Options.parse(command, args.subList(1, args.size()));
        store = StoreSelection.resolve(options.serverArgs, env);
      } catch (IllegalArgumentException e) {
        err.println("vss-server admin " + command + ": " + e.getMessage());
        return EXIT_USAGE;
      }
      store.configureLogging("warn");
      Context context = new Context(command, options, store, out, err, interruption, terminal);
      try {
        return switch (command) {
          case "export" -> ExportCommand.run(context);
          case "import" -> ImportCommand.run(context);
          case "backup" -> StoreCommands.backup(context);
          case "verify" -> StoreCommands.verify(context);
          case "delete-user" -> StoreCommands.deleteUser(context);
          case "stats" -> StoreCommands.stats(context);
          case "recount-usage" -> StoreCommands.recountUsage(context);
          default -> throw new IllegalStateException(command);
        };
      } catch (AdminException e) {
        err.println("vss-server admin " + command + ": " + e.getMessage());
        return e.status();
      } catch (ExportFormatException e) {
        err.println("vss-server admin " + command + ": refused: " + e.getMessage());
        return EXIT_FAILED;
      } catch (StorageException | UncheckedIOException e) {
        err.println("vss-server admin " + command + ": " + oneLine(e));
        return EXIT_FAILED;
      }
    } finally {
      interruption.finished();
    }
  }

  /** The innermost message of {@code e}'s causes, on one line. */
  static String oneLine(Throwable e) {
    String message = e.getMessage();
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (message == null) {
      message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    } else if (root != e && root.getMessage() != null && !message.contains(root.getMessage())) {
      message = message + " (" + root.getMessage() + ")";
    }
    return message.replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }

  /** Everything a command needs. */
  record Context(
      String command,
      Options options,
      StoreSelection store,
      PrintStream out,
      PrintStream err,
      Interruption interruption,
      boolean terminal) {
    StoreLocation location() {
      return StoreLocation.of(store);
    }

    Progress progress(String what, long totalRecords, long totalBytes) {
      return new Progress(
          err, what, totalRecords, totalBytes, terminal, options.progressInterval());
    }
  }

  /** The parsed options of one command. */
  static final class Options {
    final Map<String, String> values = new HashMap<>();
    final Set<String> flags = new java.util.HashSet<>();
    final List<String> serverArgs = new ArrayList<>();

    static Options parse(String command, List<String> args) {
      Options options = new Options();
      Set<String> valued = VALUE_OPTIONS.get(command);
      Set<String> flags = FLAG_OPTIONS.getOrDefault(command, Set.of());
      for (int i = 0; i < args.size(); i++) {
        String arg = args.get(i);
        String name = arg;
        String value = null;
        int eq = arg.indexOf('=');
        if (arg.startsWith("--") && eq > 0) {
          name = arg.substring(0, eq);
          value = arg.substring(eq + 1);
        }
        boolean server = StoreSelection.isServerFlag(name);
        if (flags.contains(name)) {
          if (value != null) {
            throw new IllegalArgumentException(name + " takes no value");
          }
          options.flags.add(name);
          continue;
        }
        if (!valued.contains(name) && !COMMON_VALUE_OPTIONS.contains(name) && !server) {
          throw new IllegalArgumentException(
              arg.startsWith("-")
                  ? "unknown option " + name + " (see admin --help)"
                  : "unexpected argument \"" + arg + "\"");
        }
        if (value == null) {
          if (i + 1 >= args.size()) {
            throw new IllegalArgumentException(name + " needs a value");
          }
          value = args.get(++i);
        }
        if (server) {
          options.serverArgs.add(name);
          options.serverArgs.add(value);
        } else if (options.values.put(name, value) != null) {
          throw new IllegalArgumentException(name + " is given more than once");
        }
      }
      if (options.values.containsKey("--store-id") && !options.values.containsKey("--user")) {
        throw new IllegalArgumentException("--store-id needs --user");
      }
      options.progressInterval();
      return options;
    }

    Optional<String> value(String name) {
      return Optional.ofNullable(values.get(name));
    }

    String required(String name, String hint) {
      String value = values.get(name);
      if (value == null) {
        throw new AdminException(EXIT_USAGE, name + " " + hint + " is required");
      }
      return value;
    }

    boolean flag(String name) {
      return flags.contains(name);
    }

    KeyspaceFilter filter() {
      return new KeyspaceFilter(value("--user"), value("--store-id"));
    }

    Duration progressInterval() {
      String text = values.getOrDefault("--progress-interval", "10");
      try {
        long seconds = Long.parseLong(text.trim());
        if (seconds < 0 || seconds > 86_400) {
          throw new NumberFormatException();
        }
        return Duration.ofSeconds(seconds);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--progress-interval must be 0 to 86400 seconds");
      }
    }

    static Path path(String text) {
      return Path.of(text).toAbsolutePath().normalize();
    }
  }

  static final String USAGE =
      """
      Usage: java -jar vss-server.jar admin <command> [options]

      The store is chosen as the server chooses it: --store sqlite|rocksdb|postgres,
      --data-dir DIR, --postgres-url JDBC_URL, --config FILE, or the VSS_* environment
      variables. Reading commands (export, backup, verify, stats) work while the server runs;
      writing commands (import, delete-user) need a SQLite or RocksDB server stopped (with
      PostgreSQL they take each keyspace's lock, as the servers' writes do).

      Commands:
        export --out FILE|- [--user U [--store-id S]]
            Write a consistent snapshot in the VSS export format (to FILE.partial, renamed to
            FILE when complete; - for standard output).
        import --in FILE|- [--replace] [--user U [--store-id S]]
            Check the whole export (checksum, counts), then load it keyspace by keyspace,
            keeping versions, global versions and listing order. Refused if the store already
            holds one of its keyspaces, unless --replace.
        backup --to DIR
            Online, consistent copy of the data directory that the server opens directly
            (SQLite, RocksDB; back up PostgreSQL with pg_dump or pg_basebackup).
        verify [--against FILE | --against-store KIND --against-data-dir DIR
               | --against-store postgres --against-postgres-url URL]
               [--user U [--store-id S]] [--no-integrity]
            Run the store's integrity check, and compare it record by record with an export
            or another store.
        delete-user --user U
            Delete every record and global version of one user (all store ids), one keyspace
            at a time, each atomically.
        stats [--user U]
            Users, keyspaces, records and bytes; with quotas configured (--quota-max-*),
            usage against each quota.
        recount-usage
            PostgreSQL: count the quota usage counters again from the records, after the
            reference server (which does not keep them) wrote to the database. Safe while
            servers run.

      Common options: --progress-interval SECONDS (plain progress lines when not on a
      terminal; 0 = none) [10], --log-level LEVEL [warn].

      Exit status: 0 ok, 1 failed or refused, 2 bad usage, 3 differences or damage found,
      130 interrupted. See docs/operating.md.
      """;
}
