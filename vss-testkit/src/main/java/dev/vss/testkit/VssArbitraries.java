package dev.vss.testkit;

import com.google.protobuf.ByteString;
import dev.vss.core.rules.RequestValidation;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.PutObjectRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators of VSS keys, values, versions and requests, for integrators' own properties.
 *
 * <p>Keys and store ids are drawn from whole code points that stress adapters: SQL {@code LIKE}
 * wildcards and escapes, separators an adapter might join keyspace and key with, NUL and other
 * control characters, and multi-byte and astral (surrogate pair) characters. They never contain a
 * lone surrogate, so they survive protobuf's UTF-8 encoding unchanged.
 *
 * <pre>{@code
 * @Property
 * void putThenGetRoundTrips(@ForAll("keys") String key, @ForAll("values") ByteString value) { ... }
 *
 * @Provide Arbitrary<String> keys() { return VssArbitraries.keys(); }
 * @Provide Arbitrary<ByteString> values() { return VssArbitraries.values(); }
 * }</pre>
 */
public final class VssArbitraries {
  /** Code points that keys and store ids are made of; each string here is one code point. */
  static final List<String> AWKWARD_CODE_POINTS =
      List.of(
          "a",
          "b",
          "k",
          "A",
          "Z",
          "0",
          "9",
          "-",
          "%",
          "_",
          "\\",
          "[",
          "]",
          "*",
          "?",
          ".",
          "^",
          "$",
          "'",
          "\"",
          "/",
          ":",
          "|",
          " ",
          "\u0000",
          "\u0001",
          "\t",
          "\n",
          "\u007f",
          "\u00fc",
          "\u00e9",
          "\u0301",
          "\u0436",
          "\u952e",
          "\uFEFF",
          "\uFFFF",
          "\uD83D\uDD11",
          "\uD83D\uDE00");

  private static final int DEFAULT_MAX_KEY_LENGTH = 12;
  private static final int DEFAULT_MAX_VALUE_BYTES = 64;

  private VssArbitraries() {}

  /** Keys of 1 to 12 characters, mostly plain, often awkward; never the reserved key. */
  public static Arbitrary<String> keys() {
    return keys(DEFAULT_MAX_KEY_LENGTH);
  }

  /** Keys of 1 to {@code maxLength} characters (code points); never the reserved key. */
  public static Arbitrary<String> keys(int maxLength) {
    if (maxLength < 1) {
      throw new IllegalArgumentException("maxLength must be positive, was " + maxLength);
    }
    Arbitrary<String> plain =
        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(maxLength);
    Arbitrary<String> awkward =
        Arbitraries.of(AWKWARD_CODE_POINTS)
            .list()
            .ofMinSize(1)
            .ofMaxSize(maxLength)
            .map(points -> String.join("", points));
    return Arbitraries.frequencyOf(Tuple.of(1, plain), Tuple.of(1, awkward))
        .filter(key -> !key.equals(RequestValidation.GLOBAL_VERSION_KEY));
  }

