package dev.vss.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vss.core.Keyspace;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.core.spi.KeyVersion;
import dev.vss.core.spi.Storage;
import dev.vss.core.spi.StoredRecord;
import dev.vss.core.spi.Usage;
import dev.vss.core.spi.WriteDecision;
import dev.vss.core.spi.WritePlan;
import dev.vss.core.spi.WriteView;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * Proves that {@link StorageQuotaSuite} can fail: each scenario passes on {@link InMemoryStorage}
 * and fails on a store with one plausible usage bug.
 */
class QuotaSabotageDetectionTest {
  /** The bugs. */
  enum Flaw {
    /** Counts every upsert as a new record of its full size (an overwrite is not a difference). */
    COUNTS_OVERWRITES_AS_NEW,
    /** Hands the decision the user's usage read before the write is serialized. */
    STALE_USER_USAGE
  }

  /** An in-memory store with {@code flaw}. */
  private static final class MiscountingStorage implements Storage {
    private final InMemoryStorage data = new InMemoryStorage();
    private final Flaw flaw;
    private final Map<Keyspace, Usage> counted = new ConcurrentHashMap<>();

    MiscountingStorage(Flaw flaw) {
      this.flaw = flaw;
    }

    @Override
    public <R> R write(Keyspace keyspace, Set<String> keys, WriteDecision<R> decision) {
      Usage early = data.userUsage(keyspace.userToken());
      return data.write(
          keyspace,
          keys,
          new WriteDecision<R>() {
            @Override
            public WritePlan<R> decide(WriteView view) {
              WritePlan<R> plan =
                  decision.decide(
                      flaw != Flaw.STALE_USER_USAGE
                          ? view
                          : WriteView.of(
                              keys,
                              view::version,
                              view::storedBytes,
                              view::globalVersion,
                              view::keyspaceUsage,
                              () -> {
                                Thread.yield(); // widen the window a little, as a slow read would
                                return early;
                              }));
              if (flaw == Flaw.COUNTS_OVERWRITES_AS_NEW && !plan.isAbort()) {
                Usage naive = Usage.change(plan, key -> OptionalLong.empty());
                counted.merge(keyspace, naive, Usage::plus);
              }
              return plan;
            }

            @Override
            public boolean readsUsage() {
              return decision.readsUsage();
            }
          });
    }

    @Override
    public boolean tracksUsage() {
      return true;
    }

    @Override
    public Usage usage(Keyspace keyspace) {
      return flaw == Flaw.COUNTS_OVERWRITES_AS_NEW
          ? counted.getOrDefault(keyspace, Usage.ZERO)
          : data.usage(keyspace);
    }

    @Override
    public Usage userUsage(String userToken) {
      if (flaw != Flaw.COUNTS_OVERWRITES_AS_NEW) {
        return data.userUsage(userToken);
      }
      return counted.entrySet().stream()
          .filter(e -> e.getKey().userToken().equals(userToken))
          .map(Map.Entry::getValue)
          .reduce(Usage.ZERO, Usage::plus);
    }

    @Override
    public Optional<StoredRecord> get(Keyspace keyspace, String key) {
      return data.get(keyspace, key);
    }

    @Override
    public long globalVersion(Keyspace keyspace) {
      return data.globalVersion(keyspace);
    }

    @Override
    public List<KeyVersion> list(Keyspace keyspace, String prefix, long before, int limit) {
      return data.list(keyspace, prefix, before, limit);
    }

    @Override
    public void checkHealth() {
      data.checkHealth();
    }

    @Override
    public byte[] pageTokenSecret() {
      return data.pageTokenSecret();
    }

    @Override
    public String name() {
      return "miscounting-" + flaw;
    }

    @Override
    public void close() {
      data.close();
    }
  }

  /** A suite over a store with {@code flaw} (or a healthy one for null). */
  private static StorageQuotaSuite suite(Flaw flaw) {
    return new StorageQuotaSuite() {
      @Override
      protected Storage newStorage() {
        return flaw == null ? new InMemoryStorage() : new MiscountingStorage(flaw);
      }
    };
  }

  private static void run(StorageQuotaSuite suite, ThrowingConsumer<StorageQuotaSuite> scenario)
      throws Throwable {
    suite.openStorage();
    try {
      scenario.accept(suite);
    } finally {
      suite.releaseStorage();
    }
  }

  @Test
  void aStoreThatCountsOverwritesAsNewRecordsIsCaught() throws Throwable {
    run(suite(null), StorageQuotaSuite::trackedUsageEqualsTheDataWithoutQuotas);
    assertThatThrownBy(
            () ->
                run(
                    suite(Flaw.COUNTS_OVERWRITES_AS_NEW),
                    StorageQuotaSuite::trackedUsageEqualsTheDataWithoutQuotas))
        .isInstanceOf(AssertionError.class);
  }

  @Test
  void aStoreThatReadsTheUserUsageUnserializedIsCaughtByTheRace() throws Throwable {
    run(suite(null), StorageQuotaSuite::writersOnSeveralStoreIdsNeverTakeAUserOverQuota);
    // A race: try a few times; an unserialized read lets more puts through than fit.
    assertThatThrownBy(
            () -> {
              for (int attempt = 0; attempt < 20; attempt++) {
                run(
                    suite(Flaw.STALE_USER_USAGE),
                    StorageQuotaSuite::writersOnSeveralStoreIdsNeverTakeAUserOverQuota);
              }
            })
        .isInstanceOf(AssertionError.class);
  }
}
