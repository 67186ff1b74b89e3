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
 * [--auth signature|jwt|none] [--jwt-private-key PEM_FILE | --jwt-token TOKEN] [--limits LIMITS]
 * [--only GROUP,...]} runs every check that works over the wire against a running VSS server in any
 * language and prints a report: passed, failed with the last requests and responses, skipped with
 * the reason. The exit status is 0 when nothing failed, 1 when a check failed, 2 on a usage error.
 *
 * <p>The groups: {@code header} (the protocol version header), {@code conformance} (the SPEC
 * section 4 scenarios), {@code races} (the concurrency races), {@code consistency} (atomic
 * visibility and linearizability) and {@code property} (the model property). The server is assumed
 * to enforce the SPEC section 6 default limits unless {@code --limits} says otherwise; the limit
 * scenarios then test the given limits, and a group whose workload does not fit them is skipped
 * with the reason.
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

  private static final String USAGE =
      String.join(
          "\n",
          "Usage: java -jar vss-testkit-runner.jar --url URL [--auth signature|jwt|none]",
          "           [--jwt-private-key PEM_FILE | --jwt-token TOKEN] [--limits LIMITS]",
          "           [--only GROUPS]",
          "  --url URL      the server's API base, such as http://127.0.0.1:8080/vss",
          "  --auth MODE    signature (default): one generated secp256k1 key per user token;",
          "                 jwt: Authorization: Bearer <jwt>, with --jwt-private-key or --jwt-token;",
          "                 none: no Authorization header (one user: isolation checks are skipped)",
          "  --jwt-private-key PEM_FILE  the token issuer's RSA private key (PKCS#8,",
          "                 BEGIN PRIVATE KEY): one RS256 token is minted per user token",
          "                 (sub = the user), so every check runs",
          "  --jwt-token TOKEN  one JWT the server accepts: one user, as with --auth none",
          "  --limits LIMITS  the server's limits where they differ from SPEC section 6,",
          "                 comma-separated:",
          "                 items=N (per put, 1000), key-length=N (600), store-id-length=N (120),",
          "                 value-bytes=N (67108864), page-size=N (default 100), max-page-size=N (100)",
          "  --only GROUPS  comma-separated subset of: " + String.join(",", GROUPS.keySet()));

  /** The property reads back the reserved key {@code global_version} (14 characters). */
  private static final int PROPERTY_MIN_KEY_LENGTH = 14;

  /** The consistency workloads' multi-item puts and one-page listings. */
  private static final int CONSISTENCY_MIN_ITEMS_AND_PAGE = 10;

  private ConformanceRunner() {}

  /** Runs the checks and exits with 0 (all passed or skipped), 1 (a failure) or 2 (usage). */
  public static void main(String[] args) {
    System.exit(run(args, System.out));
  }

  /** Runs the checks, printing the report to {@code out}; answers the exit status. */
  public static int run(String[] args, PrintStream out) {
    String url = null;
    String auth = "signature";
    String jwtKeyFile = null;
    String jwtToken = null;
    Limits limits = Limits.DEFAULTS;
    List<String> groups = new ArrayList<>(GROUPS.keySet());
    Map<String, String> skippedGroups = new LinkedHashMap<>();
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--url" -> url = args[++i];
          case "--auth" -> auth = args[++i];
          case "--only" -> groups = List.of(args[++i].split(","));
          case "--jwt-private-key" -> jwtKeyFile = args[++i];
          case "--jwt-token" -> jwtToken = args[++i];
          case "--limits" -> limits = parseLimits(args[++i]);
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
        throw new IllegalArgumentException("--auth must be signature, jwt or none, not " + auth);
      }
      JwtCredentials jwt = null;
      if (mode == WireTarget.Auth.JWT) {
        if ((jwtKeyFile == null) == (jwtToken == null)) {
          throw new IllegalArgumentException(
              "--auth jwt needs exactly one of --jwt-private-key PEM_FILE and --jwt-token TOKEN");
        }
        jwt =
            jwtToken != null
                ? JwtCredentials.fixedToken(jwtToken)
                : JwtCredentials.mintingWithPem(readFile(jwtKeyFile));
      } else if (jwtKeyFile != null || jwtToken != null) {
        throw new IllegalArgumentException("--jwt-private-key and --jwt-token need --auth jwt");
      }
      for (String group : groups) {
        if (!GROUPS.containsKey(group.toLowerCase(Locale.ROOT))) {
          throw new IllegalArgumentException("unknown group " + group);
        }
      }
      WireTarget.use(new WireTarget(URI.create(url), mode, limits, jwt));
      if (limits.maxKeyLength() < PROPERTY_MIN_KEY_LENGTH) {
        skippedGroups.put(
            "property",
            "the model property reads back the reserved key "
                + "global_version (14 characters), above the key-length limit "
                + limits.maxKeyLength());
      }
      if (limits.maxItemsPerPut() < CONSISTENCY_MIN_ITEMS_AND_PAGE
          || limits.maxPageSize() < CONSISTENCY_MIN_ITEMS_AND_PAGE) {
        skippedGroups.put(
            "consistency",
            "the consistency workloads need 10 items per put and "
                + "pages of 10; the limits allow "
                + limits.maxItemsPerPut()
                + " items and pages of "
                + limits.maxPageSize());
      }
    } catch (ArrayIndexOutOfBoundsException | IllegalArgumentException e) {
      out.println(
          "vss-testkit: "
              + (e instanceof ArrayIndexOutOfBoundsException
                  ? "an option is missing its value"
                  : e.getMessage()));
      out.println(USAGE);
      return 2;
    }

    out.println(
        "VSS conformance run against "
            + WireTarget.current().endpoint()
            + (limits.equals(Limits.DEFAULTS) ? "" : " with limits " + describe(limits)));
    ReportListener report = new ReportListener(out);
    List<String> toRun = new ArrayList<>();
    for (String group : groups) {
      String name = group.toLowerCase(Locale.ROOT);
      if (skippedGroups.containsKey(name)) {
        report.skipGroup(GROUPS.get(name).getSimpleName(), skippedGroups.get(name));
      } else {
        toRun.add(name);
      }
    }
    List<ClassSelector> selectors =
        toRun.stream().map(group -> selectClass(GROUPS.get(group))).toList();
    // jqwik keeps failed seeds in a file; this run's goes to a directory of its own.
    Path scratch;
    try {
      scratch = Files.createTempDirectory("vss-testkit-runner");
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a temporary directory", e);
    }
    Path jqwikDatabase = scratch.resolve("jqwik-database");
    LauncherDiscoveryRequest request =
        LauncherDiscoveryRequestBuilder.request()
            .selectors(selectors)
            .configurationParameter("jqwik.database", jqwikDatabase.toString())
            .configurationParameter("jqwik.reporting.onlyfailures", "true")
            .build();
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

  /**
   * The limits {@code text} describes: comma-separated {@code name=value} pairs over the SPEC
   * section 6 defaults, names {@code items}, {@code key-length}, {@code store-id-length}, {@code
   * value-bytes}, {@code page-size} (the default page size) and {@code max-page-size}. A {@code
   * page-size} above 100 without {@code max-page-size} raises the maximum with it.
   *
   * @throws IllegalArgumentException naming the bad pair
   */
  static Limits parseLimits(String text) {
    Limits limits = Limits.DEFAULTS;
    Integer pageSize = null;
    Integer maxPageSize = null;
    for (String pair : text.split(",")) {
      String[] parts = pair.trim().split("=", 2);
      if (parts.length != 2) {
        throw new IllegalArgumentException("--limits: expected name=value, not \"" + pair + "\"");
      }
      String name = parts[0].trim();
      int value;
      try {
        value = Integer.parseInt(parts[1].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--limits: " + name + " is not a whole number: " + parts[1].trim());
      }
      if (value <= 0) {
        throw new IllegalArgumentException("--limits: " + name + " must be positive");
      }
      switch (name) {
        case "items" -> limits = limits.withMaxItemsPerPut(value);
        case "key-length" -> limits = limits.withMaxKeyLength(value);
        case "store-id-length" -> limits = limits.withMaxStoreIdLength(value);
        case "value-bytes" -> limits = limits.withMaxValueBytes(value);
        case "page-size" -> pageSize = value;
        case "max-page-size" -> maxPageSize = value;
        default ->
            throw new IllegalArgumentException(
                "--limits: unknown limit "
                    + name
                    + " (items, key-length, store-id-length, value-bytes, page-size, max-page-size)");
      }
    }
    int max =
        maxPageSize != null
            ? maxPageSize
            : Math.max(limits.maxPageSize(), pageSize == null ? 0 : pageSize);
    int defaultSize = pageSize != null ? pageSize : Math.min(limits.defaultPageSize(), max);
    if (pageSize != null || maxPageSize != null) {
      if (defaultSize > max) {
        throw new IllegalArgumentException(
            "--limits: page-size " + defaultSize + " is above max-page-size " + max);
      }
      if (max > Limits.PAGE_SIZE_CEILING) {
        throw new IllegalArgumentException(
            "--limits: max-page-size above " + Limits.PAGE_SIZE_CEILING);
      }
      limits = limits.withPageSizes(defaultSize, max);
    }
    return limits;
  }

  /** The limits as {@code --limits} spells them. */
  static String describe(Limits limits) {
    return "items="
        + limits.maxItemsPerPut()
        + ",key-length="
        + limits.maxKeyLength()
        + ",store-id-length="
        + limits.maxStoreIdLength()
        + ",value-bytes="
        + limits.maxValueBytes()
        + ",page-size="
        + limits.defaultPageSize()
        + ",max-page-size="
        + limits.maxPageSize();
  }

  private static String readFile(String file) {
    try {
      return Files.readString(Path.of(file));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    }
  }
}
