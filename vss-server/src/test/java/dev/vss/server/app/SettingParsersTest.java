package dev.vss.server.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The parsers of the settings table: a bad value of each kind is refused the same way from every
 * source, with one line that names the setting as it was written there.
 */
class SettingParsersTest {
  @TempDir Path dir;

  /** A representative bad value of each kind of setting, and the reason it is refused. */
  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of(Setting.WORKER_THREADS, "0", "must be between 1 and 4096"),
        Arguments.of(
            Setting.MAX_BODY_BYTES, "4294967296", "must be between 1 and 2147483639 bytes"),
        Arguments.of(Setting.MAX_ITEMS_PER_PUT, "x", "not a whole number"),
        Arguments.of(Setting.BODY_READ_TIMEOUT, "3601", "must be between 1 and 3600 seconds"),
        Arguments.of(
            Setting.QUOTA_MAX_BYTES_PER_USER, "-1", "must be 0 (off) or a positive number"),
        Arguments.of(Setting.BIND, "nope", "expected HOST:PORT, such as 127.0.0.1:8080"),
        Arguments.of(Setting.BIND, "127.0.0.1:65536", "the port must be between 0 and 65535"),
        Arguments.of(Setting.STORE, "nosuch", "expected one of memory|sqlite|rocksdb|postgres"),
        Arguments.of(Setting.AUTH, "password", "expected one of signature|jwt|none"),
        Arguments.of(Setting.ACCESS_LOG, "maybe", "expected on or off"),
        Arguments.of(Setting.LOG_FORMAT, "xml", "expected text or json"),
        Arguments.of(
            Setting.PSQL_ADDRESS, "::1:5432", "an IPv6 address needs brackets, such as [::1]:8080"),
        Arguments.of(
            Setting.SIGNATURE_MAX_SKEW, "0", "must be between 1 and 86400 seconds (24 hours)"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("badValues")
  void aBadValueIsRefusedFromTheFlagNamingTheFlag(Setting setting, String bad, String reason) {
    assertThatThrownBy(() -> load(Map.of(), setting.flag(), bad))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid " + setting.flag() + " \"" + bad + "\": " + reason);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("badValues")
  void aBadValueIsRefusedFromTheEnvironmentNamingTheVariable(
      Setting setting, String bad, String reason) {
    assertThatThrownBy(() -> load(Map.of(setting.env(), bad)))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid " + setting.env() + " \"" + bad + "\": " + reason);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("badValues")
  void aBadValueIsRefusedFromTheFileNamingTheKeyAndFile(Setting setting, String bad, String reason)
      throws IOException {
    // Whole numbers are TOML integers in the file (where they are integers at all).
    boolean integer = setting.type() == Setting.Type.INTEGER && bad.matches("-?[0-9]+");
    String value = integer ? bad : "\"" + bad + "\"";
    Path file = dir.resolve("vss.toml");
    Files.writeString(file, "[" + setting.table() + "]\n" + setting.key() + " = " + value + "\n");
    if (setting.type() == Setting.Type.INTEGER && !integer) {
      // A TOML string where an integer belongs is refused for its type, before any parser.
      assertThatThrownBy(() -> load(Map.of(), "--config", file.toString()))
          .isInstanceOf(ConfigException.class)
          .hasMessage(
              setting.table() + "." + setting.key() + " in " + file + " must be an integer");
      return;
    }
    assertThatThrownBy(() -> load(Map.of(), "--config", file.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "invalid "
                + setting.table()
                + "."
                + setting.key()
                + " in "
                + file
                + " \""
                + bad
                + "\": "
                + reason);
  }

  /** Each table default goes through the setting's own parser, as the loader reads it. */
  @ParameterizedTest
  @EnumSource(Setting.class)
  void everyDefaultInTheTableParses(Setting setting) {
    if (setting.defaultValue() != null) {
      assertThat(setting.parse(setting.defaultValue(), "default", Object.class)).isNotNull();
    }
  }

  /** A parser's type and its reader's disagreeing is a bug, not a user's bad setting. */
  @Test
  void readingASettingAsTheWrongTypeIsABug() {
    assertThatThrownBy(() -> Setting.WORKER_THREADS.parse("4", "--worker-threads", String.class))
        .isInstanceOf(IllegalStateException.class);
  }

  /** The rate limits' own check (a limit that is on needs a burst), reported as one line. */
  @Test
  void aRateLimitWithoutABurstIsRefusedByRateLimitsNamingTheSettings() {
    assertThatThrownBy(
            () -> load(Map.of(), "--rate-limit-requests", "5", "--rate-limit-requests-burst", "0"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "invalid rate limits: --rate-limit-requests-burst 0 must be at least 1 when"
                + " --rate-limit-requests is 5");
    assertThatThrownBy(
            () ->
                load(
                    Map.of("VSS_RATE_LIMIT_REQUESTS_BURST", "0"),
                    "--config",
                    toml("[server_config]\nrate_limit_requests_per_second = 2\n").toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "invalid rate limits: VSS_RATE_LIMIT_REQUESTS_BURST 0 must be at least 1 when"
                + " server_config.rate_limit_requests_per_second in "
                + dir.resolve("vss.toml")
                + " is 2");
  }

  @Test
  void hostPortTakesBracketedIpv6AndPrintsItBack() {
    assertThat(HostPort.parse(" [::1]:0 ")).isEqualTo(new HostPort("::1", 0));
    assertThat(HostPort.parse("[::1]:8080").toString()).isEqualTo("[::1]:8080");
    assertThat(HostPort.parse("db.example:5432").toString()).isEqualTo("db.example:5432");
    for (String bad : List.of("", ":80", "host", "host:", "host:x", "a b:1", "[::1:80")) {
      assertThatThrownBy(() -> HostPort.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  private Path toml(String text) throws IOException {
    Path file = dir.resolve("vss.toml");
    Files.writeString(file, text);
    return file;
  }

  private static ServerConfig load(Map<String, String> env, String... args) {
    return ServerConfigLoader.load(List.of(args), env);
  }
}
