package dev.vss.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vss.core.memory.InMemoryStorage;
import dev.vss.core.spi.Storage;
import dev.vss.testkit.SabotagedStorage.Flaw;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingConsumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Proves that the conformance and concurrency suites can fail: each scenario below passes on a
 * healthy storage and fails on a storage with one deliberate bug ({@link SabotagedStorage}).
 * Scenarios are called directly on a suite instance, with its own set-up and tear-down.
 */
class SabotageDetectionTest {
  /** A conformance scenario, named for the report. */
  record Scenario(String name, ThrowingConsumer<StorageConformanceSuite> body) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> flawsAndTheScenariosThatCatchThem() {
    return Stream.of(
        caught(
            Flaw.IGNORES_DELETES,
            "conditionalDeleteRemovesTheKey",
            VssConformanceSuite::conditionalDeleteRemovesTheKey),
        caught(
            Flaw.IGNORES_DELETES,
            "putAndDeleteItemsCommitTogether",
            VssConformanceSuite::putAndDeleteItemsCommitTogether),
        caught(Flaw.IGNORES_DELETES, "deleteIsIdempotent", VssConformanceSuite::deleteIsIdempotent),
        caught(
            Flaw.LISTS_OLDEST_FIRST,
            "listOrdersNewestCreationFirst",
            VssConformanceSuite::listOrdersNewestCreationFirst),
        caught(
            Flaw.LISTS_OLDEST_FIRST,
            "listsAThousandKeysAcrossPages",
            VssConformanceSuite::listsAThousandKeysAcrossPages),
        caught(
            Flaw.LISTS_OLDEST_FIRST,
            "creationOrderHoldsAcrossPagesWithAPrefix",
            VssConformanceSuite::creationOrderHoldsAcrossPagesWithAPrefix),
        caught(Flaw.LIKE_PREFIX, "listPrefixIsLiteral(_)", s -> s.listPrefixIsLiteral("_")),
        caught(Flaw.LIKE_PREFIX, "listPrefixIsLiteral(%)", s -> s.listPrefixIsLiteral("%")),
        caught(
            Flaw.LIKE_PREFIX,
            "listPrefixIsCaseSensitiveAndExact",
            VssConformanceSuite::listPrefixIsCaseSensitiveAndExact),
        caught(
            Flaw.FORGETS_GLOBAL_VERSION,
            "globalVersionIncrementsByExactlyOnePerPutThatCarriesIt",
            VssConformanceSuite::globalVersionIncrementsByExactlyOnePerPutThatCarriesIt),
        caught(
            Flaw.FORGETS_GLOBAL_VERSION,
            "getOfTheReservedKeyAnswersTheGlobalVersion",
            VssConformanceSuite::getOfTheReservedKeyAnswersTheGlobalVersion),
        caught(
            Flaw.NEW_SEQUENCE_ON_UPDATE,
            "updateKeepsTheCreationPosition",
            VssConformanceSuite::updateKeepsTheCreationPosition),
        caught(
            Flaw.NEW_SEQUENCE_ON_UPDATE,
            "creationSequencesAreStoreWideAndIncreasing",
            StorageConformanceSuite::creationSequencesAreStoreWideAndIncreasing),
        caught(
            Flaw.JOINS_STORE_AND_KEY,
            "storeIdAndKeyBoundariesDoNotBlur",
            VssConformanceSuite::storeIdAndKeyBoundariesDoNotBlur),
        caught(
            Flaw.JOINS_STORE_AND_KEY,
            "storeIdsAreIsolatedIncludingTheEmptyOne",
            VssConformanceSuite::storeIdsAreIsolatedIncludingTheEmptyOne),
        caught(
            Flaw.NEW_TOKEN_SECRET_PER_CALL,
            "pageTokenSecretIsThirtyTwoStableBytes",
            StorageConformanceSuite::pageTokenSecretIsThirtyTwoStableBytes),
        caught(
            Flaw.NEW_TOKEN_SECRET_PER_CALL,
            "listsAThousandKeysAcrossPages",
            VssConformanceSuite::listsAThousandKeysAcrossPages),
        caught(
            Flaw.NEW_TOKEN_SECRET_PER_CALL,
            "pageTokenIsBoundToItsListing",
            VssConformanceSuite::pageTokenIsBoundToItsListing),
        caught(
            Flaw.ZERO_TOKEN_SECRET,
            "pageTokenSecretIsThirtyTwoStableBytes",
            StorageConformanceSuite::pageTokenSecretIsThirtyTwoStableBytes));
  }

