package dev.vss.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vss.server.HttpCalls;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator features of the packaged jar: {@code --version}, the log file reopened on SIGHUP (as
 * logrotate needs), JSON log lines, and one-line reasons when a store cannot open.
 */
class OperationsJarIT {
  private static final Pattern LISTENING = Pattern.compile("listening on (\\S+)");

  @TempDir Path dir;

  @Test
  void versionPrintsTheBuildVersionAndExits() throws Exception {
    try (ServerProcess server = ServerProcess.start(Map.of(), dir, "--version")) {
      assertThat(server.awaitExit()).isZero();
      assertThat(server.output().strip()).matches("vss-server \\d+\\.\\d+\\.\\d+\\S*");
    }
  }

  /**
   * logrotate's rename-and-signal. The JVM is started with SIGHUP at its default disposition
   * ({@code env --default-signal=HUP}) whatever this build inherited: a build started under {@code
   * nohup} passes SIGHUP ignored to its children, and then no handler can be installed (the case
   * below).
   */
  @Test
  void theLogFileIsReopenedOnSighupAfterARename() throws Exception {
    Path log = dir.resolve("vss.log");
    Path rotated = dir.resolve("vss.log.1");
    try (ServerProcess server =
        ServerProcess.start(
            List.of("env", "--default-signal=HUP"),
            ServerProcess.jar(),
            "256m",
            Map.of(),
            dir,
            "--store",
            "memory",
            "--auth",
            "none",
            "--bind",
            "127.0.0.1:0",
            "--log-file",
            "vss.log")) {
      Matcher listening = awaitInFile(log, LISTENING);
      assertThat(listening.group(0)).isNotNull();
      HttpCalls calls = new HttpCalls(URI.create(rootOf(listening.group(1))));
      calls.post("/vss/before-rotate", new byte[0], Map.of());
      awaitInFile(log, Pattern.compile("method=/vss/before-rotate status=404"));
      assertThat(server.output())
          .as("logs go to the file, not the console")
          .doesNotContain("listening on");

      // What logrotate does: rename, then signal.
      Files.move(log, rotated);
      Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(server.pid())).start();
      assertThat(hup.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(hup.exitValue()).isZero();
      awaitInFile(log, Pattern.compile("reopened the log file"));
      calls.post("/vss/after-rotate", new byte[0], Map.of());
      awaitInFile(log, Pattern.compile("method=/vss/after-rotate status=404 .* user=-"));

      String old = Files.readString(rotated, StandardCharsets.UTF_8);
      assertThat(old).contains("method=/vss/before-rotate").doesNotContain("after-rotate");
      assertThat(Files.readString(log, StandardCharsets.UTF_8)).doesNotContain("before-rotate");
      assertThat(server.output()).as("the JVM did not die of the signal").doesNotContain("Hangup");
    }
  }

  /** Under nohup SIGHUP is ignored and cannot be handled: the log says so instead of failing. */
  @Test
  void anIgnoredSighupIsReportedAtStartUp() throws Exception {
    Path log = dir.resolve("vss.log");
    try (ServerProcess server =
        ServerProcess.start(
            List.of("nohup"),
            ServerProcess.jar(),
            "256m",
            Map.of(),
            dir,
            "--store",
            "memory",
            "--auth",
            "none",
            "--bind",
            "127.0.0.1:0",
            "--log-file",
            "vss.log")) {
      awaitInFile(log, LISTENING);
      assertThat(
              awaitInFile(log, Pattern.compile("WARN .*SIGHUP is ignored by this process"))
                  .group(0))
          .isNotNull();
    }
  }

  @Test
  void jsonLinesAndNoAccessLogWhenOff() throws Exception {
    try (ServerProcess server =
        ServerProcess.start(
            Map.of("VSS_LOG_FORMAT", "json", "VSS_ACCESS_LOG", "off"),
            dir,
            "--store",
            "memory",
            "--auth",
            "none",
            "--bind",
            "127.0.0.1:0")) {
      // JSON escapes the slashes of the URI: listening on http:\/\/127.0.0.1:PORT\/vss
      Matcher port =
          server.awaitLine(Pattern.compile("listening on http:\\\\/\\\\/127\\.0\\.0\\.1:(\\d+)"));
      new HttpCalls(URI.create("http://127.0.0.1:" + port.group(1)))
          .post("/vss/nope", new byte[0], Map.of());
      String listeningLine =
          server.lines().stream().filter(l -> l.contains("listening on")).findFirst().orElseThrow();
      assertThat(listeningLine)
          .startsWith("{")
          .endsWith("}")
          .contains(
              "\"level\":\"INFO\"",
              "\"loggerName\":\"dev.vss.server.app.ServerLauncher\"",
              "\"formattedMessage\":\"vss-server ")
          .doesNotContain("listening on {}");
      server.terminate();
      server.awaitExit();
      assertThat(server.output()).doesNotContain("vss.access").doesNotContain("/vss/nope");
    }
  }

  @Test
  void aStoreThatCannotOpenSaysWhyInOneLine() throws Exception {
    Files.writeString(dir.resolve("a-file"), "x");
    for (String store : new String[] {"sqlite", "rocksdb"}) {
      try (ServerProcess server =
          ServerProcess.start(
              Map.of(),
              dir,
              "--store",
              store,
              "--data-dir",
              "a-file/data",
              "--auth",
              "none",
              "--bind",
              "127.0.0.1:0")) {
        assertThat(server.awaitExit()).isEqualTo(1);
        assertThat(lastLine(server))
            .startsWith("vss-server: cannot open the " + store + " store in ")
            .contains("a-file")
            .containsIgnoringCase("not a directory");
      }
    }
    // RocksDB: another process holds the database.
    try (ServerProcess first =
        ServerProcess.start(
            Map.of(),
            dir,
            "--store",
            "rocksdb",
            "--data-dir",
            "rocks",
            "--auth",
            "none",
            "--bind",
            "127.0.0.1:0")) {
      first.awaitListening();
      try (ServerProcess second =
          ServerProcess.start(
              Map.of(),
              dir,
              "--store",
              "rocksdb",
              "--data-dir",
              "rocks",
              "--auth",
              "none",
              "--bind",
              "127.0.0.1:0")) {
        assertThat(second.awaitExit()).isEqualTo(1);
        assertThat(lastLine(second))
            .startsWith("vss-server: cannot open the rocksdb store in ")
            .containsIgnoringCase("lock");
      }
    }
  }

  private static String lastLine(ServerProcess server) {
    var lines = server.lines();
    assertThat(lines).isNotEmpty();
    return lines.get(lines.size() - 1);
  }

  private static String rootOf(String api) {
    return api.substring(0, api.indexOf('/', "https://".length()));
  }

  /** Waits (bounded) until a line of {@code file} matches {@code pattern}. */
  private static Matcher awaitInFile(Path file, Pattern pattern) throws Exception {
    for (int i = 0; i < 600; i++) {
      if (Files.exists(file)) {
        for (String line : readLines(file)) {
          Matcher matcher = pattern.matcher(line);
          if (matcher.find()) {
            return matcher;
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "no line matching "
            + pattern
            + " in "
            + file
            + ":\n"
            + (Files.exists(file) ? Files.readString(file) : "(no file)"));
  }

  private static java.util.List<String> readLines(Path file) throws IOException {
    return Files.readAllLines(file, StandardCharsets.UTF_8);
  }
}
