package dev.vss.server.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vss.store.postgres.PostgresOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The reference server's PostgreSQL settings ({@code VSS_PSQL_*}, {@code [postgresql_config]}) and
 * {@code --postgres-url} select and configure the postgres store; given any of them, the server
 * never starts on another store.
 */
class PostgresConfigTest {
  private static final String PEM =
      "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

  @TempDir Path dir;

  private static ServerConfig load(Map<String, String> env, String... args) {
    return ServerConfigLoader.load(List.of(args), env);
  }

  private static PostgresOptions postgres(ServerConfig config) {
    assertThat(config.store()).isEqualTo(StoreKind.POSTGRES);
    return config.postgres().orElseThrow();
  }

  @Test
  void theReferenceEnvironmentSelectsPostgresWithItsValues() {
    PostgresOptions options =
        postgres(
            load(
                Map.of(
                    "VSS_PSQL_USERNAME",
                    "vssuser",
                    "VSS_PSQL_PASSWORD",
                    "secret",
                    "VSS_PSQL_ADDRESS",
                    "db.internal:6432",
                    "VSS_PSQL_DEFAULT_DB",
                    "template",
                    "VSS_PSQL_VSS_DB",
                    "wallets")));

    assertThat(options.user()).isEqualTo("vssuser");
    assertThat(options.address()).isEqualTo("db.internal:6432");
    assertThat(options.defaultDatabase()).isEqualTo("template");
    assertThat(options.vssDatabase()).isEqualTo("wallets");
    assertThat(options.connectionProperties()).doesNotContainKey("sslmode");
    assertThat(options.toString()).doesNotContain("secret");
  }

  @Test
  void oneReferenceVariableSelectsPostgresWithTheReferenceDefaults() {
    ServerConfig config = load(Map.of("VSS_PSQL_VSS_DB", "vss2"));
    PostgresOptions options = postgres(config);

    assertThat(options.user()).isEqualTo("postgres");
    assertThat(options.address()).isEqualTo("127.0.0.1:5432");
    assertThat(options.defaultDatabase()).isEqualTo("postgres");
    assertThat(options.vssDatabase()).isEqualTo("vss2");
    assertThat(config.sourceOf(Setting.STORE)).isEqualTo("default");
  }

  @Test
  void storePostgresAloneUsesTheReferenceDefaults() {
    PostgresOptions options = postgres(load(Map.of(), "--store", "postgres"));

    assertThat(options.address()).isEqualTo("127.0.0.1:5432");
    assertThat(options.vssDatabase()).isEqualTo("vss");
  }

