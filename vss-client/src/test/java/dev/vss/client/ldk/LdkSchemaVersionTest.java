package dev.vss.client.ldk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** LDK's {@code impl_writeable_tlv_based_enum!} encoding of {@code VssSchemaVersion}. */
class LdkSchemaVersionTest {
  @Test
  void encodesTheVariantByteAndAnEmptyTlvStream() {
    assertThat(LdkSchemaVersion.V0.encode()).containsExactly(0, 0);
    assertThat(LdkSchemaVersion.V1.encode()).containsExactly(1, 0);
  }

  @ParameterizedTest
  @CsvSource({
    "0000, V0",
    "0100, V1",
    // bytes after the stream are not read, as in LDK
    "0100ff, V1",
    // an unknown odd TLV record is skipped
    "0103010100, V1",
    "01050100030102, V1",
  })
  void decodesWhatLdkReads(String hex, LdkSchemaVersion expected) {
    assertThat(LdkSchemaVersion.decode(HexFormat.of().parseHex(hex))).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", // nothing
        "02", // unknown variant
        "0200", // unknown variant (a newer LDK Node)
        "01", // no stream length
        "0101", // stream longer than the bytes
        "01020200", // unknown even (required) record
        "0103010200", // record longer than the stream
        "0106010003000000", // types not increasing: 1 then 3 then 0 (dup) -> refused
        "01fd0001", // BigSize not minimally encoded
      })
  void refusesWhatLdkRefuses(String hex) {
    assertThatThrownBy(() -> LdkSchemaVersion.decode(HexFormat.of().parseHex(hex)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
