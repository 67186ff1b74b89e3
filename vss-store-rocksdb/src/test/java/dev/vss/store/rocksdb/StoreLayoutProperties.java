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
   * Characters that break naive encodings: separators, NUL, bytes that look like length prefixes,
   * '?' (what getBytes substitutes for a lone surrogate), lone and paired surrogates, multi-byte
   * characters.
   */
  @Provide
  Arbitrary<String> awkward() {
    return Arbitraries.strings()
        .withChars('\u0000', '\u0001', '\u0002', '\u0003', '\u007F', '\u0080', '/', ':', '|', '%',
            '_', '?', 'a', 'b', '\u00E9', '\u07FF', '\u0800', '\uFFFF', '\uD800', '\uDBFF',
            '\uDC00', '\uDFFF', '\uD83D', '\uDE00')
        .ofMinLength(0)
        .ofMaxLength(8);
  }

  @Property
  void recordKeysAreEqualOnlyForEqualTuples(
      @ForAll("awkward") String user1, @ForAll("awkward") String store1,
      @ForAll("awkward") String key1, @ForAll("awkward") String user2,
      @ForAll("awkward") String store2, @ForAll("awkward") String key2) {
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
    for (int i = 0; i <= joined.length(); i++) {
      for (int j = i; j <= joined.length(); j++) {
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
      @ForAll("awkward") String user1, @ForAll("awkward") String store1,
      @ForAll("awkward") String user2, @ForAll("awkward") String store2,
      @ForAll("awkward") String key) {
    byte[] prefix = StoreLayout.keyspacePrefix(new Keyspace(user1, store1));
    byte[] other = StoreLayout.keyspacePrefix(new Keyspace(user2, store2));
    boolean sameKeyspace = user1.equals(user2) && store1.equals(store2);
    assertThat(startsWith(StoreLayout.recordKey(other, key), prefix)).isEqualTo(sameKeyspace);
    assertThat(startsWith(StoreLayout.indexKey(other, 1), prefix)).isEqualTo(sameKeyspace);
  }

  /** Index keys of one keyspace sort newest first and stay below the keyspace's upper bound. */
  @Property
  void indexKeysSortNewestFirstBelowTheBound(@ForAll("awkward") String user,
      @ForAll("awkward") String store, @ForAll long s1, @ForAll long s2) {
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

  @Property
  void stringCodecRoundTripsAndAgreesWithUtf8OnWellFormedStrings(@ForAll("awkward") String s) {
    byte[] encoded = StringCodec.encode(s);
    assertThat(encoded).hasSize(StringCodec.encodedLength(s));
    assertThat(StringCodec.decode(encoded, 0, encoded.length)).isEqualTo(s);
    if (isWellFormed(s)) {
      assertThat(encoded).isEqualTo(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  @Property
  void stringCodecRoundTripsAnyString(@ForAll String s) {
    byte[] encoded = StringCodec.encode(s);
    assertThat(StringCodec.decode(encoded, 0, encoded.length)).isEqualTo(s);
  }

  @Property
  void prefixMatchMeansStartsWith(@ForAll("awkward") String key,
      @ForAll("awkward") String prefix) {
    byte[] encodedKey = StringCodec.encode(key);
    assertThat(new KeyPrefix(prefix).matches(encodedKey, 0, encodedKey.length))
        .isEqualTo(key.startsWith(prefix));
    // And every real prefix of the key matches, including ones cutting a surrogate pair.
    for (int i = 0; i <= key.length(); i++) {
      assertThat(new KeyPrefix(key.substring(0, i)).matches(encodedKey, 0, encodedKey.length))
          .isTrue();
    }
  }

  @Example
  void recordValueCarriesVersionSequenceAndValue() {
    byte[] value = StoreLayout.recordValue(-1, 42,
        com.google.protobuf.ByteString.copyFromUtf8("v"));
    assertThat(StoreLayout.recordVersion(value)).isEqualTo(-1);
    assertThat(StoreLayout.recordSequence(value)).isEqualTo(42);
    assertThat(value).hasSize(StoreLayout.RECORD_HEADER_BYTES + 1);
  }

  @Example
  void decodeRejectsTruncatedSequences() {
    byte[] encoded = StringCodec.encode("\u00E9\uD83D\uDE00");
    for (int cut = 1; cut < encoded.length; cut++) {
      if (cut == 2) {
        continue; // a whole character
      }
      int length = cut;
      org.assertj.core.api.Assertions.assertThatThrownBy(
          () -> StringCodec.decode(encoded, 0, length))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  private static byte[] recordKey(String user, String store, String key) {
    return StoreLayout.recordKey(StoreLayout.keyspacePrefix(new Keyspace(user, store)), key);
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    return bytes.length >= prefix.length
        && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static boolean isWellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }
}
