package dev.vss.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The stored form of strings: unchanged unless they hold NUL or the escape character. */
class TextCodecTest {
  @Test
  void plainStringsAreStoredUnchanged() {
    for (String text :
        List.of("", "a", "global_version", "%_\\", "ключ", "\uD83D\uDE00", "\u0001")) {
      assertThat(TextCodec.encode(text)).isSameAs(text);
      assertThat(TextCodec.decode(text)).isSameAs(text);
    }
  }

  @Test
  void nulAndTheEscapeRoundTripWithoutNul() {
    for (String text : List.of("\0", "a\0b", "\uFDD0", "\uFDD00", "\0\uFDD0\0", "x\uFDD0\uFDD0")) {
      String stored = TextCodec.encode(text);
      assertThat(stored).doesNotContain("\0");
      assertThat(TextCodec.decode(stored)).isEqualTo(text);
    }
    assertThat(TextCodec.encode("a\0")).isEqualTo("a\uFDD00");
  }

  @Test
  void encodingKeepsPrefixesExact() {
    // "a\0" and "a\uFDD0" must not be prefixes of each other once stored
    assertThat(TextCodec.encode("a\uFDD00").startsWith(TextCodec.encode("a\0"))).isFalse();
    assertThat(TextCodec.encode("a\0b").startsWith(TextCodec.encode("a\0"))).isTrue();
    assertThat(TextCodec.encode("a\uFDD0").startsWith(TextCodec.encode("a\0"))).isFalse();
  }

  @Test
  void aLoneEscapeWrittenByAnotherServerReadsAsItIs() {
    assertThat(TextCodec.decode("a\uFDD0b")).isEqualTo("a\uFDD0b");
    assertThat(TextCodec.decode("a\uFDD0")).isEqualTo("a\uFDD0");
  }
}
