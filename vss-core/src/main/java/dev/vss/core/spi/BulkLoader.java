package dev.vss.core.spi;

import dev.vss.core.Keyspace;
import java.util.Iterator;

/**
 * Optional bulk write access, for import and account deletion: replaces a whole keyspace at once,
 * keeping the versions, the global version and the relative creation order given. The VSS rules do
 * not use it; the operator tools ({@code vss-server admin}) do, on a store no server is writing.
 */
public interface BulkLoader extends AutoCloseable {
  /**
   * Replaces every record and the global version of {@code keyspace}, atomically and durably.
   *
   * <ol>
   *   <li>Afterwards the keyspace holds exactly {@code records} (their keys, versions and values)
   *       and {@code globalVersion}; records it held before and not in {@code records} are gone.
   *   <li>{@code records} arrive in ascending creation order; the store assigns them new creation
   *       sequences in the same order, above every sequence it handed out before, so a listing
   *       shows them in the same order as the source did. Their {@link StoredRecord#sequence()} is
   *       ignored except for that order.
   *   <li>Atomic: on a fault, or if {@code records} throws, the keyspace is as it was before; a
   *       crash leaves it before or after, never in between. Other keyspaces are not touched.
   *   <li>An empty {@code records} with {@code globalVersion} 0 deletes the keyspace.
   * </ol>
   *
   * @param records the keyspace's records in ascending creation order, each key at most once
   * @throws StorageException on a storage fault, or if {@code records} repeats a key
   */
  void replaceKeyspace(Keyspace keyspace, long globalVersion, Iterator<StoredRecord> records);

  /** Releases the store. Idempotent. */
  @Override
  void close();
}
