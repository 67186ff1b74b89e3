package dev.vss.core.spi;

/**
 * Optional bulk read access, for export, verification and statistics: a store that implements it
 * can stream a consistent {@link Snapshot} of its keyspaces. The VSS rules do not use it; the
 * operator tools ({@code vss-server admin}) do.
 */
public interface SnapshotSource {
  /**
   * Opens a consistent snapshot of the keyspaces that pass {@code filter}.
   *
   * @throws StorageException if the store cannot open one
   */
  Snapshot openSnapshot(KeyspaceFilter filter);

  /** The kind of store, such as {@code sqlite}, for export headers and messages. */
  String kind();
}
