package dev.vss.testkit;

import static dev.vss.testkit.Requests.item;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vss.proto.ErrorCode;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Conformance scenarios, one group of {@link VssConformanceSuite}: putObjects: creates, conditional
 * updates, unconditional upserts, key-version and global-version conflicts, and the global version
 * advancing by exactly one per put that carries it.
 *
 * <p>Each scenario is a default {@code @Test} method over the {@link ConformanceFixture}; an
 * integrator does not implement this interface directly but extends {@link StorageConformanceSuite}
 * (or {@link VssConformanceSuite}), which implements every group.
 */
public interface PutScenarios extends ConformanceFixture {
  /** Version 0 creates a key; the stored version is 1. */
  @Test
  default void createStoresVersionOne() {
    put(alice(), STORE, item("k", 0, "v"));

    assertThat(get(alice(), STORE, "k")).isEqualTo(item("k", 1, "v"));
  }

  /** Several items in one put are all created. */
  @Test
  default void createStoresSeveralItemsTogether() {
    put(alice(), STORE, item("a", 0, "1"), item("b", 0, "2"), item("c", 0, "3"));

    assertThat(get(alice(), STORE, "a")).isEqualTo(item("a", 1, "1"));
    assertThat(get(alice(), STORE, "b")).isEqualTo(item("b", 1, "2"));
    assertThat(get(alice(), STORE, "c")).isEqualTo(item("c", 1, "3"));
    assertThat(snapshot(alice(), STORE).keys()).containsExactlyInAnyOrder("a", "b", "c");
  }

  /** Version n stores n + 1 when the stored version is n. */
  @Test
  default void conditionalPutIncrementsTheVersion() {
    put(alice(), STORE, item("k", 0, "v1"));
    put(alice(), STORE, item("k", 1, "v2"));
    put(alice(), STORE, item("k", 2, "v3"));

    assertThat(get(alice(), STORE, "k")).isEqualTo(item("k", 3, "v3"));
  }

  /** Several conditional items in one put all advance. */
  @Test
  default void conditionalPutOfSeveralItemsAdvancesEach() {
    put(alice(), STORE, item("a", 0, "a1"), item("b", 0, "b1"));
    put(alice(), STORE, item("b", 1, "b2"));

    put(alice(), STORE, item("a", 1, "a2"), item("b", 2, "b3"), item("c", 0, "c1"));

    assertThat(get(alice(), STORE, "a")).isEqualTo(item("a", 2, "a2"));
    assertThat(get(alice(), STORE, "b")).isEqualTo(item("b", 3, "b3"));
    assertThat(get(alice(), STORE, "c")).isEqualTo(item("c", 1, "c1"));
  }

  /** Version -1 creates a missing key at version 1. */
  @Test
  default void unconditionalPutCreatesAMissingKey() {
    put(alice(), STORE, item("k", -1, "v"));

    assertThat(get(alice(), STORE, "k")).isEqualTo(item("k", 1, "v"));
  }

  /** SPEC quirk: version -1 overwrites whatever is stored and resets the version to 1. */
  @Test
  default void unconditionalPutResetsTheVersionToOne() {
    put(alice(), STORE, item("k", 0, "v1"));
    put(alice(), STORE, item("k", 1, "v2"));
    put(alice(), STORE, item("k", 2, "v3"));

    put(alice(), STORE, item("k", -1, "v4"));

    assertThat(get(alice(), STORE, "k")).isEqualTo(item("k", 1, "v4"));
  }

  /** Version 0 on an existing key conflicts and changes nothing. */
  @Test
  default void createOfAnExistingKeyConflicts() {
    put(alice(), STORE, item("k", 0, "original"));

    expectConflictAndNoChange(alice(), STORE, putRequest(item("k", 0, "other")));

    assertThat(get(alice(), STORE, "k")).isEqualTo(item("k", 1, "original"));
  }

  /** A stale or a future version conflicts and changes nothing. */
  @Test
  default void keyVersionMismatchConflicts() {
    put(alice(), STORE, item("k", 0, "v1"));
    put(alice(), STORE, item("k", 1, "v2"));

    expectConflictAndNoChange(alice(), STORE, putRequest(item("k", 1, "stale")));
    expectConflictAndNoChange(alice(), STORE, putRequest(item("k", 3, "ahead")));
    expectConflictAndNoChange(alice(), STORE, putRequest(item("k", Long.MAX_VALUE, "far ahead")));

    assertThat(get(alice(), STORE, "k")).isEqualTo(item("k", 2, "v2"));
  }

