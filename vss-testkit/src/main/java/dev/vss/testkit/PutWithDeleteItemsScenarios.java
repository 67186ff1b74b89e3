package dev.vss.testkit;

import static dev.vss.testkit.Requests.item;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vss.proto.ErrorCode;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Conformance scenarios, one group of {@link VssConformanceSuite}: putObjects with delete items:
 * transaction items and delete items of one put commit or fail as one atomic unit.
 *
 * <p>Each scenario is a default {@code @Test} method over the {@link ConformanceFixture}; an
 * integrator does not implement this interface directly but extends {@link StorageConformanceSuite}
 * (or {@link VssConformanceSuite}), which implements every group.
 */
public interface PutWithDeleteItemsScenarios extends ConformanceFixture {
  /** Writes and deletes of one put commit together. */
  @Test
  default void putAndDeleteItemsCommitTogether() {
    put(alice(), STORE, item("a", 0, "a1"), item("b", 0, "b1"));
    put(alice(), STORE, item("b", 1, "b2"));

    put(
        alice(),
        STORE,
        OptionalLong.of(0),
        List.of(item("c", 0, "c1")),
        List.of(item("a", 1), item("b", -1)));

    KeyspaceSnapshot after = snapshot(alice(), STORE);
    assertThat(after.keys()).containsExactly("c");
    assertThat(after.globalVersion()).isEqualTo(1);
  }

  /** A delete item with a mismatching version fails the put: its writes are not applied. */
  @Test
  default void aMismatchingDeleteItemFailsThePut() {
    put(alice(), STORE, item("a", 0, "a1"));

    expectConflictAndNoChange(
        alice(),
        STORE,
        putRequest(OptionalLong.empty(), List.of(item("b", 0, "b1")), List.of(item("a", 5))));

    assertThat(get(alice(), STORE, "a")).isEqualTo(item("a", 1, "a1"));
    expectError(ErrorCode.NO_SUCH_KEY_EXCEPTION, () -> get(alice(), STORE, "b"));
  }

  /** A delete item of a missing key fails the put, even when unconditional. */
  @Test
  default void aDeleteItemOfAMissingKeyFailsThePut() {
    put(alice(), STORE, item("a", 0, "a1"));

    expectConflictAndNoChange(
        alice(),
        STORE,
        putRequest(OptionalLong.empty(), List.of(item("b", 0, "b1")), List.of(item("ghost", -1))));
    expectConflictAndNoChange(
        alice(),
        STORE,
        putRequest(OptionalLong.empty(), List.of(item("a", 1, "a2")), List.of(item("ghost", 0))));

    expectError(ErrorCode.NO_SUCH_KEY_EXCEPTION, () -> get(alice(), STORE, "b"));
    assertThat(get(alice(), STORE, "a")).isEqualTo(item("a", 1, "a1"));
  }

  /** A mismatching transaction item fails the put: its delete items are not applied. */
  @Test
  default void aMismatchingPutItemFailsTheDeleteItems() {
    put(alice(), STORE, item("a", 0, "a1"), item("b", 0, "b1"));

    expectConflictAndNoChange(
        alice(),
        STORE,
        putRequest(OptionalLong.empty(), List.of(item("a", 9, "a2")), List.of(item("b", 1))));

    assertThat(get(alice(), STORE, "b")).isEqualTo(item("b", 1, "b1"));
  }

  /** A global version mismatch fails both the writes and the deletes of a put. */
  @Test
  default void aGlobalVersionMismatchFailsPutAndDeleteItems() {
    put(alice(), STORE, item("a", 0, "a1"));

    expectConflictAndNoChange(
        alice(),
        STORE,
        putRequest(OptionalLong.of(5), List.of(item("b", 0, "b1")), List.of(item("a", 1))));

    assertThat(get(alice(), STORE, "a")).isEqualTo(item("a", 1, "a1"));
    expectError(ErrorCode.NO_SUCH_KEY_EXCEPTION, () -> get(alice(), STORE, "b"));
  }

  /** A delete item with version -1 removes the key whatever its version. */
  @Test
  default void unconditionalDeleteItemRemovesAnyVersion() {
    put(alice(), STORE, item("a", 0, "a1"));
    put(alice(), STORE, item("a", 1, "a2"));
    put(alice(), STORE, item("a", 2, "a3"));

    put(alice(), STORE, OptionalLong.empty(), List.of(), List.of(item("a", -1)));

    expectError(ErrorCode.NO_SUCH_KEY_EXCEPTION, () -> get(alice(), STORE, "a"));
  }
}
