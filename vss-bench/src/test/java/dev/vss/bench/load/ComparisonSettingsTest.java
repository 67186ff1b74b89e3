package dev.vss.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ComparisonSettingsTest {
  @Test
  void defaultsAreTheIssuesLoadShape() {
    ComparisonSettings settings = ComparisonSettings.parse(new String[0]);
    assertThat(settings.stores()).containsExactly("sqlite", "rocksdb", "postgres");
    assertThat(settings.connections()).isEqualTo(64);
    assertThat(settings.shape()).isEqualTo(new ComparisonWorkload.Shape(1000, 100, 100_000));
    assertThat(settings.scaleRecords()).isEqualTo(1_000_000);
    assertThat(settings.postgresUrl()).isNull();
    assertThat(settings.jar().toString()).endsWith("vss-server/target/vss-server.jar");
  }

  @Test
  void optionsOverrideTheDefaults() {
    ComparisonSettings settings =
        ComparisonSettings.parse(
            new String[] {
              "--stores",
              "postgres,sqlite",
              "--repeats",
              "3",
              "--scale-records",
              "0",
              "--postgres-url",
              "jdbc:postgresql://db:5432/x?user=u",
              "--keyspaces",
              "10"
            });
    assertThat(settings.stores()).containsExactly("postgres", "sqlite");
    assertThat(settings.repeats()).isEqualTo(3);
    assertThat(settings.scaleRecords()).isZero();
    assertThat(settings.postgresUrl()).isEqualTo("jdbc:postgresql://db:5432/x?user=u");
    assertThat(settings.shape().keyspaces()).isEqualTo(10);
  }

  @Test
  void badOptionsAreRejectedWithOneLine() {
    assertThatThrownBy(() -> ComparisonSettings.parse(new String[] {"--stores", "memory"}))
        .hasMessage("unknown store 'memory'; known: [sqlite, rocksdb, postgres]");
    assertThatThrownBy(() -> ComparisonSettings.parse(new String[] {"--seconds", "0"}))
        .hasMessage("--seconds must be at least 1");
    assertThatThrownBy(() -> ComparisonSettings.parse(new String[] {"--scale-records", "10"}))
        .hasMessage("--scale-records must be 0 or at least 1000");
    assertThatThrownBy(() -> ComparisonSettings.parse(new String[] {"--repeats"}))
        .hasMessage("missing value for --repeats");
    assertThatThrownBy(() -> ComparisonSettings.parse(new String[] {"--nope", "1"}))
        .hasMessage("unknown option --nope");
  }
}
