package dev.vss.testkit;

import static dev.vss.testkit.Requests.item;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Conformance scenarios, one group of {@link VssConformanceSuite}: Values and keys: large, empty
 * and binary values; non-ASCII keys without normalization or collation; control characters in keys
 * and store ids.
 *
 * <p>Each scenario is a default {@code @Test} method over the {@link ConformanceFixture}; an
 * integrator does not implement this interface directly but extends {@link StorageConformanceSuite}
 * (or {@link VssConformanceSuite}), which implements every group.
 */
public interface ValueAndKeyScenarios extends ConformanceFixture {
  /** A 1 MiB value round trips byte for byte. */
  @Test
  default void largeValueRoundTrips() {
    int size = 1024 * 1024;
    assumeTrue(limits().maxValueBytes() >= size, "the value limit is below 1 MiB");
    ByteString value = randomBytes(size, 42);

    put(alice(), STORE, item("large", 0, value));
    put(alice(), STORE, item("large", 1, value.substring(1).concat(value.substring(0, 1))));

    assertThat(get(alice(), STORE, "large"))
        .isEqualTo(item("large", 2, value.substring(1).concat(value.substring(0, 1))));
  }

  /** Empty values and values holding every byte value round trip. */
  @Test
  default void binaryValuesRoundTrip() {
    byte[] everyByte = new byte[256];
    for (int i = 0; i < everyByte.length; i++) {
      everyByte[i] = (byte) i;
    }
    put(
        alice(),
        STORE,
        item("empty", 0, ByteString.EMPTY),
        item("bytes", 0, ByteString.copyFrom(everyByte)));

    assertThat(get(alice(), STORE, "empty")).isEqualTo(item("empty", 1, ByteString.EMPTY));
    assertThat(get(alice(), STORE, "bytes"))
        .isEqualTo(item("bytes", 1, ByteString.copyFrom(everyByte)));
  }

  /** Non-ASCII keys (multi-byte, astral, combining, right-to-left) round trip and list. */
  @Test
  default void unicodeKeysRoundTrip() {
    List<String> keys =
        List.of(
            "ключ",
            "键",
            "\uD83D\uDD11",
            "\uD83D\uDD11\uD83D\uDD12",
            "e\u0301",
            "\u00e9",
            "مفتاح",
            "\uFEFFbom",
            "ü",
            "u");
    for (int i = 0; i < keys.size(); i++) {
      put(alice(), STORE, item(keys.get(i), 0, "value " + i));
    }

    for (int i = 0; i < keys.size(); i++) {
      assertThat(get(alice(), STORE, keys.get(i))).isEqualTo(item(keys.get(i), 1, "value " + i));
    }
    assertThat(snapshot(alice(), STORE).keys()).containsExactlyElementsOf(reversed(keys));
    assertThat(listAll(alice(), STORE, "\uD83D\uDD11", null).keys())
        .containsExactly("\uD83D\uDD11\uD83D\uDD12", "\uD83D\uDD11");
    assertThat(listAll(alice(), STORE, "e", null).keys()).containsExactly("e\u0301");
    assertThat(listAll(alice(), STORE, "u", null).keys()).containsExactly("u");
  }

  /** Keys and store ids holding control characters, NUL included, round trip. */
  @Test
  default void controlCharactersRoundTrip() {
    List<String> keys =
        List.of("\u0000", "a\u0000b", "a\u0000", "\t", "line\nbreak", "\r", "\u007f", "\u001b[0m");
    put(
        alice(),
        "store\u0000id",
        keys.stream().map(k -> item(k, 0, escape(k))).toList(),
        OptionalLong.empty());

    for (String key : keys) {
      assertThat(get(alice(), "store\u0000id", key))
          .as("key %s", escape(key))
          .isEqualTo(item(key, 1, escape(key)));
    }
    assertThat(snapshot(alice(), "store\u0000id").keys()).containsExactlyElementsOf(reversed(keys));
    assertThat(listAll(alice(), "store\u0000id", "a\u0000", null).keys())
        .containsExactly("a\u0000", "a\u0000b");
    assertThat(snapshot(alice(), "store").isEmpty()).isTrue();
  }
}
