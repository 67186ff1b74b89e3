package dev.vss.testkit.runner;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.vss.core.Limits;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The black-box conformance runner: {@code java -jar vss-testkit-<version>-runner.jar --url URL
 * [--auth signature|none] [--only GROUP,...]} runs every check that works over the wire against a
 * running VSS server in any language and prints a report: passed, failed with the last requests
 * and responses, skipped with the reason. The exit status is 0 when nothing failed, 1 when a check
 * failed, 2 on a usage error.
 *
 * <p>The groups: {@code header} (the protocol version header), {@code conformance} (the SPEC
 * section 4 scenarios), {@code races} (the concurrency races), {@code consistency} (atomic
 * visibility and linearizability) and {@code property} (the model property). The server must
 * enforce the SPEC section 6 default limits.
 */
public final class ConformanceRunner {
  /** The check groups, in the order they run. */
  static final Map<String, Class<?>> GROUPS = new LinkedHashMap<>();

  static {
    GROUPS.put("header", ProtocolVersionHeaderCheck.class);
    GROUPS.put("conformance", WireConformanceScenarios.class);
    GROUPS.put("races", WireConcurrencyRaces.class);
    GROUPS.put("consistency", WireConsistencyChecks.class);
    GROUPS.put("property", WireModelProperties.class);
  }

  private static final String USAGE = String.join("\n",
      "Usage: java -jar vss-testkit-runner.jar --url URL [--auth signature|none] [--only GROUP,...]",
      "  --url URL      the server's API base, such as http://127.0.0.1:8080/vss",
      "  --auth MODE    signature (default): one generated secp256k1 key per user token;",
      "                 none: no Authorization header (one user: isolation checks are skipped)",
      "  --only GROUPS  comma-separated subset of: " + String.join(",", GROUPS.keySet()));

  private ConformanceRunner() {}

  /** Runs the checks and exits with 0 (all passed or skipped), 1 (a failure) or 2 (usage). */
  public static void main(String[] args) {
    System.exit(run(args, System.out));
  }

  /** Runs the checks, printing the report to {@code out}; answers the exit status. */
  public static int run(String[] args, PrintStream out) {
    String url = null;
    String auth = "signature";
    List<String> groups = new ArrayList<>(GROUPS.keySet());
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--url" -> url = args[++i];
          case "--auth" -> auth = args[++i];
          case "--only" -> groups = List.of(args[++i].split(","));
          case "--help", "-h" -> {
            out.println(USAGE);
            return 0;
          }
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      if (url == null) {
        throw new IllegalArgumentException("--url is required");
      }
      WireTarget.Auth mode;
      try {
        mode = WireTarget.Auth.parse(auth);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--auth must be signature or none, not " + auth);
      }
      for (String group : groups) {
        if (!GROUPS.containsKey(group.toLowerCase(Locale.ROOT))) {
          throw new IllegalArgumentException("unknown group " + group);
        }
      }
      WireTarget.use(new WireTarget(URI.create(url), mode, Limits.DEFAULTS));
    } catch (ArrayIndexOutOfBoundsException | IllegalArgumentException e) {
      out.println("vss-testkit: " + (e instanceof ArrayIndexOutOfBoundsException
          ? "an option is missing its value" : e.getMessage()));
      out.println(USAGE);
      return 2;
    }

    out.println("VSS conformance run against " + WireTarget.current().endpoint());
    List<ClassSelector> selectors = groups.stream()
        .map(group -> selectClass(GROUPS.get(group.toLowerCase(Locale.ROOT)))).toList();
    // jqwik keeps failed seeds in a file; this run's goes to a directory of its own.
    Path scratch;
    try {
      scratch = Files.createTempDirectory("vss-testkit-runner");
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a temporary directory", e);
    }
    Path jqwikDatabase = scratch.resolve("jqwik-database");
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectors)
        .configurationParameter("jqwik.database", jqwikDatabase.toString())
        .configurationParameter("jqwik.reporting.onlyfailures", "true")
        .build();
    ReportListener report = new ReportListener(out);
    try {
      Launcher launcher = LauncherFactory.create();
      launcher.execute(request, report);
    } finally {
      try {
        Files.deleteIfExists(jqwikDatabase);
        Files.deleteIfExists(scratch);
      } catch (IOException e) {
        // a leftover temporary file is harmless
      }
    }
    report.printSummary();
    return report.failed() == 0 && report.passed() > 0 ? 0 : 1;
  }
}
