package dev.vss.testkit;

import static dev.vss.testkit.Requests.item;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.ErrorCode;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Conformance scenarios, one group of {@link VssConformanceSuite}: deleteObject: conditional,
 * unconditional, mismatched and missing targets; idempotence; the global version left alone.
 *
 * <p>Each scenario is a default {@code @Test} method over the {@link ConformanceFixture}; an
 * integrator does not implement this interface directly but extends {@link StorageConformanceSuite}
 * (or {@link VssConformanceSuite}), which implements every group.
 */
public interface DeleteScenarios extends ConformanceFixture {
  /** deleteObject with the stored version deletes the key. */
  @Test
  default void conditionalDeleteRemovesTheKey() {
    put(alice(), STORE, item("k", 0, "v1"));
    put(alice(), STORE, item("k", 1, "v2"));

    deleteObject(alice(), STORE, item("k", 2));

    expectError(ErrorCode.NO_SUCH_KEY_EXCEPTION, () -> get(alice(), STORE, "k"));
    assertThat(snapshot(alice(), STORE).entries()).isEmpty();
  }

  /** deleteObject with version -1 deletes the key whatever its version. */
  @Test
  default void unconditionalDeleteRemovesTheKey() {
    put(alice(), STORE, item("k", 0, "v1"));
    put(alice(), STORE, item("k", 1, "v2"));

    deleteObject(alice(), STORE, item("k", -1));

    expectError(ErrorCode.NO_SUCH_KEY_EXCEPTION, () -> get(alice(), STORE, "k"));
  }

  /** deleteObject with a version that is not stored succeeds and deletes nothing. */
  @Test
  default void deleteWithAMismatchedVersionDeletesNothingAndSucceeds() {
    put(alice(), STORE, item("k", 0, "v1"));
    put(alice(), STORE, item("k", 1, "v2"));
    KeyspaceSnapshot before = snapshot(alice(), STORE);

    deleteObject(alice(), STORE, item("k", 1));
    deleteObject(alice(), STORE, item("k", 3));
    deleteObject(alice(), STORE, item("k", 0));

    assertThat(snapshot(alice(), STORE)).isEqualTo(before);
    assertThat(get(alice(), STORE, "k")).isEqualTo(item("k", 2, "v2"));
  }

  /** deleteObject of a key that never existed succeeds. */
  @Test
  default void deleteOfAMissingKeySucceeds() {
    put(alice(), STORE, item("other", 0, "v"));
    KeyspaceSnapshot before = snapshot(alice(), STORE);

    deleteObject(alice(), STORE, item("ghost", -1));
    deleteObject(alice(), STORE, item("ghost", 1));

    assertThat(snapshot(alice(), STORE)).isEqualTo(before);
  }

  /** Repeating a deleteObject succeeds every time. */
  @Test
  default void deleteIsIdempotent() {
    put(alice(), STORE, item("k", 0, "v"), item("other", 0, "v"));

    deleteObject(alice(), STORE, item("k", 1));
    deleteObject(alice(), STORE, item("k", 1));
    deleteObject(alice(), STORE, item("k", -1));

    assertThat(snapshot(alice(), STORE).keys()).containsExactly("other");
  }

  /** deleteObject never touches the global version. */
  @Test
  default void deleteLeavesTheGlobalVersionAlone() {
    put(alice(), STORE, OptionalLong.of(0), List.of(item("k", 0, "v")), List.of());

    deleteObject(alice(), STORE, item("k", -1));

    assertThat(globalVersion(alice(), STORE)).isEqualTo(1);
  }

  /** deleteObject without key_value is INVALID_REQUEST. */
  @Test
  default void deleteWithoutKeyValueIsInvalid() {
    put(alice(), STORE, item("k", 0, "v"));

    expectInvalidAndNoChange(
        alice(),
        STORE,
        () ->
            endpoint()
                .deleteObject(alice(), DeleteObjectRequest.newBuilder().setStoreId(STORE).build()));
  }
}
