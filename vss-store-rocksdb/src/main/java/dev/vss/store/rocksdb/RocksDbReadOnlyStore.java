package dev.vss.store.rocksdb;

import dev.vss.core.spi.KeyspaceFilter;
import dev.vss.core.spi.Snapshot;
import dev.vss.core.spi.SnapshotSource;
import dev.vss.core.spi.StorageException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.NullMarked;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteBatch;

/**
 * Read-only access to a RocksDB store's directory for the operator tools (export, backup, verify,
 * stats), which works whether or not a server has the directory open.
 *
 * <ol>
 *   <li>A RocksDB read-only instance: it takes no {@code LOCK}, writes nothing into the directory
 *       (not even an info log) and sees the store as of its open: the table files then live and the
 *       write-ahead log replayed into its own memory. Every table file is opened at once ({@code
 *       max_open_files=-1}), so a compaction of the running server that deletes a file afterwards
 *       cannot pull it away (an open file stays readable after its unlink).
 *   <li>So every snapshot and backup is a consistent point in time: the moment of {@link #open}. A
 *       write acknowledged by the server is in the log (synced) before it is acknowledged, so a
 *       view opened after an acknowledgement holds that write.
 *   <li>A torn last log record (a write in progress) is ignored as at a normal open; damage before
 *       the end of the log fails the open.
 * </ol>
 */
@NullMarked
public final class RocksDbReadOnlyStore implements SnapshotSource, AutoCloseable {
  private static final Logger LOG = System.getLogger(RocksDbReadOnlyStore.class.getName());

  /** How many bytes of key-value pairs one write batch of a backup copy carries. */
  private static final int COPY_BATCH_BYTES = 8 << 20;

  private final Path directory;
  private final RocksDB db;
  private final List<ColumnFamilyHandle> handles;
  private final List<AutoCloseable> owned;

  /** Snapshots hold the read side; close takes the write side (a freed handle crashes the JVM). */
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();

  private boolean closed;

  static {
    RocksDB.loadLibrary();
  }

  private RocksDbReadOnlyStore(
      Path directory, RocksDB db, List<ColumnFamilyHandle> handles, List<AutoCloseable> owned) {
    this.directory = directory;
    this.db = db;
    this.handles = handles;
    this.owned = owned;
  }

