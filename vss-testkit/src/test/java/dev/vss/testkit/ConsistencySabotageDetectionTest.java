package dev.vss.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vss.core.memory.InMemoryStorage;
import dev.vss.core.spi.Storage;
import dev.vss.testkit.SabotagedStorage.Flaw;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingConsumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Proves that the consistency suite can fail: each check below passes on a healthy storage and
 * fails, in every run, on a storage with one deliberate bug of the class it exists for: torn
 * visibility ({@link Flaw#TORN_VISIBILITY}), lost updates under contention ({@link
 * Flaw#LOST_UPDATE_ON_DELETE}, {@link Flaw#UNSERIALIZED_WRITES}) and acknowledging before the write
 * reached the OS ({@link FileLogStorage} with {@code acknowledgeBeforeWriting}).
 */
class ConsistencySabotageDetectionTest {
  /** Each visibility check runs this many times on the torn store, and must fail every time. */
  private static final int RUNS = 3;

  @Test
  void listingsCatchAPutThatBecomesVisibleItemByItem() throws Exception {
    assertThat(failureOf(new Sabotaged(null), VssConsistencySuite::listingsNeverSeeAPutHalfApplied))
        .isNull();
    for (int run = 0; run < RUNS; run++) {
      assertThat(
              failureOf(
                  new Sabotaged(Flaw.TORN_VISIBILITY),
                  VssConsistencySuite::listingsNeverSeeAPutHalfApplied))
          .as("run %d", run)
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("one page");
    }
  }

  @Test
  void getsCatchAPutThatBecomesVisibleItemByItem() throws Exception {
    assertThat(failureOf(new Sabotaged(null), VssConsistencySuite::getsNeverSeeAPutHalfApplied))
        .isNull();
    for (int run = 0; run < RUNS; run++) {
      assertThat(
              failureOf(
                  new Sabotaged(Flaw.TORN_VISIBILITY),
                  VssConsistencySuite::getsNeverSeeAPutHalfApplied))
          .as("run %d", run)
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("committed");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Flaw.class,
      names = {"LOST_UPDATE_ON_DELETE", "UNSERIALIZED_WRITES"})
  void linearizabilityCatchesLostUpdates(Flaw flaw) throws Exception {
    assertThat(
            failureOf(
                new Sabotaged(flaw), VssConsistencySuite::historiesOfOneKeyspaceAreLinearizable))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("not linearizable");
  }

  @Test
  void linearizabilityPassesOnTheHealthyStorage() throws Exception {
    assertThat(
            failureOf(
                new Sabotaged(null), VssConsistencySuite::historiesOfOneKeyspaceAreLinearizable))
        .isNull();
  }

  @Test
  void theKillTestCatchesAStoreThatAcknowledgesBeforeWriting() throws Exception {
    assertThat(
            failureOf(
                new AcknowledgesBeforeWriting(),
                StorageConsistencySuite::acknowledgedWritesSurviveSigkill))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("rounds in the store after the kill");
  }

  /** Runs one check with the suite's own set-up and tear-down; answers what it threw. */
  private static <S extends VssConsistencySuite> Throwable failureOf(
      S suite, ThrowingConsumer<S> check) throws Exception {
    suite.openEndpoint();
    try {
      check.accept(suite);
      return null;
    } catch (Throwable failure) {
      return failure;
    } finally {
      suite.releaseEndpoint();
    }
  }

  /** The consistency suite over a healthy or sabotaged in-memory storage. */
  private static final class Sabotaged extends StorageConsistencySuite {
    private final Flaw flaw;

    Sabotaged(Flaw flaw) {
      this.flaw = flaw;
    }

    @Override
    protected Storage openStorage(Path directory) {
      Storage memory = new InMemoryStorage();
      return flaw == null ? memory : new SabotagedStorage(memory, flaw);
    }

    @Override
    protected Set<Capability> capabilities() {
      return EnumSet.of(Capability.SEVERAL_USERS, Capability.EXACT_MESSAGES);
    }
  }

  /**
   * The kill test over a store that acknowledges writes still in its buffer; the child JVM
   * instantiates this class to open the store.
   */
  static final class AcknowledgesBeforeWriting extends StorageConsistencySuite {
    @Override
    protected Storage openStorage(Path directory) {
      return FileLogStorage.open(directory, true);
    }
  }
}
