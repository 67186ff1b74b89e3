package dev.vss.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vss.core.Keyspace;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The encoding of keyspaces, keys and sequences: injective, prefix-free per keyspace, ordered
 * newest-first, and reversible, over strings built to collide under naive encodings.
 */
class StoreLayoutProperties {

  /**
   * Well-formed strings (the only kind the core passes to a store) of characters that break naive
   * encodings: separators, NUL, bytes that look like length prefixes, '?', characters at the edges
   * of the one-, two- and three-byte ranges, and surrogate pairs.
   */
  @Provide
  Arbitrary<String> awkward() {
    return Arbitraries.of(
            "\u0000",
            "\u0001",
            "\u0002",
            "\u0003",
            "\u007F",
            "\u0080",
            "/",
            ":",
            "|",
            "%",
            "_",
            "?",
            "a",
            "b",
            "\u00E9",
            "\u07FF",
            "\u0800",
            "\uD7FF",
            "\uE000",
            "\uFFFD",
            "\uFFFF",
            "\uD800\uDC00",
            "\uDBFF\uDFFF",
            "\uD83D\uDE00")
        .list()
        .ofMinSize(0)
        .ofMaxSize(8)
        .map(units -> String.join("", units));
  }

  /** Any well-formed string: code points from the whole range, surrogates excluded. */
  @Provide
  Arbitrary<String> wellFormed() {
    return Arbitraries.integers()
        .between(0, Character.MAX_CODE_POINT)
        .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)
        .list()
        .ofMaxSize(12)
        .map(cps -> new String(cps.stream().mapToInt(Integer::intValue).toArray(), 0, cps.size()));
  }

  @Property
  void recordKeysAreEqualOnlyForEqualTuples(
      @ForAll("awkward") String user1,
      @ForAll("awkward") String store1,
      @ForAll("awkward") String key1,
      @ForAll("awkward") String user2,
      @ForAll("awkward") String store2,
      @ForAll("awkward") String key2) {
    byte[] a = recordKey(user1, store1, key1);
    byte[] b = recordKey(user2, store2, key2);
    boolean sameTuple = user1.equals(user2) && store1.equals(store2) && key1.equals(key2);
    assertThat(Arrays.equals(a, b)).isEqualTo(sameTuple);
  }

  /** Every way to cut one string into three components: concatenation would collide on all. */
  @Property
  void everySplitOfTheSameCharactersEncodesDifferently(@ForAll("awkward") String joined) {
    Set<List<String>> tuples = new HashSet<>();
    Set<String> encodings = new HashSet<>();
    List<Integer> cuts = codePointBoundaries(joined);
    for (int i : cuts) {
      for (int j : cuts) {
        if (j < i) {
          continue;
        }
        List<String> tuple =
            List.of(joined.substring(0, i), joined.substring(i, j), joined.substring(j));
        if (tuples.add(tuple)) {
          encodings.add(Arrays.toString(recordKey(tuple.get(0), tuple.get(1), tuple.get(2))));
        }
      }
    }
    assertThat(encodings).hasSameSizeAs(tuples);
  }

  /** A scan of one keyspace's prefix can never reach another keyspace's keys. */
  @Property
  void noKeyspacePrefixIsAPrefixOfAnotherKeyspacesKeys(
      @ForAll("awkward") String user1,
      @ForAll("awkward") String store1,
      @ForAll("awkward") String user2,
      @ForAll("awkward") String store2,
      @ForAll("awkward") String key) {
    byte[] prefix = StoreLayout.keyspacePrefix(new Keyspace(user1, store1));
    byte[] other = StoreLayout.keyspacePrefix(new Keyspace(user2, store2));
    boolean sameKeyspace = user1.equals(user2) && store1.equals(store2);
    assertThat(startsWith(StoreLayout.recordKey(other, key), prefix)).isEqualTo(sameKeyspace);
    assertThat(startsWith(StoreLayout.indexKey(other, 1), prefix)).isEqualTo(sameKeyspace);
  }

  /** Index keys of one keyspace sort newest first and stay below the keyspace's upper bound. */
  @Property
  void indexKeysSortNewestFirstBelowTheBound(
      @ForAll("awkward") String user,
      @ForAll("awkward") String store,
      @ForAll long s1,
      @ForAll long s2) {
    long older = Math.max(1, Math.min(Math.abs(s1), Long.MAX_VALUE - 1));
    long newer = Math.max(1, Math.min(Math.abs(s2), Long.MAX_VALUE - 1));
    byte[] prefix = StoreLayout.keyspacePrefix(new Keyspace(user, store));
    byte[] olderKey = StoreLayout.indexKey(prefix, older);
    byte[] newerKey = StoreLayout.indexKey(prefix, newer);
    assertThat(Integer.signum(Arrays.compareUnsigned(newerKey, olderKey)))
        .isEqualTo(Integer.signum(Long.compare(older, newer)));
    assertThat(StoreLayout.sequenceOfIndexKey(olderKey)).isEqualTo(older);
    byte[] bound = StoreLayout.indexUpperBound(prefix);
    assertThat(Arrays.compareUnsigned(olderKey, bound)).isNegative();
    assertThat(Arrays.compareUnsigned(StoreLayout.indexKey(prefix, Long.MAX_VALUE), bound))
        .isNegative();
  }

  /**
   * Stores written before the core rejected lone surrogates used a WTF-8-like codec ({@link
   * LegacyStringCodec}, kept here frozen); for every well-formed string it wrote exactly the UTF-8
   * bytes, so existing data reads unchanged.
   */
  @Property(tries = 2000)
  void utf8IsByteIdenticalToTheLegacyCodecOnWellFormedStrings(@ForAll("wellFormed") String s) {
    byte[] encoded = Utf8.encode(s);
    assertThat(encoded).isEqualTo(LegacyStringCodec.encode(s));
    assertThat(Utf8.decode(encoded, 0, encoded.length)).isEqualTo(s);
  }

  @Property
  void utf8IsByteIdenticalToTheLegacyCodecOnAwkwardStrings(@ForAll("awkward") String s) {
    byte[] encoded = Utf8.encode(s);
    assertThat(encoded).isEqualTo(LegacyStringCodec.encode(s));
    assertThat(Utf8.decode(encoded, 0, encoded.length)).isEqualTo(s);
  }

  @Example
  void supplementaryCharactersEncodeAsTheLegacyCodecWroteThem() {
    for (String s :
        List.of("\uD83D\uDE00", "\uD800\uDC00", "\uDBFF\uDFFF", "a\uD83D\uDE00b\u00E9\u20AC")) {
      assertThat(Utf8.encode(s)).isEqualTo(LegacyStringCodec.encode(s));
    }
    assertThat(Utf8.encode("\uD83D\uDE00"))
        .containsExactly((byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80);
  }

  @Property
  void prefixMatchMeansStartsWith(@ForAll("awkward") String key, @ForAll("awkward") String prefix) {
    byte[] encodedKey = Utf8.encode(key);
    assertThat(new KeyPrefix(prefix).matches(encodedKey, 0, encodedKey.length))
        .isEqualTo(key.startsWith(prefix));
    // And every well-formed prefix of the key matches.
    for (int i : codePointBoundaries(key)) {
      assertThat(new KeyPrefix(key.substring(0, i)).matches(encodedKey, 0, encodedKey.length))
          .isTrue();
    }
  }

  @Example
  void recordValueCarriesVersionSequenceAndValue() {
    byte[] value =
        StoreLayout.recordValue(-1, 42, com.google.protobuf.ByteString.copyFromUtf8("v"));
    assertThat(StoreLayout.recordVersion(value)).isEqualTo(-1);
    assertThat(StoreLayout.recordSequence(value)).isEqualTo(42);
    assertThat(value).hasSize(StoreLayout.RECORD_HEADER_BYTES + 1);
  }

  @Example
  void decodeRejectsTruncatedSequences() {
    byte[] encoded = Utf8.encode("\u00E9\uD83D\uDE00");
    for (int cut = 1; cut < encoded.length; cut++) {
      if (cut == 2) {
        continue; // a whole character
      }
      int length = cut;
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Utf8.decode(encoded, 0, length))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  /**
   * A lone surrogate the legacy codec wrote (only an embedder bypassing the core's validation could
   * have stored one) is not UTF-8: it is reported as damage, never served as replacement
   * characters.
   */
  @Example
  void aLoneSurrogateOfTheLegacyCodecIsReportedNotServed() {
    byte[] legacy = LegacyStringCodec.encode("k\uD800");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Utf8.decode(legacy, 0, legacy.length))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Utf8.decode(Utf8.encode("k\uFFFD"), 0, 4)).isEqualTo("k\uFFFD");
  }

  private static byte[] recordKey(String user, String store, String key) {
    return StoreLayout.recordKey(StoreLayout.keyspacePrefix(new Keyspace(user, store)), key);
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    return bytes.length >= prefix.length
        && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }

  /** The offsets at which {@code s} can be cut without splitting a surrogate pair. */
  private static List<Integer> codePointBoundaries(String s) {
    List<Integer> cuts = new java.util.ArrayList<>();
    for (int i = 0; i <= s.length(); i++) {
      if (i == 0 || i == s.length() || !Character.isLowSurrogate(s.charAt(i))) {
        cuts.add(i);
      }
    }
    return cuts;
  }
}