  @ParameterizedTest(name = "{0} is caught by {1}")
  @MethodSource("flawsAndTheScenariosThatCatchThem")
  void conformanceSuiteCatchesTheFlaw(Flaw flaw, Scenario scenario) throws Exception {
    assertThat(failureOf(new Conformance(null, false, false), scenario.body()))
        .as("%s on a healthy storage", scenario)
        .isNull();
    assertThat(failureOf(new Conformance(flaw, false, false), scenario.body()))
        .as("%s on a storage that %s", scenario, flaw)
        .isNotNull();
  }

  @Test
  void durabilityScenarioCatchesAStorageThatLosesDataOnReopen() throws Exception {
    ThrowingConsumer<StorageConformanceSuite> scenario =
        StorageConformanceSuite::acknowledgedWritesSurviveAReopen;

    assertThat(failureOf(new Conformance(null, false, false), scenario)).isNull();
    assertThat(failureOf(new Conformance(null, true, false), scenario))
        .isInstanceOf(AssertionError.class);
  }

  @Test
  void tokenScenarioCatchesAStorageThatForgetsItsSecretOnReopen() throws Exception {
    ThrowingConsumer<StorageConformanceSuite> scenario =
        StorageConformanceSuite::pageTokensSurviveAReopen;

    assertThat(failureOf(new Conformance(null, false, false), scenario)).isNull();
    // The data survives the reopen; only the secret does not.
    assertThat(failureOf(new Conformance(null, false, true), scenario))
        .isInstanceOf(AssertionError.class);
  }

  @Test
  void concurrencySuiteCatchesWritesThatAreNotSerialized() throws Exception {
    ThrowingConsumer<VssConcurrencySuite> updates =
        VssConcurrencySuite::racingConditionalUpdatesHaveExactlyOneWinner;
    ThrowingConsumer<VssConcurrencySuite> creates =
        VssConcurrencySuite::racingCreatesHaveExactlyOneWinner;

    assertThat(failureOf(new Concurrency(null), updates)).isNull();
    assertThat(failureOf(new Concurrency(Flaw.UNSERIALIZED_WRITES), updates))
        .isInstanceOf(AssertionError.class);
    assertThat(failureOf(new Concurrency(null), creates)).isNull();
    assertThat(failureOf(new Concurrency(Flaw.UNSERIALIZED_WRITES), creates))
        .isInstanceOf(AssertionError.class);
  }

  private static Arguments caught(
      Flaw flaw, String name, ThrowingConsumer<StorageConformanceSuite> body) {
    return Arguments.of(flaw, new Scenario(name, body));
  }

  /** Runs one scenario with the suite's own set-up and tear-down; answers what it threw. */
  private static <S extends VssConformanceSuite> Throwable failureOf(
      S suite, ThrowingConsumer<S> scenario) throws Exception {
    suite.openEndpoint();
    try {
      scenario.accept(suite);
      return null;
    } catch (Throwable failure) {
      return failure;
    } finally {
      suite.releaseEndpoint();
    }
  }

  private static <S extends VssConcurrencySuite> Throwable failureOf(
      S suite, ThrowingConsumer<S> scenario) throws Exception {
    suite.openEndpoint();
    try {
      scenario.accept(suite);
      return null;
    } catch (Throwable failure) {
      return failure;
    } finally {
      suite.releaseEndpoint();
    }
  }

  /** The conformance kit over a healthy or sabotaged in-memory storage that can be reopened. */
  private static final class Conformance extends StorageConformanceSuite {
    private final Flaw flaw;
    private final boolean losesDataOnReopen;
    private final boolean forgetsTokenSecret;

    Conformance(Flaw flaw, boolean losesDataOnReopen, boolean forgetsTokenSecret) {
      this.flaw = flaw;
      this.losesDataOnReopen = losesDataOnReopen;
      this.forgetsTokenSecret = forgetsTokenSecret;
    }

    @Override
    protected Storage newStorage() {
      Storage memory = new InMemoryStorage();
      return new RestartableStorage(
          flaw == null ? memory : new SabotagedStorage(memory, flaw), forgetsTokenSecret);
    }

    @Override
    protected Optional<Storage> reopenStorage(Storage storage) {
      RestartableStorage handle = (RestartableStorage) storage;
      if (losesDataOnReopen) {
        handle.destroy();
        return Optional.of(new RestartableStorage(new InMemoryStorage()));
      }
      return Optional.of(handle.restart());
    }

    @Override
    protected void closeStorage(Storage storage) {
      ((RestartableStorage) storage).destroy();
    }
  }

  /** The concurrency suite over a healthy or sabotaged in-memory storage. */
  private static final class Concurrency extends StorageConcurrencySuite {
    private final Flaw flaw;

    Concurrency(Flaw flaw) {
      this.flaw = flaw;
    }

    @Override
    protected Storage newStorage() {
      Storage memory = new InMemoryStorage();
      return flaw == null ? memory : new SabotagedStorage(memory, flaw);
    }
  }
}
