package dev.vss.testkit;

import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.spi.Storage;
import java.util.Set;

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