  /**
   * Opens the store in {@code directory} read-only.
   *
   * @throws StorageException if it holds no VSS RocksDB store or cannot be read
   */
  public static RocksDbReadOnlyStore open(Path directory) {
    Path dir = directory.toAbsolutePath().normalize();
    if (!Files.isRegularFile(dir.resolve("CURRENT"))) {
      throw new StorageException("no RocksDB store in " + dir + " (no CURRENT file)");
    }
    List<AutoCloseable> owned = new ArrayList<>();
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try {
      org.rocksdb.Logger quiet =
          new org.rocksdb.Logger(InfoLogLevel.ERROR_LEVEL) {
            @Override
            protected void log(InfoLogLevel level, String message) {
              LOG.log(Level.WARNING, "RocksDB (read-only view of " + dir + "): " + message);
            }
          };
      owned.add(quiet);
      DBOptions options =
          new DBOptions()
              .setLogger(quiet)
              .setMaxOpenFiles(-1)
              .setWalRecoveryMode(WALRecoveryMode.TolerateCorruptedTailRecords);
      owned.add(options);
      ColumnFamilyOptions meta = new ColumnFamilyOptions().setMergeOperatorName("max");
      owned.add(meta);
      ColumnFamilyOptions plain = new ColumnFamilyOptions();
      owned.add(plain);
      List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
      descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, meta));
      for (String family :
          List.of(NativeStore.RECORDS, NativeStore.INDEX, NativeStore.GLOBAL_VERSIONS)) {
        descriptors.add(new ColumnFamilyDescriptor(ascii(family), plain));
      }
      RocksDB db = RocksDB.openReadOnly(options, dir.toString(), descriptors, handles);
      RocksDbReadOnlyStore store = new RocksDbReadOnlyStore(dir, db, handles, owned);
      byte[] marker = db.get(handles.get(0), NativeStore.FORMAT_KEY);
      if (marker == null || !Arrays.equals(marker, ascii(NativeStore.FORMAT))) {
        store.close();
        throw new StorageException(
            dir + " is not a VSS RocksDB store of format " + NativeStore.FORMAT);
      }
      return store;
    } catch (RocksDBException e) {
      handles.forEach(ColumnFamilyHandle::close);
      closeAll(owned);
      throw new StorageException(
          "cannot open the RocksDB store in " + dir + " read-only: " + e.getMessage(), e);
    }
  }

  /** {@inheritDoc} The view as of {@link #open}; see the class doc. */
  @Override
  public Snapshot openSnapshot(KeyspaceFilter filter) {
    lifecycle.readLock().lock();
    boolean handedOver = false;
    try {
      ensureOpen();
      ReadOptions reads = new ReadOptions();
      try {
        List<KeyspaceScan.Found> keyspaces =
            KeyspaceScan.keyspaces(db, index(), globalVersions(), reads, filter);
        Snapshot snapshot =
            KeyspaceScan.snapshot(
                db,
                index(),
                records(),
                reads,
                keyspaces,
                () -> {
                  reads.close();
                  lifecycle.readLock().unlock();
                });
        handedOver = true;
        return snapshot;
      } catch (RocksDBException e) {
        throw new StorageException("listing the keyspaces of " + directory + " failed", e);
      } finally {
        if (!handedOver) {
          reads.close();
        }
      }
    } finally {
      if (!handedOver) {
        lifecycle.readLock().unlock();
      }
    }
  }

  /** {@code rocksdb}. */
  @Override
  public String kind() {
    return "rocksdb";
  }

  /**
   * RocksDB's own integrity check: reads every table file and verifies every block checksum.
   *
   * @throws StorageException describing the damage found
   */
  public void verifyChecksums() {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      db.verifyChecksum();
    } catch (RocksDBException e) {
      throw new StorageException(
          "RocksDB checksum verification of " + directory + " failed: " + e.getMessage(), e);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /**
   * Copies the view into {@code targetDirectory}, a store that {@link RocksDbStorage#open} opens
   * directly: every key and value of every column family (records, index, global versions, and the
   * meta family with the format marker, the sequence counter and the page-token secret), written
   * with synced batches into {@code <target>.partial}, which is renamed to the target at the end.
   * Use {@link RocksDbBackup#backup} to take a checkpoint instead when no server holds the store.
   *
   * @return the number of key-value pairs copied
   * @throws StorageException if the target exists and is not empty, or the copy fails
   */
  public long copyTo(Path targetDirectory) {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      Path target = targetDirectory.toAbsolutePath().normalize();
      Path staging = RocksDbBackup.prepare(target);
      long pairs = 0;
      try (NativeStore copy = NativeStore.open(staging, RocksDbOptions.DEFAULTS)) {
        ColumnFamilyHandle[] from = {handles.get(0), records(), index(), globalVersions()};
        ColumnFamilyHandle[] to = {copy.meta, copy.records, copy.index, copy.globalVersions};
        for (int f = 0; f < from.length; f++) {
          try (RocksIterator it = db.newIterator(from[f]);
              WriteBatch batch = new WriteBatch()) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
              batch.put(to[f], it.key(), it.value());
              pairs++;
              if (batch.getDataSize() >= COPY_BATCH_BYTES) {
                copy.db.write(copy.durable, batch);
                batch.clear();
              }
            }
            it.status();
            copy.db.write(copy.durable, batch);
          }
        }
      } catch (RocksDBException e) {
        throw new StorageException(
            "copying " + directory + " to " + target + " failed: " + e.getMessage(), e);
      }
      RocksDbBackup.publish(staging, target);
      return pairs;
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /** Closes the instance; waits for open snapshots to be closed first. Idempotent. */
  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      handles.forEach(ColumnFamilyHandle::close);
      db.close();
      closeAll(owned);
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  private ColumnFamilyHandle records() {
    return handles.get(1);
  }

  private ColumnFamilyHandle index() {
    return handles.get(2);
  }

  private ColumnFamilyHandle globalVersions() {
    return handles.get(3);
  }

  private void ensureOpen() {
    if (closed) {
      throw new StorageException("the read-only RocksDB view is closed");
    }
  }

  private static void closeAll(List<AutoCloseable> owned) {
    for (int i = owned.size() - 1; i >= 0; i--) {
      try {
        owned.get(i).close();
      } catch (Exception e) {
        // native options and a logger: nothing to lose
      }
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
