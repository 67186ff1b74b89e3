package dev.vss.testkit;

import static dev.vss.testkit.Requests.item;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Conformance scenarios, one group of {@link VssConformanceSuite}: Creation order: an update keeps
 * a key's place in the listing, a delete and re-create moves it to the front.
 *
 * <p>Each scenario is a default {@code @Test} method over the {@link ConformanceFixture}; an
 * integrator does not implement this interface directly but extends {@link StorageConformanceSuite}
 * (or {@link VssConformanceSuite}), which implements every group.
 */
public interface CreationOrderScenarios extends ConformanceFixture {
  /** An update (conditional or unconditional) keeps the key's place in the listing. */
  @Test
  default void updateKeepsTheCreationPosition() {
    put(alice(), STORE, item("a", 0, "1"));
    put(alice(), STORE, item("b", 0, "1"));
    put(alice(), STORE, item("c", 0, "1"));

    put(alice(), STORE, item("a", 1, "2"));
    put(alice(), STORE, item("b", -1, "2"));

    assertThat(snapshot(alice(), STORE).keys()).containsExactly("c", "b", "a");
  }

  /** Deleting and re-creating a key moves it to the front: it gets a new creation position. */
  @Test
  default void reCreateMovesTheKeyToTheFront() {
    put(alice(), STORE, item("a", 0, "1"));
    put(alice(), STORE, item("b", 0, "1"));
    put(alice(), STORE, item("c", 0, "1"));

    deleteObject(alice(), STORE, item("a", 1));
    put(alice(), STORE, item("a", 0, "again"));

    assertThat(snapshot(alice(), STORE).keys()).containsExactly("a", "c", "b");
    assertThat(get(alice(), STORE, "a")).isEqualTo(item("a", 1, "again"));
  }
}
