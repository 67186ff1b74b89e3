package dev.vss.testkit;

import dev.vss.core.VssService;
import dev.vss.core.spi.Storage;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The model property for a {@link Storage} adapter: each try opens a fresh storage, wraps it in a
 * {@link VssService} enforcing {@link #limits()}, and requires it to answer every random request
 * exactly as the reference model does (see {@link VssModelPropertySuite}).
 *
 * <pre>{@code
 * @PropertyDefaults(tries = 50) // optional: fewer tries for a slow, durable adapter
 * class MyStorageModelProperties extends StorageModelPropertySuite {
 *   @Override
 *   protected Storage newStorage() throws IOException {
 *     return MyStorage.open(Files.createTempDirectory("vss").resolve("vss.db"));
 *   }
 * }
 * }</pre>
 */
public abstract class StorageModelPropertySuite extends VssModelPropertySuite {
  private final Map<VssEndpoint, Storage> storages = new IdentityHashMap<>();

  /**
   * A new, empty storage for one try.
   *
   * @throws Exception if it cannot be opened; the try then fails
   */
  protected abstract Storage newStorage() throws Exception;

  /**
   * Releases a storage made by {@link #newStorage()}; called after each try. Closes it unless
   * overridden (override to also delete its files).
   *
   * @throws Exception if releasing fails
   */
  protected void closeStorage(Storage storage) throws Exception {
    storage.close();
  }

  /**
   * What the storage supports; a storage behind {@code VssService} answers vss-core's exact
   * messages, so this defaults to {@link Capability#all()}.
   */
  @Override
  protected Set<Capability> capabilities() {
    return Capability.all();
  }

  @Override
  protected final VssEndpoint newEndpoint() throws Exception {
    Storage storage = newStorage();
    VssEndpoint endpoint = VssEndpoint.of(new VssService(storage, limits()));
    synchronized (storages) {
      storages.put(endpoint, storage);
    }
    return endpoint;
  }

  @Override
  protected final void closeEndpoint(VssEndpoint endpoint) throws Exception {
    Storage storage;
    synchronized (storages) {
      storage = storages.remove(endpoint);
    }
    if (storage != null) {
      closeStorage(storage);
    }
  }
}
