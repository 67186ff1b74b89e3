package dev.vss.testkit;

import static dev.vss.testkit.Requests.item;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vss.proto.ErrorCode;
import dev.vss.proto.KeyValue;
import dev.vss.proto.ListKeyVersionsResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Conformance scenarios, one group of {@link VssConformanceSuite}: listKeyVersions: pagination,
 * prefixes (literal, case-sensitive), page sizes, the global version on the first page, page tokens
 * bound to their listing, and pages that never skip or repeat a record.
 *
 * <p>Each scenario is a default {@code @Test} method over the {@link ConformanceFixture}; an
 * integrator does not implement this interface directly but extends {@link StorageConformanceSuite}
 * (or {@link VssConformanceSuite}), which implements every group.
 */
public interface ListScenarios extends ConformanceFixture {
  /** An empty keyspace lists nothing, with global version 0 and an empty next token. */
  @Test
  default void listOfAnEmptyKeyspace() {
    ListKeyVersionsResponse page = list(alice(), STORE, null, null, null);

    assertThat(page.getKeyVersionsList()).isEmpty();
    assertThat(page.getNextPageToken()).isEmpty();
    assertThat(page.hasGlobalVersion()).isTrue();
    assertThat(page.getGlobalVersion()).isZero();
  }

  /**
   * 1000 keys list across pages, newest creation first, each exactly once; only the first page
   * carries the global version.
   */
  @Test
  default void listsAThousandKeysAcrossPages() {
    List<String> created = createKeys(alice(), STORE, "key-", 1000);
    put(alice(), STORE, OptionalLong.of(0), List.of(), List.of());
    put(alice(), STORE, OptionalLong.of(1), List.of(), List.of());

    Listing listing = listAll(alice(), STORE, null, null);

    assertThat(listing.keys()).containsExactlyElementsOf(reversed(created));
    assertThat(listing.globalVersion()).isEqualTo(2);
    assertThat(listing.pages()).hasSizeGreaterThan(1);
    assertThat(listing.pages())
        .allSatisfy(
            page ->
                assertThat(page.getKeyVersionsCount())
                    .isLessThanOrEqualTo(limits().defaultPageSize()));
  }

