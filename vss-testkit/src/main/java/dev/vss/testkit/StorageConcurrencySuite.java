package dev.vss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vss.core.Limits;
import dev.vss.core.VssException;
import dev.vss.core.VssService;
import dev.vss.core.spi.Storage;
import dev.vss.proto.DeleteObjectResponse;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The concurrency suite ({@link VssConcurrencySuite}) for a {@link Storage} adapter: each test
 * opens a fresh storage and races threads through a {@link VssService} over it. Only a storage
 * whose {@code write} really serializes decisions per keyspace and publishes committed writes to
 * every later read passes.
 *
 * <pre>{@code
 * class MyStorageConcurrencyTest extends StorageConcurrencySuite {
 *   @TempDir Path dir;
 *
 *   @Override
 *   protected Storage newStorage() {
 *     return MyStorage.open(dir.resolve("vss.db"));
 *   }
 * }
 * }</pre>
 */
public abstract class StorageConcurrencySuite extends VssConcurrencySuite {
  private Storage storage;

  /**
   * A new, empty storage for one test.
   *
   * @throws Exception if it cannot be opened; the test then fails
   */
  protected abstract Storage newStorage() throws Exception;

  /**
   * What the storage supports; a storage behind {@code VssService} declares {@link
   * Capability#all()} by default.
   */
  @Override
  protected Set<Capability> capabilities() {
    return Capability.all();
  }

  /**
   * Releases a storage made by {@link #newStorage()}; called after each test. Closes it unless
   * overridden (override to also delete its files).
   *
   * @throws Exception if releasing fails; the test then fails
   */
  protected void closeStorage(Storage storage) throws Exception {
    storage.close();
  }

  /** The limits the service enforces; defaults to {@link Limits#DEFAULTS}. */
  protected Limits limits() {
    return Limits.DEFAULTS;
  }

  /**
   * Many writes queued through {@link Storage#writeAsync} from one thread before any is waited for,
   * as the HTTP shell's IO threads queue them: each stage completes with its own outcome. Of the
   * creates of one key exactly one wins (the others complete with CONFLICT), every create of a key
   * of its own succeeds, and every write whose stage succeeded reads back; deletes queued the same
   * way once the puts are done remove what they name. A store that writes on the calling thread
   * (the default {@code writeAsync}) passes the same way.
   */
  @Test
  public void writesQueuedWithoutWaitingEachGetTheirOwnOutcome() throws Exception {
    VssService service = new VssService(storage, limits());
    String store = "queued";
    int writes = 160; // every fourth races for one key, the others create keys of their own
    int deleted = 12; // keys k0 to k11 are deleted afterwards
    List<CompletionStage<PutObjectResponse>> creates = new ArrayList<>();
    List<CompletionStage<PutObjectResponse>> races = new ArrayList<>();
    for (int i = 0; i < writes; i++) {
      boolean racer = i % 4 == 3;
      KeyValue item =
          racer ? Requests.item("race", 0, "racer " + i) : Requests.item("k" + i, 0, "v" + i);
      (racer ? races : creates)
          .add(
              service.putObjectsAsync(
                  alice, Requests.put(store, OptionalLong.empty(), List.of(item), List.of())));
    }

    for (CompletionStage<PutObjectResponse> create : creates) {
      assertThat(outcome(create)).as("a create of a key of its own").isEmpty();
    }
    int winners = 0;
    for (CompletionStage<PutObjectResponse> race : races) {
      Optional<ErrorCode> code = outcome(race);
      if (code.isEmpty()) {
        winners++;
      } else {
        assertThat(code).contains(ErrorCode.CONFLICT_EXCEPTION);
      }
    }
    assertThat(winners).as("racing creates of one key that succeeded").isEqualTo(1);
    // Queued once the puts are done: the SPI orders a keyspace's writes only as they are waited
    // for, not as they are queued.
    List<CompletionStage<DeleteObjectResponse>> deletes = new ArrayList<>();
    for (int i = 0; i < deleted; i++) {
      deletes.add(
          service.deleteObjectAsync(alice, Requests.delete(store, Requests.item("k" + i, -1))));
    }
    for (CompletionStage<DeleteObjectResponse> delete : deletes) {
      assertThat(outcome(delete)).as("a delete").isEmpty();
    }
    for (int i = 0; i < writes; i++) {
      String key = "k" + i;
      if (i % 4 == 3 || i < deleted) {
        assertThatThrownBy(() -> service.getObject(alice, Requests.get(store, key)))
            .as("%s is not stored", key)
            .isInstanceOfSatisfying(
                VssException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.NO_SUCH_KEY_EXCEPTION));
      } else {
        assertThat(service.getObject(alice, Requests.get(store, key)).getValue())
            .isEqualTo(Requests.item(key, 1, "v" + i));
      }
    }
    assertThat(service.getObject(alice, Requests.get(store, "race")).getValue().getVersion())
        .isEqualTo(1);
  }

  /** Waits for {@code stage}: empty when it succeeded, else the protocol error it failed with. */
  private static Optional<ErrorCode> outcome(CompletionStage<?> stage)
      throws InterruptedException, TimeoutException {
    try {
      stage.toCompletableFuture().get(5, TimeUnit.MINUTES);
      return Optional.empty();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof VssException failure) {
        return Optional.of(failure.errorCode());
      }
      throw new AssertionError(
          "a queued write failed with something other than a VSS error", cause);
    }
  }

  @Override
  protected final VssEndpoint newEndpoint() throws Exception {
    storage = newStorage();
    return VssEndpoint.of(new VssService(storage, limits()));
  }

  @Override
  protected final void closeEndpoint(VssEndpoint endpoint) throws Exception {
    Storage used = storage;
    storage = null;
    if (used != null) {
      closeStorage(used);
    }
  }
}
