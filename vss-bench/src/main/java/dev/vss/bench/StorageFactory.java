package dev.vss.bench;

import dev.vss.core.spi.Storage;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A storage adapter as the benchmark sees it: a name and the durable configurations to compare.
 *
 * <p>The first configuration is the adapter's production default; the benchmark runs every
 * measurement on it and the durable-put measurement on every configuration, so that an adapter can
 * show what a design choice (such as group commit) buys against a baseline.
 */
public interface StorageFactory {
  /**
   * The name given to {@code --store}, such as {@code sqlite}.
   *
   * @return the adapter's name
   */
  String name();

  /**
   * The configurations to compare; the first is the production default.
   *
   * @return at least one configuration
   */
  List<Configuration> configurations();

  /** Opens a store in a directory; the directory is empty or holds a store it opened before. */
  @FunctionalInterface
  interface Opener {
    /**
     * Opens (creating if needed) a store in {@code directory}.
     *
     * @param directory where the store keeps its files
     * @return the open store; the benchmark closes it
     * @throws Exception if it cannot be opened
     */
    Storage open(Path directory) throws Exception;
  }

  /**
   * One named way to open the adapter.
   *
   * @param label how the report names it, such as {@code group commit}
   * @param description one line on what it does differently
   * @param opener opens a store with this configuration
   */
  record Configuration(String label, String description, Opener opener) {
    /**
     * Validates the components.
     *
     * @param label how the report names it
     * @param description one line on what it does differently
     * @param opener opens a store with this configuration
     */
    public Configuration {
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(description, "description");
      Objects.requireNonNull(opener, "opener");
    }
  }
}
