package dev.vss.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vss.core.memory.InMemoryStorage;
import dev.vss.core.spi.Storage;
import dev.vss.testkit.SabotagedStorage.Flaw;
import java.util.EnumSet;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.state.ActionChain;

/**
 * Proves that the model property can fail: chains generated exactly as the property generates them
 * (from a fixed seed) are run against storages with one deliberate bug each, and some chain must
 * fail for every bug a single thread can observe. It runs as a jqwik example because action chains
 * only run on a jqwik thread.
 */
class ModelPropertyDetectsSabotageTest {
  private static final int MAX_CHAINS = 200;

  @Example
  void modelPropertyCatchesEverySequentialFlaw() {
    // Races need threads; a well-known token secret behaves exactly like a good one to a client
    // that only follows its own tokens (the conformance suite checks the secret itself).
    for (Flaw flaw :
        EnumSet.complementOf(
            EnumSet.of(
                Flaw.UNSERIALIZED_WRITES,
                Flaw.ZERO_TOKEN_SECRET,
                Flaw.TORN_VISIBILITY,
                Flaw.LOST_UPDATE_ON_DELETE))) {
      assertThat(chainsUntilFailure(flaw))
          .as("chains until %s is caught", flaw)
          .isLessThan(MAX_CHAINS);
    }
  }

  @Example
  void modelPropertyPassesOnTheHealthyStorageWithTheSameSeed() {
    assertThat(chainsUntilFailure(null)).isEqualTo(MAX_CHAINS);
  }

  /** How many chains ran before one failed; {@link #MAX_CHAINS} when none did. */
  private static int chainsUntilFailure(Flaw flaw) {
    Properties properties = new Properties(flaw);
    Random random = new Random(42);
    for (int chains = 0; chains < MAX_CHAINS; chains++) {
      ActionChain<ModelComparison> chain =
          properties.vssActionChains().generator(1000).next(random).value();
      try {
        VssModelPropertySuite.runChecked(chain);
      } catch (AssertionError expected) {
        return chains;
      } finally {
        properties.closeEndpointsOfTheTry();
      }
    }
    return MAX_CHAINS;
  }

  private static final class Properties extends StorageModelPropertySuite {
    private final Flaw flaw;

    Properties(Flaw flaw) {
      this.flaw = flaw;
    }

    @Override
    protected Storage newStorage() {
      Storage memory = new InMemoryStorage();
      return flaw == null ? memory : new SabotagedStorage(memory, flaw);
    }
  }
}