  /** Store ids of 0 to 8 characters, including the empty store id and awkward characters. */
  public static Arbitrary<String> storeIds() {
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just("")),
        Tuple.of(
            3,
            Arbitraries.of(AWKWARD_CODE_POINTS)
                .list()
                .ofMinSize(1)
                .ofMaxSize(8)
                .map(points -> String.join("", points))));
  }

  /** Values of 0 to 64 bytes; the empty value is an edge case. */
  public static Arbitrary<ByteString> values() {
    return values(DEFAULT_MAX_VALUE_BYTES);
  }

  /** Values of 0 to {@code maxBytes} bytes. */
  public static Arbitrary<ByteString> values(int maxBytes) {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(maxBytes).map(ByteString::copyFrom);
  }

  /**
   * Request versions: mostly {@code -1} (unconditional), {@code 0} (create) and small positive
   * versions, sometimes {@link Long#MAX_VALUE}.
   */
  public static Arbitrary<Long> versions() {
    return Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.just(-1L)),
        Tuple.of(2, Arbitraries.just(0L)),
        Tuple.of(5, Arbitraries.longs().between(1, 5)),
        Tuple.of(1, Arbitraries.just(Long.MAX_VALUE)));
  }

  /** Transaction items: a key, a request version and a value. */
  public static Arbitrary<KeyValue> keyValues(Arbitrary<String> keys) {
    return Combinators.combine(keys, versions(), values())
        .as(
            (key, version, value) ->
                KeyValue.newBuilder().setKey(key).setVersion(version).setValue(value).build());
  }

  /** Delete items and deleteObject targets: a key and a request version, no value. */
  public static Arbitrary<KeyValue> deleteTargets(Arbitrary<String> keys) {
    return Combinators.combine(keys, versions())
        .as((key, version) -> KeyValue.newBuilder().setKey(key).setVersion(version).build());
  }

  /**
   * Well-formed putObjects requests: up to {@code maxItems} items with distinct keys drawn from
   * {@code keys}, split between transaction and delete items, sometimes with a global version
   * between 0 and 3. Whether one conflicts depends on the state it meets.
   */
  public static Arbitrary<PutObjectRequest> putRequests(
      Arbitrary<String> storeIds, Arbitrary<String> keys, int maxItems) {
    Arbitrary<List<KeyValue>> items =
        keyValues(keys).list().ofMaxSize(maxItems).uniqueElements(KeyValue::getKey);
    Arbitrary<Integer> deleteCount = Arbitraries.integers().between(0, maxItems);
    Arbitrary<Long> globalVersion = Arbitraries.longs().between(0, 3).injectNull(0.5);
    return Combinators.combine(storeIds, items, deleteCount, globalVersion)
        .as(
            (storeId, all, deletes, gv) -> {
              int split = Math.max(0, all.size() - Math.min(deletes, all.size()));
              PutObjectRequest.Builder request =
                  PutObjectRequest.newBuilder()
                      .setStoreId(storeId)
                      .addAllTransactionItems(all.subList(0, split));
              all.subList(split, all.size())
                  .forEach(kv -> request.addDeleteItems(kv.toBuilder().clearValue()));
              if (gv != null) {
                request.setGlobalVersion(gv);
              }
              return request.build();
            });
  }

  /** getObject requests for keys drawn from {@code keys}, sometimes for the reserved key. */
  public static Arbitrary<GetObjectRequest> getRequests(
      Arbitrary<String> storeIds, Arbitrary<String> keys) {
    Arbitrary<String> keyOrReserved =
        Arbitraries.frequencyOf(
            Tuple.of(9, keys), Tuple.of(1, Arbitraries.just(RequestValidation.GLOBAL_VERSION_KEY)));
    return Combinators.combine(storeIds, keyOrReserved)
        .as(
            (storeId, key) ->
                GetObjectRequest.newBuilder().setStoreId(storeId).setKey(key).build());
  }

  /** deleteObject requests for keys drawn from {@code keys}. */
  public static Arbitrary<DeleteObjectRequest> deleteRequests(
      Arbitrary<String> storeIds, Arbitrary<String> keys) {
    return Combinators.combine(storeIds, deleteTargets(keys))
        .as(
            (storeId, target) ->
                DeleteObjectRequest.newBuilder().setStoreId(storeId).setKeyValue(target).build());
  }

  /**
   * First-page listKeyVersions requests: a prefix from {@code prefixes} or none, and a page size
   * that is unset, 0, small, or above any sensible maximum.
   */
  public static Arbitrary<ListKeyVersionsRequest> listRequests(
      Arbitrary<String> storeIds, Arbitrary<String> prefixes) {
    Arbitrary<Integer> pageSizes =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.just((Integer) null)),
            Tuple.of(1, Arbitraries.just(0)),
            Tuple.of(5, Arbitraries.integers().between(1, 5)),
            Tuple.of(1, Arbitraries.of(1000, Integer.MAX_VALUE)));
    return Combinators.combine(storeIds, prefixes.injectNull(0.3), pageSizes)
        .as((storeId, prefix, pageSize) -> Requests.list(storeId, prefix, pageSize, null));
  }

  /**
   * Prefixes worth listing a key pool with: every prefix of every key in {@code keys} (so every
   * boundary is hit), plus wildcard look-alikes and case variants that must match only literally.
   */
  public static Arbitrary<String> prefixesOf(List<String> keys) {
    Objects.requireNonNull(keys, "keys");
    List<String> prefixes = new ArrayList<>();
    for (String key : keys) {
      int end = 0;
      while (end < key.length()) {
        end = key.offsetByCodePoints(end, 1);
        prefixes.add(key.substring(0, end));
      }
      prefixes.add(key + "x");
      prefixes.add(key.toUpperCase(Locale.ROOT));
    }
    prefixes.addAll(List.of("", "%", "_", "\\", "*", "[", "global"));
    return Arbitraries.of(prefixes.stream().distinct().toList());
  }
}
