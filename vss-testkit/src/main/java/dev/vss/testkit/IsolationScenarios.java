package dev.vss.testkit;

import static dev.vss.testkit.Requests.bytes;
import static dev.vss.testkit.Requests.item;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vss.proto.ErrorCode;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Conformance scenarios, one group of {@link VssConformanceSuite}: Keyspace isolation: users, store
 * ids (the empty one included), and store id / key boundaries that an adapter joining strings could
 * blur.
 *
 * <p>Each scenario is a default {@code @Test} method over the {@link ConformanceFixture}; an
 * integrator does not implement this interface directly but extends {@link StorageConformanceSuite}
 * (or {@link VssConformanceSuite}), which implements every group.
 */
public interface IsolationScenarios extends ConformanceFixture {
  /** Two users naming the same store id never see each other's records or global version. */
  @Test
  default void usersAreIsolatedInTheSameStore() {
    assumeCapability(Capability.SEVERAL_USERS);
    put(alice(), STORE, OptionalLong.of(0), List.of(item("k", 0, "alice's")), List.of());

    expectError(ErrorCode.NO_SUCH_KEY_EXCEPTION, () -> get(bob(), STORE, "k"));
    assertThat(snapshot(bob(), STORE).isEmpty()).isTrue();

    put(bob(), STORE, OptionalLong.of(0), List.of(item("k", 0, "bob's")), List.of());
    put(bob(), STORE, item("k", 1, "bob's 2"));
    deleteObject(bob(), STORE, item("k", -1));
    put(bob(), STORE, item("only-bob", 0, "v"));

    assertThat(snapshot(alice(), STORE))
        .isEqualTo(
            new KeyspaceSnapshot(1, List.of(new KeyspaceSnapshot.Entry("k", 1, bytes("alice's")))));
    assertThat(snapshot(bob(), STORE))
        .isEqualTo(
            new KeyspaceSnapshot(
                1, List.of(new KeyspaceSnapshot.Entry("only-bob", 1, bytes("v")))));
  }

  /** Store ids of one user, including the empty one, are separate keyspaces. */
  @Test
  default void storeIdsAreIsolatedIncludingTheEmptyOne() {
    put(alice(), "", OptionalLong.of(0), List.of(item("k", 0, "empty store")), List.of());
    put(alice(), STORE, item("k", 0, "wallet"), item("w", 0, "v"));
    put(alice(), STORE + "2", OptionalLong.of(0), List.of(item("k", 0, "wallet2")), List.of());
    put(alice(), STORE + "2", OptionalLong.of(1), List.of(), List.of());

    assertThat(snapshot(alice(), ""))
        .isEqualTo(
            new KeyspaceSnapshot(
                1, List.of(new KeyspaceSnapshot.Entry("k", 1, bytes("empty store")))));
    assertThat(snapshot(alice(), STORE).keys()).containsExactlyInAnyOrder("k", "w");
    assertThat(snapshot(alice(), STORE).globalVersion()).isZero();
    assertThat(snapshot(alice(), STORE + "2").globalVersion()).isEqualTo(2);
    assertThat(get(alice(), STORE + "2", "k")).isEqualTo(item("k", 1, "wallet2"));

    deleteObject(alice(), "", item("k", -1));
    assertThat(get(alice(), STORE, "k")).isEqualTo(item("k", 1, "wallet"));
    if (declares(Capability.SEVERAL_USERS)) {
      assertThat(snapshot(bob(), "").isEmpty()).isTrue();
    }
  }

  /**
   * Store id and key never blur into each other: an adapter that joins them into one string must
   * still tell {@code ("ab", "c")} from {@code ("a", "bc")}.
   */
  @Test
  default void storeIdAndKeyBoundariesDoNotBlur() {
    for (String separator : List.of("", ":", "/", "|", "\u0000", "\u0001", "\uFFFF")) {
      String shortStore = "s" + separator;
      String longStore = "s" + separator + "x";
      put(alice(), shortStore, item("x" + separator + "k", 0, "short store"));
      put(alice(), longStore, item(separator + "k", 0, "long store"));

      assertThat(snapshot(alice(), shortStore).keys())
          .as("store %s", escape(shortStore))
          .containsExactly("x" + separator + "k");
      assertThat(snapshot(alice(), longStore).keys())
          .as("store %s", escape(longStore))
          .containsExactly(separator + "k");
      assertThat(get(alice(), shortStore, "x" + separator + "k").getValue())
          .isEqualTo(bytes("short store"));
      assertThat(get(alice(), longStore, separator + "k").getValue())
          .isEqualTo(bytes("long store"));
    }
  }
}
