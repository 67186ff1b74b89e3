package dev.vss.core.spi;

import java.util.Optional;

/**
 * A consistent, read-only view of a store's keyspaces, read as a stream: {@link #nextKeyspace()}
 * moves to the next keyspace, then {@link #nextRecord()} returns its records one by one. Opened by
 * {@link SnapshotSource#openSnapshot}.
 *
 * <ol>
 *   <li>Consistent: every keyspace and record is as it was at one point in time (the adapter says
 *       which: a read transaction, a RocksDB snapshot); writes after that are not seen.
 *   <li>Keyspaces come in {@link KeyspaceFilter#ORDER}, each at most once. A source may leave out a
 *       keyspace with no record and a global version of 0, which is the same as no keyspace.
 *   <li>Records of a keyspace come in ascending creation order (ascending {@link
 *       StoredRecord#sequence()}); each key at most once.
 *   <li>A record that fails the adapter's own integrity checks fails the read with {@link
 *       StorageException}; damage is never streamed as data.
 *   <li>Not thread-safe; one reader at a time. Close it to release the view.
 * </ol>
 */
public interface Snapshot extends AutoCloseable {
  /**
   * Moves to the next keyspace, skipping any records of the current one not read yet.
   *
   * @return the next keyspace, or empty when there is none
   */
  Optional<SnapshotKeyspace> nextKeyspace();

  /**
   * The next record of the current keyspace.
   *
   * @return the record, or empty when the keyspace has no more (or no keyspace is current)
   */
  Optional<StoredRecord> nextRecord();

  /** Releases the view (a read transaction, a RocksDB snapshot, a file). Idempotent. */
  @Override
  void close();
}