  /** A prefix filters the listing; the page size bounds each page. */
  @Test
  default void listFiltersByPrefixAndHonoursThePageSize() {
    put(alice(), STORE, item("a1", 0, "v"), item("b1", 0, "v"));
    put(alice(), STORE, item("a2", 0, "v"), item("ab", 0, "v"));
    put(alice(), STORE, item("b2", 0, "v"), item("a3", 0, "v"));
    put(alice(), STORE, item("ba", 0, "v"));

    Listing listing = listAll(alice(), STORE, "a", 2);

    assertThat(listing.keys()).containsExactly("a3", "ab", "a2", "a1");
    assertThat(listing.pages()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(listing.pages())
        .allSatisfy(page -> assertThat(page.getKeyVersionsCount()).isLessThanOrEqualTo(2));
  }

  /** Listed entries carry key and version but no value. */
  @Test
  default void listedEntriesCarryVersionsButNoValues() {
    put(alice(), STORE, item("a", 0, "value a"));
    put(alice(), STORE, item("a", 1, "value a2"), item("b", 0, "value b"));

    ListKeyVersionsResponse page = list(alice(), STORE, null, null, null);

    assertThat(page.getKeyVersionsList()).containsExactly(item("b", 1), item("a", 2));
  }

  /** The first page answers global version 0 when no put ever carried one. */
  @Test
  default void listReportsZeroGlobalVersionWhenUnused() {
    put(alice(), STORE, item("k", 0, "v"));

    ListKeyVersionsResponse page = list(alice(), STORE, null, null, null);

    assertThat(page.hasGlobalVersion()).isTrue();
    assertThat(page.getGlobalVersion()).isZero();
  }

  /** An unset page size uses the server default. */
  @Test
  default void unsetPageSizeUsesTheDefault() {
    createKeys(alice(), STORE, "k", limits().defaultPageSize() + 3);

    ListKeyVersionsResponse page = list(alice(), STORE, null, null, null);

    assertThat(page.getKeyVersionsCount()).isEqualTo(limits().defaultPageSize());
    assertThat(page.getNextPageToken()).isNotEmpty();
  }

  /** A page size above the server maximum is capped to it. */
  @Test
  default void pageSizeIsCappedAtTheMaximum() {
    int max = limits().maxPageSize();
    createKeys(alice(), STORE, "k", max + 5);

    ListKeyVersionsResponse page = list(alice(), STORE, null, max + 1, null);
    ListKeyVersionsResponse huge = list(alice(), STORE, null, Integer.MAX_VALUE, null);

    assertThat(page.getKeyVersionsCount()).isEqualTo(max);
    assertThat(page.getNextPageToken()).isNotEmpty();
    assertThat(huge.getKeyVersionsCount()).isEqualTo(max);
    assertThat(listAll(alice(), STORE, null, Integer.MAX_VALUE).keys()).hasSize(max + 5);
  }

  /** Newest creation first, whatever the keys' names or update history. */
  @Test
  default void listOrdersNewestCreationFirst() {
    put(alice(), STORE, item("m", 0, "v"));
    put(alice(), STORE, item("z", 0, "v"));
    put(alice(), STORE, item("a", 0, "v"));
    put(alice(), STORE, item("m", 1, "v2"));

    assertThat(listAll(alice(), STORE, null, null).keys()).containsExactly("a", "z", "m");
  }

  /** Creation order holds across pages of a prefix listing; keys of one put keep their order. */
  @Test
  default void creationOrderHoldsAcrossPagesWithAPrefix() {
    put(alice(), STORE, item("p1", 0, "v"), item("q1", 0, "v"), item("p2", 0, "v"));
    put(alice(), STORE, item("q2", 0, "v"));
    put(alice(), STORE, item("p3", 0, "v"));
    put(alice(), STORE, item("q3", 0, "v"), item("p4", 0, "v"));
    put(alice(), STORE, item("p5", 0, "v"));

    assertThat(listAll(alice(), STORE, "p", 2).keys())
        .containsExactly("p5", "p4", "p3", "p2", "p1");
    assertThat(listAll(alice(), STORE, "p", 1).keys())
        .containsExactly("p5", "p4", "p3", "p2", "p1");
    assertThat(listAll(alice(), STORE, "q", 2).keys()).containsExactly("q3", "q2", "q1");
  }

  /**
   * The prefix is literal: characters that are wildcards or escapes elsewhere ({@code %}, {@code
   * _}, {@code \}, {@code [}, {@code *}, ...) match only themselves.
   */
  @ParameterizedTest(name = "prefix character {0}")
  @ValueSource(
      strings = {
        "_", "%", "\\", "[", "]", "*", "?", ".", "^", "$", "'", "\"", "(", "|", "+", "{", "#", "!",
        "~", "/", ":", "-", ";", " "
      })
  default void listPrefixIsLiteral(String special) {
    String prefix = "x" + special;
    List<KeyValue> others =
        new ArrayList<>(
            List.of(
                item("x" + special + "1", 0, "v"),
                item("xa1", 0, "v"),
                item("x1", 0, "v"),
                item("x", 0, "v"),
                item("y" + special, 0, "v"),
                item("X" + special + "2", 0, "v")));
    if (!special.equals("\\")) {
      // What an adapter escaping wildcards with a backslash might wrongly match.
      others.add(item("x\\" + special, 0, "v"));
    }
    put(alice(), STORE, others, OptionalLong.empty());
    put(alice(), STORE, item(prefix, 0, "v"), item("x" + special + special, 0, "v"));

    assertThat(listAll(alice(), STORE, prefix, null).keys())
        .containsExactly("x" + special + special, prefix, "x" + special + "1");
  }

  /** Prefixes compare exactly: case matters and a longer prefix than a key does not match it. */
  @Test
  default void listPrefixIsCaseSensitiveAndExact() {
    put(
        alice(),
        STORE,
        item("apple", 0, "v"),
        item("Apple", 0, "v"),
        item("APPLE", 0, "v"),
        item("app", 0, "v"));

    assertThat(listAll(alice(), STORE, "a", null).keys()).containsExactly("app", "apple");
    assertThat(listAll(alice(), STORE, "A", null).keys()).containsExactly("APPLE", "Apple");
    assertThat(listAll(alice(), STORE, "apple", null).keys()).containsExactly("apple");
    assertThat(listAll(alice(), STORE, "apples", null).keys()).isEmpty();
    assertThat(listAll(alice(), STORE, "", null).keys()).hasSize(4);
  }

  /** A negative page size is INVALID_REQUEST. */
  @Test
  default void negativePageSizeIsInvalid() {
    put(alice(), STORE, item("k", 0, "v"));

    expectInvalidAndNoChange(alice(), STORE, () -> list(alice(), STORE, null, -1, null));
    expectInvalidAndNoChange(
        alice(), STORE, () -> list(alice(), STORE, null, Integer.MIN_VALUE, null));
  }

  /** Page size 0 answers no entries and an empty next token (and the global version). */
  @Test
  default void pageSizeZeroAnswersNothingWithAnEmptyToken() {
    put(alice(), STORE, OptionalLong.of(0), List.of(item("k", 0, "v")), List.of());

    ListKeyVersionsResponse page = list(alice(), STORE, null, 0, null);

    assertThat(page.getKeyVersionsList()).isEmpty();
    assertThat(page.getNextPageToken()).isEmpty();
    assertThat(page.getGlobalVersion()).isEqualTo(1);
  }

  /** A page token the server did not issue is INVALID_REQUEST. */
  @Test
  default void undecodablePageTokenIsInvalid() {
    put(alice(), STORE, item("k", 0, "v"));

    expectInvalidAndNoChange(alice(), STORE, () -> list(alice(), STORE, null, null, "garbage!"));
    expectInvalidAndNoChange(alice(), STORE, () -> list(alice(), STORE, null, 10, "~~~~"));
  }

  /**
   * A page token is valid only for the listing that issued it: used by another user, for another
   * store id or with another prefix it is INVALID_REQUEST, never a silently wrong page, even where
   * that listing has entries at the same place.
   */
  @Test
  default void pageTokenIsBoundToItsListing() {
    // With one user, alice and bob are the same keyspaces: write them once.
    for (String user :
        declares(Capability.SEVERAL_USERS) ? List.of(alice(), bob()) : List.of(alice())) {
      for (String storeId : List.of(STORE, "other")) {
        put(user, storeId, item("k1", 0, "v"), item("k2", 0, "v"), item("k3", 0, "v"));
      }
    }
    String token = list(alice(), STORE, null, 1, null).getNextPageToken();
    String prefixed = list(alice(), STORE, "k", 1, null).getNextPageToken();
    assertThat(token).isNotEmpty();
    assertThat(prefixed).isNotEmpty();
    // Each token is good for its own listing, so a rejection below is about the binding.
    assertThat(keysOf(list(alice(), STORE, null, 1, token))).containsExactly("k2");
    assertThat(keysOf(list(alice(), STORE, "k", 1, prefixed))).containsExactly("k2");

    if (declares(Capability.SEVERAL_USERS)) {
      expectInvalidAndNoChange(bob(), STORE, () -> list(bob(), STORE, null, 1, token));
      expectInvalidAndNoChange(bob(), STORE, () -> list(bob(), STORE, "k", 1, prefixed));
    }
    expectInvalidAndNoChange(alice(), "other", () -> list(alice(), "other", null, 1, token));
    expectInvalidAndNoChange(alice(), "", () -> list(alice(), "", null, 1, token));
    expectInvalidAndNoChange(alice(), STORE, () -> list(alice(), STORE, "k", 1, token));
    expectInvalidAndNoChange(alice(), STORE, () -> list(alice(), STORE, null, 1, prefixed));
    expectInvalidAndNoChange(alice(), STORE, () -> list(alice(), STORE, "k1", 1, prefixed));
  }

  /** A page token with any one character changed, cut short or extended is INVALID_REQUEST. */
  @Test
  default void alteredPageTokenIsInvalid() {
    put(alice(), STORE, item("k1", 0, "v"), item("k2", 0, "v"), item("k3", 0, "v"));
    String token = list(alice(), STORE, null, 1, null).getNextPageToken();
    assertThat(token).isNotEmpty();
    KeyspaceSnapshot before = snapshot(alice(), STORE);

    for (int i = 0; i < token.length(); i++) {
      char replacement = token.charAt(i) == 'A' ? 'B' : 'A';
      String altered = token.substring(0, i) + replacement + token.substring(i + 1);
      expectError(
          ErrorCode.INVALID_REQUEST_EXCEPTION, () -> list(alice(), STORE, null, 1, altered));
    }
    expectError(
        ErrorCode.INVALID_REQUEST_EXCEPTION,
        () -> list(alice(), STORE, null, 1, token.substring(0, token.length() - 1)));
    expectError(
        ErrorCode.INVALID_REQUEST_EXCEPTION, () -> list(alice(), STORE, null, 1, token + "A"));
    assertThat(snapshot(alice(), STORE)).isEqualTo(before);
  }

  /**
   * Records that exist for the whole listing appear exactly once even when others are created,
   * updated, deleted and re-created between pages.
   */
  @Test
  default void listingNeverSkipsOrRepeatsARecordThatExistedThroughout() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String key = String.format("k%02d", i);
      put(alice(), STORE, item(key, 0, "v"));
      keys.add(key);
    }
    ListKeyVersionsResponse first = list(alice(), STORE, null, 5, null);
    assertThat(first.getNextPageToken()).isNotEmpty();
    List<String> listed = new ArrayList<>(keysOf(first));

    deleteObject(alice(), STORE, item("k18", -1));
    put(alice(), STORE, item("k18", 0, "re-created"));
    deleteObject(alice(), STORE, item("k10", -1));
    put(alice(), STORE, item("k05", 1, "updated"), item("new", 0, "v"));
    put(alice(), STORE, item("k17", -1, "reset"));
    String token = first.getNextPageToken();
    while (!token.isEmpty()) {
      ListKeyVersionsResponse page = list(alice(), STORE, null, 5, token);
      assertThat(page.hasGlobalVersion()).as("global_version on a later page").isFalse();
      listed.addAll(keysOf(page));
      token = page.getNextPageToken();
    }

    Set<String> throughout = new HashSet<>(keys);
    throughout.removeAll(Set.of("k18", "k10"));
    assertThat(listed).doesNotHaveDuplicates().containsAll(throughout);
  }
}
