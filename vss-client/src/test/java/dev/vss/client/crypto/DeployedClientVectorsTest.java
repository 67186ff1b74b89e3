package dev.vss.client.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vss.client.crypto.DeployedClientVectors.Row;
import dev.vss.proto.PlaintextBlob;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row made by the deployed Rust client ({@code vss-client-ng} 0.6.0) opens to its plaintext
 * and version, and every key obfuscates to the same string.
 */
class DeployedClientVectorsTest {
  static Stream<Row> rows() {
    return DeployedClientVectors.rows().stream();
  }

  @Test
  void theFileHasEveryModeAndAllItsRows() {
    List<Row> rows = DeployedClientVectors.rows();
    assertThat(rows).hasSize(6);
    assertThat(rows).extracting(Row::mode).contains("storage_key", "caller_key", "empty");
  }

  @ParameterizedTest
  @MethodSource("rows")
  void everyRowOpensToItsPlaintextAndVersion(Row row) {
    PlaintextBlob blob = new StorableCipher(row.dataKey()).open(row.storable(), row.aad());

    assertThat(blob.getValue().toByteArray()).isEqualTo(row.plaintext());
    assertThat(blob.getVersion()).isEqualTo(row.version());
  }

  @ParameterizedTest
  @MethodSource("rows")
  void everyKeyObfuscatesToTheSameStringAndBack(Row row) {
    KeyObfuscator obfuscator = new KeyObfuscator(row.obfuscationMasterKey());

    assertThat(obfuscator.obfuscate(row.callerKey())).isEqualTo(row.obfuscatedKey());
    assertThat(obfuscator.deobfuscate(row.obfuscatedKey())).isEqualTo(row.callerKey());
  }

  /** The AAD matters: each row opens with its own mode's AAD only. */
  @ParameterizedTest
  @MethodSource("rows")
  void noRowOpensWithAnotherModesAad(Row row) {
    List<byte[]> others =
        Stream.of(
                new byte[0],
                row.callerKey().getBytes(StandardCharsets.UTF_8),
                row.obfuscatedKey().getBytes(StandardCharsets.UTF_8))
            .filter(aad -> !Arrays.equals(aad, row.aad()))
            .toList();
    assertThat(others).hasSize(2);
    for (byte[] aad : others) {
      assertThatThrownBy(() -> new StorableCipher(row.dataKey()).open(row.storable(), aad))
          .isInstanceOf(DecryptionException.class);
    }
  }

  /** What this client seals opens under the same AAD, as the Rust client's output does. */
  @ParameterizedTest
  @MethodSource("rows")
  void ourSealOfTheSamePlaintextRoundTripsUnderTheRowsAad(Row row) {
    StorableCipher cipher = new StorableCipher(row.dataKey());
    byte[] sealed = cipher.seal(row.plaintext(), row.version(), row.aad()).toByteArray();

    PlaintextBlob blob = cipher.open(sealed, row.aad());
    assertThat(blob.getValue().toByteArray()).isEqualTo(row.plaintext());
    assertThat(blob.getVersion()).isEqualTo(row.version());
  }
}