  @Test
  void postgresSettingsWithAnotherStoreAreRefused() {
    assertThatThrownBy(
            () -> load(Map.of("VSS_PSQL_ADDRESS", "127.0.0.1:5432"), "--store", "sqlite"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("VSS_PSQL_ADDRESS")
        .hasMessageContaining("--store");
    assertThatThrownBy(() -> load(Map.of("VSS_STORE", "rocksdb", "VSS_PSQL_TLS", "1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("VSS_PSQL_TLS");
  }

  /** The pool size a setting configures. */
  private static int pool(PostgresOptions options, Setting setting) {
    switch (setting) {
      case POSTGRES_WRITER_CONNECTIONS:
        return options.writerConnections();
      case POSTGRES_READ_CONNECTIONS:
        return options.readConnections();
      case POSTGRES_GET_CONNECTIONS:
        return options.getConnections();
      default:
        throw new IllegalArgumentException(setting.name());
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Setting.class,
      names = {
        "POSTGRES_WRITER_CONNECTIONS",
        "POSTGRES_READ_CONNECTIONS",
        "POSTGRES_GET_CONNECTIONS"
      })
  void poolSizesComeFromFlagsThenEnvironmentThenFileThenTheStoreDefaults(Setting setting)
      throws IOException {
    Path file = dir.resolve("pools.toml");
    Files.writeString(file, "[postgresql_config]\n" + setting.key() + " = 5\n");
    Map<String, String> env = Map.of(setting.env(), "6");

    ServerConfig all =
        load(env, "--config", file.toString(), "--store", "postgres", setting.flag(), "7");
    assertThat(pool(postgres(all), setting)).isEqualTo(7);
    assertThat(all.sourceOf(setting)).isEqualTo(setting.flag());
    assertThat(
            pool(postgres(load(env, "--config", file.toString(), "--store", "postgres")), setting))
        .isEqualTo(6);
    ServerConfig fileOnly = load(Map.of(), "--config", file.toString(), "--store", "postgres");
    assertThat(pool(postgres(fileOnly), setting)).isEqualTo(5);
    assertThat(fileOnly.sourceOf(setting))
        .isEqualTo("postgresql_config." + setting.key() + " in " + file);
    assertThat(pool(postgres(load(Map.of(), "--store", "postgres")), setting))
        .isEqualTo(pool(PostgresOptions.referenceDefaults(), setting))
        .isEqualTo(Integer.parseInt(setting.defaultValue()));
  }

  @Test
  void poolSizesApplyToAJdbcUrlAndSelectNothing() {
    PostgresOptions options =
        postgres(
            load(
                Map.of("VSS_POSTGRES_READ_CONNECTIONS", "3"),
                "--postgres-url",
                "jdbc:postgresql://10.1.2.3:5433/vssdb",
                "--postgres-writer-connections",
                "4"));
    assertThat(options.readConnections()).isEqualTo(3);
    assertThat(options.writerConnections()).isEqualTo(4);
    assertThat(options.getConnections()).isEqualTo(PostgresOptions.DEFAULT_GET_CONNECTIONS);

    ServerConfig sqlite = load(Map.of(), "--postgres-get-connections", "3");
    assertThat(sqlite.store()).isEqualTo(StoreKind.SQLITE);
    assertThat(sqlite.postgres()).isEmpty();
    assertThat(sqlite.warnings())
        .containsExactly(
            "a PostgreSQL pool size is configured"
                + " (--postgres-get-connections) but the store is sqlite; it is not used");
  }

  @Test
  void badPoolSizesAreOneLineErrors() {
    assertThatThrownBy(
            () -> load(Map.of(), "--store", "postgres", "--postgres-writer-connections", "0"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid --postgres-writer-connections \"0\": must be between 1 and 1000");
    assertThatThrownBy(
            () -> load(Map.of("VSS_POSTGRES_READ_CONNECTIONS", "many"), "--store", "postgres"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid VSS_POSTGRES_READ_CONNECTIONS \"many\": not a whole number");
  }

  @Test
  void aJdbcUrlConfiguresEverything() {
    PostgresOptions options =
        postgres(
            load(
                Map.of(),
                "--postgres-url",
                "jdbc:postgresql://10.1.2.3:5433/vssdb?user=alice&password=pw&sslmode=require"));

    assertThat(options.address()).isEqualTo("10.1.2.3:5433");
    assertThat(options.vssDatabase()).isEqualTo("vssdb");
    assertThat(options.user()).isEqualTo("alice");
    assertThat(options.connectionProperties()).containsEntry("sslmode", "require");
  }

  @Test
  void aJdbcUrlAndReferenceSettingsTogetherAreRefused() {
    assertThatThrownBy(
            () ->
                load(
                    Map.of("VSS_PSQL_VSS_DB", "vss"),
                    "--postgres-url",
                    "jdbc:postgresql://127.0.0.1:5432/vss"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not both");
  }

  @Test
  void badValuesNameTheirSource() {
    assertThatThrownBy(() -> load(Map.of(), "--postgres-url", "jdbc:mysql://x/y"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--postgres-url");
    assertThatThrownBy(() -> load(Map.of("VSS_PSQL_ADDRESS", "nohostport")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("VSS_PSQL_ADDRESS");
  }

  @Test
  void tlsFromTheEnvironmentAsTheReference() {
    PostgresOptions plainTls = postgres(load(Map.of("VSS_PSQL_TLS", "")));
    assertThat(plainTls.connectionProperties()).containsEntry("sslmode", "verify-full");
    assertThat(plainTls.extraRootCertificatePem()).isEmpty();

    PostgresOptions withRoot = postgres(load(Map.of("VSS_PSQL_CRT_PEM", PEM)));
    assertThat(withRoot.connectionProperties()).containsEntry("sslmode", "verify-full");
    assertThat(withRoot.extraRootCertificatePem()).contains(PEM);
  }

  @Test
  void theReferenceConfigFileWithItsTlsTable() throws IOException {
    Path file = dir.resolve("vss-server-config.toml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "[postgresql_config]",
            "username = \"u\"",
            "password = \"p\"",
            "address = \"127.0.0.1:5999\"",
            "default_database = \"postgres\"",
            "vss_database = \"vss\"",
            "",
            "[postgresql_config.tls]",
            "crt_pem = \"\"\"",
            PEM + "\"\"\"",
            ""));

    ServerConfig config = load(Map.of(), "--config", file.toString());
    PostgresOptions options = postgres(config);

    assertThat(options.user()).isEqualTo("u");
    assertThat(options.address()).isEqualTo("127.0.0.1:5999");
    assertThat(options.connectionProperties()).containsEntry("sslmode", "verify-full");
    assertThat(options.extraRootCertificatePem()).contains(PEM);
    assertThat(config.warnings()).noneMatch(w -> w.contains("postgresql_config"));
  }
}
