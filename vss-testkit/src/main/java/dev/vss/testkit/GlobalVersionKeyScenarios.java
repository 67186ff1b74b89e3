package dev.vss.testkit;

import static dev.vss.testkit.Requests.item;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Conformance scenarios, one group of {@link VssConformanceSuite}: The reserved key {@code
 * global_version}: reading it answers the global version; writing or deleting it is
 * INVALID_REQUEST; look-alike keys are ordinary keys.
 *
 * <p>Each scenario is a default {@code @Test} method over the {@link ConformanceFixture}; an
 * integrator does not implement this interface directly but extends {@link StorageConformanceSuite}
 * (or {@link VssConformanceSuite}), which implements every group.
 */
public interface GlobalVersionKeyScenarios extends ConformanceFixture {
  /** getObject of global_version answers the global version with an empty value, 0 when unset. */
  @Test
  default void getOfTheReservedKeyAnswersTheGlobalVersion() {
    assertThat(get(alice(), STORE, GLOBAL_VERSION_KEY)).isEqualTo(item(GLOBAL_VERSION_KEY, 0));

    put(alice(), STORE, OptionalLong.of(0), List.of(item("k", 0, "v")), List.of());
    put(alice(), STORE, OptionalLong.of(1), List.of(), List.of());

    assertThat(get(alice(), STORE, GLOBAL_VERSION_KEY)).isEqualTo(item(GLOBAL_VERSION_KEY, 2));
  }

  /** The reserved key can be neither written nor deleted, by either operation. */
  @Test
  default void writingOrDeletingTheReservedKeyIsInvalid() {
    put(alice(), STORE, OptionalLong.of(0), List.of(item("k", 0, "v")), List.of());

    expectInvalidAndNoChange(alice(), STORE, putRequest(item(GLOBAL_VERSION_KEY, -1, "v")));
    expectInvalidAndNoChange(alice(), STORE, putRequest(item(GLOBAL_VERSION_KEY, 0, "v")));
    expectInvalidAndNoChange(
        alice(),
        STORE,
        putRequest(
            OptionalLong.empty(),
            List.of(item("j", 0, "v")),
            List.of(item(GLOBAL_VERSION_KEY, -1))));
    expectInvalidAndNoChange(
        alice(), STORE, () -> deleteObject(alice(), STORE, item(GLOBAL_VERSION_KEY, -1)));
    expectInvalidAndNoChange(
        alice(), STORE, () -> deleteObject(alice(), STORE, item(GLOBAL_VERSION_KEY, 1)));
  }

  /** Keys that merely resemble the reserved key are ordinary keys; listing never shows it. */
  @Test
  default void listingNeverShowsTheReservedKey() {
    put(
        alice(),
        STORE,
        OptionalLong.of(0),
        List.of(item("global_version_2", 0, "v"), item("global", 0, "v")),
        List.of());

    assertThat(snapshot(alice(), STORE).keys()).containsExactly("global", "global_version_2");
    assertThat(listAll(alice(), STORE, "global_version", null).keys())
        .containsExactly("global_version_2");
  }
}
