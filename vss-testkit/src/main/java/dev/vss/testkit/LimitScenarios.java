package dev.vss.testkit;

import static dev.vss.testkit.Requests.item;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.KeyValue;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Conformance scenarios, one group of {@link VssConformanceSuite}: Validation and the limits of
 * SPEC section 6: duplicate keys, empty keys, versions below -1, and the item, key, store-id and
 * value limits, each checked exactly at the limit (passes) and one over (INVALID_REQUEST), and
 * strings with an unpaired UTF-16 surrogate (in-process endpoints only). The boundaries come from
 * {@link #limits()}.
 *
 * <p>Each scenario is a default {@code @Test} method over the {@link ConformanceFixture}; an
 * integrator does not implement this interface directly but extends {@link StorageConformanceSuite}
 * (or {@link VssConformanceSuite}), which implements every group.
 */
public interface LimitScenarios extends ConformanceFixture {
  /** Largest value limit the value-limit scenario tests; a bigger limit skips it. */
  int LARGEST_TESTED_VALUE_LIMIT = 8 * 1024 * 1024;

  /** Keys across transaction_items must be distinct. */
  @Test
  default void duplicateKeysWithinTransactionItemsAreInvalid() {
    put(alice(), STORE, item("k", 0, "v"));

    expectInvalidAndNoChange(alice(), STORE, putRequest(item("a", 0, "1"), item("a", 0, "2")));
    expectInvalidAndNoChange(alice(), STORE, putRequest(item("k", 1, "1"), item("k", -1, "2")));
  }

  /** Keys must be distinct across transaction_items and delete_items, and within delete_items. */
  @Test
  default void duplicateKeysAcrossTransactionAndDeleteItemsAreInvalid() {
    put(alice(), STORE, item("k", 0, "v"), item("j", 0, "v"));

    expectInvalidAndNoChange(
        alice(),
        STORE,
        putRequest(OptionalLong.empty(), List.of(item("k", 1, "new")), List.of(item("k", 1))));
    expectInvalidAndNoChange(
        alice(),
        STORE,
        putRequest(OptionalLong.empty(), List.of(), List.of(item("j", 1), item("j", -1))));
  }

  /** Empty keys are INVALID_REQUEST for every operation. */
  @Test
  default void emptyKeyIsInvalid() {
    put(alice(), STORE, item("k", 0, "v"));

    expectInvalidAndNoChange(alice(), STORE, putRequest(item("", 0, "v")));
    expectInvalidAndNoChange(
        alice(), STORE, putRequest(OptionalLong.empty(), List.of(), List.of(item("", -1))));
    expectInvalidAndNoChange(alice(), STORE, () -> get(alice(), STORE, ""));
    expectInvalidAndNoChange(alice(), STORE, () -> deleteObject(alice(), STORE, item("", -1)));
  }

  /** Versions below -1 are INVALID_REQUEST in every item. */
  @Test
  default void versionsBelowMinusOneAreInvalid() {
    put(alice(), STORE, item("k", 0, "v"));

    for (long version : new long[] {-2, Long.MIN_VALUE}) {
      expectInvalidAndNoChange(alice(), STORE, putRequest(item("k", version, "v")));
      expectInvalidAndNoChange(
          alice(), STORE, putRequest(OptionalLong.empty(), List.of(), List.of(item("k", version))));
      expectInvalidAndNoChange(
          alice(), STORE, () -> deleteObject(alice(), STORE, item("k", version)));
    }
  }

  /** Exactly the item limit passes; one more, counted across both lists, is INVALID_REQUEST. */
  @Test
  default void itemLimitIsInclusive() {
    int limit = limits().maxItemsPerPut();
    put(alice(), STORE, item("existing", 0, "v"));
    List<KeyValue> creates =
        IntStream.range(0, limit).mapToObj(i -> item("item-" + i, 0, "v")).toList();

    expectInvalidAndNoChange(
        alice(),
        STORE,
        putRequest(
            OptionalLong.empty(), concat(creates, List.of(item("one-more", 0, "v"))), List.of()));
    expectInvalidAndNoChange(
        alice(), STORE, putRequest(OptionalLong.empty(), creates, List.of(item("existing", 1))));

    put(
        alice(),
        STORE,
        OptionalLong.empty(),
        creates.subList(1, limit),
        List.of(item("existing", 1)));
    put(alice(), STORE, OptionalLong.empty(), List.of(creates.get(0)), List.of());
    assertThat(snapshot(alice(), STORE).entries()).hasSize(limit);
  }

  /** A key of exactly the limit (in characters, not UTF-16 units) passes; one more is invalid. */
  @Test
  default void keyLengthLimitIsInclusive() {
    int limit = limits().maxKeyLength();
    String longest = "k".repeat(limit);
    String longestWide = "\uD83D\uDD11".repeat(limit); // limit characters, 2 * limit UTF-16 units
    String tooLong = "k".repeat(limit + 1);

    put(alice(), STORE, item(longest, 0, "a"), item(longestWide, 0, "b"));
    assertThat(get(alice(), STORE, longest)).isEqualTo(item(longest, 1, "a"));
    assertThat(get(alice(), STORE, longestWide)).isEqualTo(item(longestWide, 1, "b"));
    assertThat(listAll(alice(), STORE, longest, null).keys()).containsExactly(longest);

    expectInvalidAndNoChange(alice(), STORE, putRequest(item(tooLong, 0, "v")));
    expectInvalidAndNoChange(
        alice(), STORE, putRequest(OptionalLong.empty(), List.of(), List.of(item(tooLong, -1))));
    expectInvalidAndNoChange(alice(), STORE, () -> get(alice(), STORE, tooLong));
    expectInvalidAndNoChange(alice(), STORE, () -> deleteObject(alice(), STORE, item(tooLong, -1)));
    expectInvalidAndNoChange(alice(), STORE, () -> list(alice(), STORE, tooLong, null, null));
  }

  /** A store id of exactly the limit passes; one more is invalid for every operation. */
  @Test
  default void storeIdLengthLimitIsInclusive() {
    int limit = limits().maxStoreIdLength();
    String longest = "s".repeat(limit);
    String tooLong = "s".repeat(limit + 1);

    put(alice(), longest, item("k", 0, "v"));
    assertThat(get(alice(), longest, "k")).isEqualTo(item("k", 1, "v"));
    assertThat(snapshot(alice(), longest).keys()).containsExactly("k");

    KeyspaceSnapshot before = snapshot(alice(), longest);
    expectError(
        ErrorCode.INVALID_REQUEST_EXCEPTION, () -> put(alice(), tooLong, item("k", -1, "v")));
    expectError(ErrorCode.INVALID_REQUEST_EXCEPTION, () -> get(alice(), tooLong, "k"));
    expectError(
        ErrorCode.INVALID_REQUEST_EXCEPTION, () -> deleteObject(alice(), tooLong, item("k", -1)));
    expectError(
        ErrorCode.INVALID_REQUEST_EXCEPTION, () -> list(alice(), tooLong, null, null, null));
    assertThat(snapshot(alice(), longest)).isEqualTo(before);
  }

  /** A value of exactly the byte limit passes; one more byte is invalid. */
  @Test
  default void valueSizeLimitIsInclusive() {
    int limit = limits().maxValueBytes();
    assumeTrue(
        limit <= LARGEST_TESTED_VALUE_LIMIT,
        "value limit " + limit + " is too large to test quickly; override limits() to test it");
    ByteString largest = randomBytes(limit, 7);

    put(alice(), STORE, item("k", 0, largest));
    assertThat(get(alice(), STORE, "k").getValue()).isEqualTo(largest);

    ByteString tooLarge = largest.concat(ByteString.copyFrom(new byte[] {1}));
    expectInvalidAndNoChange(alice(), STORE, putRequest(item("k", 1, tooLarge)));
    expectInvalidAndNoChange(alice(), STORE, putRequest(item("other", 0, tooLarge)));
  }

  /**
   * A key, delete item, key prefix, store id or user token holding an unpaired UTF-16 surrogate is
   * INVALID_REQUEST for every operation and changes nothing: such a string has no UTF-8 form, and
   * {@code String.getBytes} would store it as {@code '?'}, so {@code "k\uD800"} would overwrite
   * {@code "k?"}. The keyspaces that a {@code '?'} substitution would reach are checked too.
   *
   * <p>Needs {@link Capability#IN_PROCESS}: over HTTP the client's protobuf encoder sends {@code
   * '?'} in place of a lone surrogate, so the request that arrives is another, valid one.
   */
  @Test
  default void loneSurrogatesAreInvalid() {
    assumeCapability(Capability.IN_PROCESS);
    put(alice(), STORE, item("k?", 0, "v"), item("k\uD83D\uDE00", 0, "pair"));
    put(alice(), STORE + "?", item("k", 0, "v"));
    KeyspaceSnapshot aliasedUser = snapshot(alice() + "?", STORE);

    // High and low surrogates, alone at either end, and half of a pair that is stored whole.
    for (String lone : List.of("k\uD800", "\uDC00k", "k\uD83D", "\uDE00")) {
      expectInvalidAndNoChange(alice(), STORE, putRequest(item(lone, 0, "v")));
      expectInvalidAndNoChange(alice(), STORE, putRequest(item(lone, -1, "v")));
      expectInvalidAndNoChange(
          alice(), STORE, putRequest(OptionalLong.empty(), List.of(), List.of(item(lone, -1))));
      expectInvalidAndNoChange(
          alice(),
          STORE,
          putRequest(OptionalLong.empty(), List.of(item("fine", 0, "v")), List.of(item(lone, -1))));
      expectInvalidAndNoChange(alice(), STORE, () -> get(alice(), STORE, lone));
      expectInvalidAndNoChange(alice(), STORE, () -> deleteObject(alice(), STORE, item(lone, -1)));
      expectInvalidAndNoChange(alice(), STORE, () -> list(alice(), STORE, lone, null, null));
    }

    String loneStore = STORE + "\uD800";
    expectInvalidAndNoChange(
        alice(), STORE + "?", () -> put(alice(), loneStore, item("k", 0, "v")));
    expectInvalidAndNoChange(alice(), STORE + "?", () -> get(alice(), loneStore, "k"));
    expectInvalidAndNoChange(
        alice(), STORE + "?", () -> deleteObject(alice(), loneStore, item("k", -1)));
    expectInvalidAndNoChange(
        alice(), STORE + "?", () -> list(alice(), loneStore, null, null, null));

    String loneUser = alice() + "\uDFFF";
    expectInvalidAndNoChange(alice(), STORE, () -> put(loneUser, STORE, item("k?", -1, "x")));
    expectInvalidAndNoChange(alice(), STORE, () -> get(loneUser, STORE, "k?"));
    expectInvalidAndNoChange(alice(), STORE, () -> deleteObject(loneUser, STORE, item("k?", -1)));
    expectInvalidAndNoChange(alice(), STORE, () -> list(loneUser, STORE, null, null, null));
    assertThat(snapshot(alice() + "?", STORE)).isEqualTo(aliasedUser);

    assertThat(get(alice(), STORE, "k?")).isEqualTo(item("k?", 1, "v"));
    assertThat(listAll(alice(), STORE, "k", null).keys()).containsExactly("k\uD83D\uDE00", "k?");
  }
}
