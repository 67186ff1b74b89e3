package dev.vss.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.auth.NoAuthorizer;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.server.VssServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The deployment files checked as far as this machine allows (it has no Docker daemon): the {@code
 * Dockerfile} and the systemd unit must name the jar the build makes, a non-root user, the data
 * directory as a volume or writable path, the server's port and health path, and settings the
 * server accepts (run through the server's own configuration loader). The unit also passes {@code
 * systemd-analyze verify} without a complaint where systemd is installed.
 */
class PackagingTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String JAR_IN_IMAGE = "/opt/vss/vss-server.jar";

  /** The shaded jar this module's pom makes (its outputFile). */
  private static final String BUILT_JAR = "vss-server/target/vss-server.jar";

  /** One Dockerfile instruction: keyword and its arguments, continuation lines joined. */
  private record Instruction(String keyword, String args) {}

  private static List<Instruction> dockerfile() throws IOException {
    List<Instruction> instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(ROOT.resolve("Dockerfile"), StandardCharsets.UTF_8)) {
      String trimmed = line.strip();
      if (current.length() == 0 && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      current.append(trimmed);
      String text = current.toString();
      int space = text.indexOf(' ');
      instructions.add(
          new Instruction(
              text.substring(0, space).toUpperCase(), text.substring(space + 1).strip()));
      current.setLength(0);
    }
    return instructions;
  }

  private static List<Instruction> all(List<Instruction> instructions, String keyword) {
    return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
  }

  private static String only(List<Instruction> instructions, String keyword) {
    List<Instruction> found = all(instructions, keyword);
    assertThat(found).as(keyword).hasSize(1);
    return found.get(0).args();
  }

  /** The strings of a JSON-array (exec form) argument, such as {@code ["java", "-jar"]}. */
  private static List<String> execForm(String args) {
    assertThat(args).as("exec form").startsWith("[").endsWith("]");
    List<String> out = new ArrayList<>();
    Matcher matcher = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(args);
    while (matcher.find()) {
      out.add(matcher.group(1));
    }
    return out;
  }

  /** {@code KEY=value KEY2=value2} of an ENV instruction. */
  private static Map<String, String> env(List<Instruction> instructions) {
    Map<String, String> env = new LinkedHashMap<>();
    for (Instruction instruction : all(instructions, "ENV")) {
      for (String pair : instruction.args().split("\\s+")) {
        int eq = pair.indexOf('=');
        env.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    return env;
  }

  @Test
  void theDockerfileBuildsTheJarAndRunsItAsANonRootUserWithAVolumeAndHealthCheck()
      throws IOException {
    List<Instruction> docker = dockerfile();
    List<Instruction> froms = all(docker, "FROM");
    assertThat(froms)
        .extracting(Instruction::args)
        .containsExactly("maven:3-eclipse-temurin-17 AS build", "eclipse-temurin:17-jre");
    // The build stage copies the jar the module's pom makes; the run stage takes it from there.
    String build = all(docker, "RUN").get(0).args();
    assertThat(build).contains("mvn ").contains(" package").contains(BUILT_JAR);
    List<Instruction> runStage = docker.subList(docker.indexOf(froms.get(1)), docker.size());
    assertThat(only(runStage, "COPY")).startsWith("--from=build ").endsWith(" " + JAR_IN_IMAGE);

    String user = only(runStage, "USER");
    assertThat(user.split(":")[0]).isNotIn("root", "0").matches("[1-9][0-9]*");
    assertThat(all(runStage, "RUN").get(0).args())
        .contains("useradd --system --uid " + user.split(":")[0]);

    Map<String, String> env = env(runStage);
    List<String> entrypoint = execForm(only(runStage, "ENTRYPOINT"));
    assertThat(entrypoint).startsWith("java").endsWith("-jar", JAR_IN_IMAGE);
    List<String> args = execForm(only(runStage, "CMD"));
    // The server accepts the image's settings, and they put the store in the volume and the
    // listener on the exposed port, on every interface.
    ServerConfig config = ServerConfigLoader.load(args, env);
    assertThat(execForm(only(runStage, "VOLUME"))).containsExactly(config.dataDir().toString());
    assertThat(only(runStage, "EXPOSE")).isEqualTo(Integer.toString(config.bindPort()));
    assertThat(config.bindHost()).isEqualTo("0.0.0.0");
    assertThat(config.bindPort()).isEqualTo(HostPort.parse(ServerConfigLoader.DEFAULT_BIND).port());
    assertThat(config.store()).isEqualTo(StoreKind.SQLITE);

    // The health check runs this module's HealthCheck from the jar, on the configured port.
    String health = only(runStage, "HEALTHCHECK");
    List<String> check = execForm(health.substring(health.indexOf("CMD ") + 4));
    assertThat(check)
        .startsWith("java")
        .containsSequence("-cp", JAR_IN_IMAGE)
        .endsWith(HealthCheck.class.getName());
    assertThat(HealthCheck.defaultUri(env).toString())
        .isEqualTo("http://127.0.0.1:" + config.bindPort() + "/health");
    assertThat(only(runStage, "STOPSIGNAL")).isEqualTo("SIGTERM");

    assertThat(Files.readString(ROOT.resolve(".dockerignore"))).contains("**/target", ".git");
  }

  @Test
  void theHealthCheckPassesOnlyForAHealthyServer() {
    try (InMemoryStorage storage = new InMemoryStorage()) {
      VssServer server =
          VssServer.builder(new VssService(storage, Limits.DEFAULTS))
              .authorizer(new NoAuthorizer())
              .bind("127.0.0.1", 0)
              .start();
      try {
        int port = server.address().getPort();
        assertThat(HealthCheck.check(List.of(), Map.of("VSS_BIND_ADDRESS", "0.0.0.0:" + port)))
            .isZero();
        assertThat(HealthCheck.check(List.of(server.rootUri() + "/health"), Map.of())).isZero();
        assertThat(HealthCheck.check(List.of(server.rootUri() + "/no-such-path"), Map.of()))
            .isEqualTo(1);
      } finally {
        server.stop();
      }
      assertThat(HealthCheck.check(List.of(server.rootUri() + "/health"), Map.of()))
          .as("nobody listening")
          .isEqualTo(1);
      assertThat(HealthCheck.check(List.of(), Map.of("VSS_BIND_ADDRESS", "nonsense"))).isEqualTo(2);
    }
  }

  /** The unit's [Service] settings, a key given more than once keeping every value. */
  private static Map<String, List<String>> unitService() throws IOException {
    Map<String, List<String>> service = new LinkedHashMap<>();
    String section = "";
    for (String line : Files.readAllLines(ROOT.resolve("packaging/vss-server.service"))) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      if (trimmed.startsWith("[")) {
        section = trimmed;
        continue;
      }
      if (section.equals("[Service]")) {
        int eq = trimmed.indexOf('=');
        service
            .computeIfAbsent(trimmed.substring(0, eq), k -> new ArrayList<>())
            .add(trimmed.substring(eq + 1));
      }
    }
    return service;
  }

  @Test
  void theSystemdUnitIsHardenedAndRunsTheJarWithSettingsTheServerAccepts() throws Exception {
    Map<String, List<String>> service = unitService();
    assertThat(service.get("User")).singleElement().isNotIn("root", "0");
    for (String hardening :
        List.of(
            "NoNewPrivileges=yes",
            "ProtectSystem=strict",
            "PrivateTmp=yes",
            "ProtectHome=yes",
            "PrivateDevices=yes",
            "RestrictSUIDSGID=yes",
            "CapabilityBoundingSet=",
            "SystemCallArchitectures=native")) {
      int eq = hardening.indexOf('=');
      assertThat(service.get(hardening.substring(0, eq)))
          .as(hardening)
          .containsExactly(hardening.substring(eq + 1));
    }
    // The JIT needs writable executable memory: this one would stop the JVM.
    assertThat(service).doesNotContainKey("MemoryDenyWriteExecute");

    List<String> exec = List.of(service.get("ExecStart").get(0).split("\\s+"));
    assertThat(exec.get(0)).isEqualTo("/usr/bin/java");
    assertThat(exec).containsSequence("-jar", JAR_IN_IMAGE);
    List<String> args = exec.subList(exec.indexOf(JAR_IN_IMAGE) + 1, exec.size());
    ServerConfig config = ServerConfigLoader.load(args, Map.of());
    // The store is where the unit lets it write, in the state directory systemd creates.
    String dataDir = config.dataDir().toString();
    assertThat(List.of(service.get("ReadWritePaths").get(0).split("\\s+"))).contains(dataDir);
    assertThat(dataDir).isEqualTo("/var/lib/" + service.get("StateDirectory").get(0));
    assertThat(service.get("SuccessExitStatus")).containsExactly("143");
    assertThat(service.get("KillSignal")).containsExactly("SIGTERM");
  }

  /** {@code systemd-analyze verify} has no complaint (it prints one line per problem). */
  @Test
  void systemdAnalyzeVerifiesTheUnit() throws Exception {
    Path analyze = Path.of("/usr/bin/systemd-analyze");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.isExecutable(analyze), "systemd-analyze is not installed");
    Process process =
        new ProcessBuilder(
                analyze.toString(),
                "verify",
                ROOT.resolve("packaging/vss-server.service").toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output.lines().filter(line -> !line.isBlank())).as(output).isEmpty();
  }
}