  /** Version n > 0 on a missing key conflicts: there is nothing to compare with. */
  @Test
  default void conditionalPutOfAMissingKeyConflicts() {
    expectConflictAndNoChange(alice(), STORE, putRequest(item("k", 1, "v")));

    expectError(ErrorCode.NO_SUCH_KEY_EXCEPTION, () -> get(alice(), STORE, "k"));
  }

  /** One mismatching item fails the whole put: no other item is written. */
  @Test
  default void multiItemPutWithOneMismatchChangesNothing() {
    put(alice(), STORE, item("a", 0, "a1"), item("b", 0, "b1"));

    expectConflictAndNoChange(
        alice(), STORE, putRequest(item("a", 1, "a2"), item("c", 0, "c1"), item("b", 7, "b2")));

    assertThat(get(alice(), STORE, "a")).isEqualTo(item("a", 1, "a1"));
    assertThat(get(alice(), STORE, "b")).isEqualTo(item("b", 1, "b1"));
    expectError(ErrorCode.NO_SUCH_KEY_EXCEPTION, () -> get(alice(), STORE, "c"));
  }

  /** A global version that is not the stored one conflicts and writes nothing. */
  @Test
  default void globalVersionMismatchConflicts() {
    expectConflictAndNoChange(alice(), STORE, putRequest(OptionalLong.of(1), item("k", 0, "v")));

    put(alice(), STORE, OptionalLong.of(0), List.of(item("k", 0, "v")), List.of());
    assertThat(globalVersion(alice(), STORE)).isEqualTo(1);

    expectConflictAndNoChange(alice(), STORE, putRequest(OptionalLong.of(0), item("j", 0, "v")));
    expectConflictAndNoChange(alice(), STORE, putRequest(OptionalLong.of(2), item("j", 0, "v")));
    expectError(ErrorCode.NO_SUCH_KEY_EXCEPTION, () -> get(alice(), STORE, "j"));
  }

  /** Puts that carry no global version never change it: it stays 0. */
  @Test
  default void putWithoutGlobalVersionLeavesItAtZero() {
    put(alice(), STORE, item("a", 0, "1"));
    put(alice(), STORE, item("a", 1, "2"), item("b", -1, "3"));

    assertThat(globalVersion(alice(), STORE)).isZero();
    assertThat(get(alice(), STORE, GLOBAL_VERSION_KEY).getVersion()).isZero();
  }

  /** Each successful put carrying the global version adds exactly one to it; others add nothing. */
  @Test
  default void globalVersionIncrementsByExactlyOnePerPutThatCarriesIt() {
    for (int i = 0; i < 10; i++) {
      put(alice(), STORE, OptionalLong.of(i), List.of(item("k" + i, 0, "v")), List.of());
      assertThat(globalVersion(alice(), STORE)).isEqualTo(i + 1);

      put(alice(), STORE, item("other" + i, 0, "v"));
      assertThat(globalVersion(alice(), STORE)).isEqualTo(i + 1);
    }
  }

  /** A put with no items but a global version only advances the global version. */
  @Test
  default void putWithOnlyAGlobalVersionAdvancesIt() {
    put(alice(), STORE, OptionalLong.of(0), List.of(), List.of());
    put(alice(), STORE, OptionalLong.of(1), List.of(), List.of());

    KeyspaceSnapshot after = snapshot(alice(), STORE);
    assertThat(after.globalVersion()).isEqualTo(2);
    assertThat(after.entries()).isEmpty();
  }

  /** A put with no items and no global version succeeds and changes nothing. */
  @Test
  default void emptyPutChangesNothing() {
    put(alice(), STORE, item("k", 0, "v"));
    KeyspaceSnapshot before = snapshot(alice(), STORE);

    put(alice(), STORE, OptionalLong.empty(), List.of(), List.of());

    assertThat(snapshot(alice(), STORE)).isEqualTo(before);
  }
}
