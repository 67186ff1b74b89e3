package dev.vss.testkit;

import static dev.vss.testkit.Requests.item;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vss.proto.ErrorCode;
import org.junit.jupiter.api.Test;

/**
 * Conformance scenarios, one group of {@link VssConformanceSuite}: getObject: values and versions,
 * NO_SUCH_KEY for missing and deleted keys.
 *
 * <p>Each scenario is a default {@code @Test} method over the {@link ConformanceFixture}; an
 * integrator does not implement this interface directly but extends {@link StorageConformanceSuite}
 * (or {@link VssConformanceSuite}), which implements every group.
 */
public interface GetScenarios extends ConformanceFixture {
  /** getObject of a key that does not exist is NO_SUCH_KEY. */
  @Test
  default void getOfAMissingKeyIsNoSuchKey() {
    put(alice(), STORE, item("other", 0, "v"));

    expectErrorAndNoChange(
        ErrorCode.NO_SUCH_KEY_EXCEPTION, alice(), STORE, () -> get(alice(), STORE, "k"));
  }

  /** getObject answers the key, its value and its version. */
  @Test
  default void getReturnsValueAndVersion() {
    put(alice(), STORE, item("k", 0, "v1"), item("empty", 0, ""));
    put(alice(), STORE, item("k", 1, "v2"));

    assertThat(get(alice(), STORE, "k")).isEqualTo(item("k", 2, "v2"));
    assertThat(get(alice(), STORE, "empty")).isEqualTo(item("empty", 1, ""));
  }

  /** A deleted key is NO_SUCH_KEY again. */
  @Test
  default void getOfADeletedKeyIsNoSuchKey() {
    put(alice(), STORE, item("k", 0, "v"));
    deleteObject(alice(), STORE, item("k", 1));

    expectError(ErrorCode.NO_SUCH_KEY_EXCEPTION, () -> get(alice(), STORE, "k"));
  }
}
