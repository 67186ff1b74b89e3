package dev.vss.store.rocksdb;

import dev.vss.core.spi.StorageException;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.rocksdb.AbstractNativeReference;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.Filter;
import org.rocksdb.IndexType;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteOptions;

/**
 * The opened RocksDB database with its column family handles and every native object it owns;
 * checks a directory before opening it and closes everything in the order RocksDB requires.
 *
 * <p>Column families (the layout is in {@link StoreLayout} and the README):
 *
 * <ul>
 *   <li>{@code default} (meta): the format marker and the last creation sequence;
 *   <li>{@code records}: record key to {@code version || sequence || value};
 *   <li>{@code index}: {@code (keyspace, inverted sequence)} to {@code version || key};
 *   <li>{@code global_versions}: keyspace to its global version.
 * </ul>
 */
final class NativeStore implements AutoCloseable {
  private static final Logger LOG = System.getLogger(NativeStore.class.getName());

  /** The value of the format marker; a store with another value is refused. */
  static final String FORMAT = "dev.vss.store.rocksdb/1";

  static final byte[] FORMAT_KEY = ascii("format");

  /**
   * Meta key of the highest creation sequence any committed batch used. Each batch that assigns
   * sequences merges its highest one with the {@code max} operator rather than putting it: batches
   * of different keyspaces commit concurrently in any order, and a put could move the value back.
   */
  static final byte[] LAST_SEQUENCE_KEY = ascii("last_sequence");

  /**
   * Meta key the readiness probe overwrites with a small synced write: the cheapest proof that the
   * store can take a durable write right now (see {@code RocksDbStorage#checkHealth}).
   */
  static final byte[] HEALTH_PROBE_KEY = ascii("health_probe");

  /**
   * What RocksDB logs for each WAL record it cannot read at open: {@code <dir>/000012.log: dropping
   * 2345 bytes; Corruption: checksum mismatch}.
   */
  private static final Pattern WAL_DROP =
      Pattern.compile("([0-9]+\\.log): dropping ([0-9]+) bytes; (?:Corruption: )?(.*)");

  static final String RECORDS = "records";
  static final String INDEX = "index";
  static final String GLOBAL_VERSIONS = "global_versions";
  private static final String META =
      new String(RocksDB.DEFAULT_COLUMN_FAMILY, StandardCharsets.US_ASCII);
  private static final Set<String> FAMILIES = Set.of(META, RECORDS, INDEX, GLOBAL_VERSIONS);

  private static final int BLOOM_BITS_PER_KEY = 10;

  /**
   * Share of the block cache reserved for index and filter blocks. Java's {@code LRUCache(long)}
   * reserves none, so random gets over a store larger than the cache evicted index blocks and
   * reloaded them from disk on nearly every get.
   */
  private static final double HIGH_PRIORITY_CACHE_RATIO = 0.5;

  static {
    RocksDB.loadLibrary();
  }

  final RocksDB db;
  final ColumnFamilyHandle meta;
  final ColumnFamilyHandle records;
  final ColumnFamilyHandle index;
  final ColumnFamilyHandle globalVersions;

  /** {@code sync=true}: a write returns only after its WAL record is on disk. */
  final WriteOptions durable;

  private final List<ColumnFamilyHandle> handles;
  private final List<AbstractNativeReference> owned;
  private boolean closed;

  private NativeStore(
      RocksDB db,
      List<ColumnFamilyHandle> handles,
      WriteOptions durable,
      List<AbstractNativeReference> owned) {
    this.db = db;
    this.handles = handles;
    this.meta = handles.get(0);
    this.records = handles.get(1);
    this.index = handles.get(2);
    this.globalVersions = handles.get(3);
    this.durable = durable;
    this.owned = owned;
  }

  /**
   * Opens the store in {@code directory}: creates a new one when the directory is missing or empty,
   * otherwise checks that it holds a VSS RocksDB store of this format.
   *
   * @throws StorageException naming the problem when the directory is not a store, is corrupt, is
   *     in use, or cannot be opened
   */
  static NativeStore open(Path directory, RocksDbOptions options) {
    Path dir = directory.toAbsolutePath().normalize();
    boolean fresh = checkDirectory(dir);
    List<AbstractNativeReference> owned = new ArrayList<>();
    try {
      LRUCache cache =
          own(owned, new LRUCache(options.blockCacheBytes(), -1, false, HIGH_PRIORITY_CACHE_RATIO));
      Filter bloom = own(owned, new BloomFilter(BLOOM_BITS_PER_KEY));
      ColumnFamilyOptions pointLookups =
          own(owned, familyOptions(options, tableConfig(cache, bloom)));
      ColumnFamilyOptions scans = own(owned, familyOptions(options, tableConfig(cache, null)));
      ColumnFamilyOptions metaOptions =
          own(owned, familyOptions(options, tableConfig(cache, bloom)).setMergeOperatorName("max"));
      DBOptions dbOptions =
          own(
              owned,
              new DBOptions()
                  .setCreateIfMissing(fresh)
                  .setCreateMissingColumnFamilies(fresh)
                  .setMaxBackgroundJobs(options.maxBackgroundJobs())
                  // Smooth page-cache writeback of flushes and compactions instead of one big sync.
                  .setBytesPerSync(1024 * 1024)
                  .setKeepLogFileNum(5)
                  .setMaxLogFileSize(16 * 1024 * 1024)
                  // The leader of a write group inserts every batch of the group into the memtable
                  // itself. Concurrent inserts cost each follower a second wait-and-wake round
                  // after the synced WAL write; on few cores those context switches cost more than
                  // the parallelism gains (measured in BENCHMARKS.md).
                  .setAllowConcurrentMemtableWrite(false)
                  // Replays every WAL record and tolerates only an incomplete last record (the torn
                  // tail of a write a crash cut off, never acknowledged, since a write returns
                  // after its fsync). Damage anywhere else fails the open and leaves the WAL as it
                  // is. The default, point-in-time recovery, would stop at the damage, silently
                  // drop every later record (acknowledged writes among them) and then delete the
                  // log.
                  .setWalRecoveryMode(WALRecoveryMode.TolerateCorruptedTailRecords));
      WriteOptions durable = own(owned, new WriteOptions().setSync(true));
      List<ColumnFamilyDescriptor> descriptors =
          List.of(
              new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, metaOptions),
              new ColumnFamilyDescriptor(ascii(RECORDS), pointLookups),
              new ColumnFamilyDescriptor(ascii(INDEX), scans),
              new ColumnFamilyDescriptor(ascii(GLOBAL_VERSIONS), pointLookups));
      List<ColumnFamilyHandle> handles = new ArrayList<>();
      RocksDB db;
      try {
        db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
      } catch (RocksDBException e) {
        throw openFailure(dir, e);
      }
      NativeStore store = new NativeStore(db, handles, durable, owned);
      try {
        store.checkFormat(dir, fresh);
      } catch (RuntimeException e) {
        store.close();
        throw e;
      }
      return store;
    } catch (RuntimeException | Error e) {
      closeAll(owned);
      throw e;
    }
  }

  /** The highest creation sequence any committed batch used; 0 for a new store. */
  long lastSequence() {
    try {
      byte[] value = db.get(meta, LAST_SEQUENCE_KEY);
      return value == null ? 0 : StoreLayout.readLong(value, 0);
    } catch (RocksDBException e) {
      throw new StorageException("cannot read the last creation sequence", e);
    }
  }

  /** Whether the format marker can be read and is ours; the readiness check. */
  boolean formatMarkerReadable() throws RocksDBException {
    return Arrays.equals(db.get(meta, FORMAT_KEY), ascii(FORMAT));
  }

  /**
   * Closes handles, then the database (which syncs and releases the directory lock), then the
   * options, filter and cache the database used. Idempotent; callers ensure no operation is
   * running.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (ColumnFamilyHandle handle : handles) {
      handle.close();
    }
    try {
      db.closeE();
    } catch (RocksDBException e) {
      LOG.log(Level.WARNING, "closing RocksDB reported an error", e);
    }
    closeAll(owned);
  }

  private void checkFormat(Path dir, boolean fresh) {
    byte[] marker;
    try {
      marker = db.get(meta, FORMAT_KEY);
      if (marker == null && fresh) {
        db.put(meta, durable, FORMAT_KEY, ascii(FORMAT));
        LOG.log(Level.INFO, "created a new VSS RocksDB store in " + dir);
        return;
      }
    } catch (RocksDBException e) {
      throw new StorageException(
          dir + " cannot be read as a VSS RocksDB store: " + e.getMessage(), e);
    }
    if (marker == null) {
      throw notAStore(dir, "it is a RocksDB database without the VSS format marker");
    }
    if (!Arrays.equals(marker, ascii(FORMAT))) {
      throw new StorageException(
          dir
              + " holds an unsupported VSS RocksDB format '"
              + new String(marker, StandardCharsets.UTF_8)
              + "'; this version reads '"
              + FORMAT
              + "'");
    }
  }

  /**
   * Checks {@code dir} before RocksDB touches it: RocksDB would happily create a database inside a
   * directory of unrelated files, or add our column families to someone else's database.
   *
   * @return whether a new store is to be created
   */
  private static boolean checkDirectory(Path dir) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw notAStore(dir, "it is a file, not a directory");
    }
    try {
      if (!Files.exists(dir)) {
        Files.createDirectories(dir);
        return true;
      }
      try (Stream<Path> entries = Files.list(dir)) {
        if (entries.findAny().isEmpty()) {
          return true;
        }
      }
    } catch (IOException e) {
      throw new StorageException("cannot create or list the store directory " + dir, e);
    }
    if (!Files.isRegularFile(dir.resolve("CURRENT"))) {
      throw notAStore(dir, "it is not empty and holds no RocksDB database (no CURRENT file)");
    }
    List<byte[]> families;
    try (Options probe = new Options()) {
      families = RocksDB.listColumnFamilies(probe, dir.toString());
    } catch (RocksDBException e) {
      throw corrupt(dir, e.getMessage(), e);
    }
    Set<String> names = new TreeSet<>();
    for (byte[] family : families) {
      names.add(new String(family, StandardCharsets.UTF_8));
    }
    if (!names.equals(FAMILIES)) {
      throw foreignOrCorrupt(dir, families, names);
    }
    return false;
  }

  /**
   * Tells a foreign database from a damaged one when the column families are not ours. Listing
   * families is lenient (it skips unreadable manifest records and may list none at all), so a
   * read-only open, which verifies the manifest and changes nothing, decides.
   */
  private static StorageException foreignOrCorrupt(
      Path dir, List<byte[]> families, Set<String> names) {
    if (families.isEmpty()) {
      return corrupt(dir, "its manifest lists no column family", null);
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try (DBOptions options = new DBOptions();
        ColumnFamilyOptions familyOptions = new ColumnFamilyOptions()) {
      List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
      for (byte[] family : families) {
        descriptors.add(new ColumnFamilyDescriptor(family, familyOptions));
      }
      RocksDB db = RocksDB.openReadOnly(options, dir.toString(), descriptors, handles);
      // Handles before the database, as on every close.
      handles.forEach(ColumnFamilyHandle::close);
      db.close();
    } catch (RocksDBException e) {
      return corrupt(dir, e.getMessage(), e);
    }
    return notAStore(
        dir,
        "it is a RocksDB database with column families "
            + names
            + ", a VSS store has "
            + new TreeSet<>(FAMILIES));
  }

  private static StorageException corrupt(Path dir, String detail, RocksDBException cause) {
    return new StorageException(
        dir
            + " is a corrupt or unreadable RocksDB store: its manifest"
            + " (the list of column families and table files) cannot be read: "
            + detail,
        cause);
  }

  private static StorageException openFailure(Path dir, RocksDBException e) {
    Status status = e.getStatus();
    Status.Code code = status == null ? null : status.getCode();
    String detail = e.getMessage();
    if (code == Status.Code.Corruption) {
      StorageException damagedLog = damagedWriteAheadLog(dir, e);
      if (damagedLog != null) {
        return damagedLog;
      }
      return new StorageException(
          dir + " is a corrupt VSS RocksDB store and cannot be opened: " + detail, e);
    }
    if (code == Status.Code.IOError && detail != null && detail.contains("lock")) {
      return new StorageException(
          dir
              + " is already open, in another process or in this JVM"
              + " (its LOCK file is held): "
              + detail,
          e);
    }
    return new StorageException("cannot open the VSS RocksDB store in " + dir + ": " + detail, e);
  }

  /**
   * Names the write-ahead log a refused open found damaged, or returns null when the corruption is
   * elsewhere. RocksDB's status says only, for instance, "checksum mismatch"; the file name is in
   * its info log. So the logs are replayed again by a read-only open, which writes nothing to the
   * directory (not even an info log: its log lines go to a logger that keeps the drop lines).
   *
   * <p>The exception has no cause, so that a caller printing the root cause's message (as the
   * server's start-up line does) prints this one; RocksDB's exception is attached as suppressed.
   */
  private static StorageException damagedWriteAheadLog(Path dir, RocksDBException failure) {
    List<WalDrop> drops = new CopyOnWriteArrayList<>();
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try (DropCollector logger = new DropCollector(drops);
        DBOptions options =
            new DBOptions()
                .setLogger(logger)
                .setWalRecoveryMode(WALRecoveryMode.TolerateCorruptedTailRecords);
        ColumnFamilyOptions familyOptions = new ColumnFamilyOptions().setMergeOperatorName("max")) {
      List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
      descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, familyOptions));
      for (String family : List.of(RECORDS, INDEX, GLOBAL_VERSIONS)) {
        descriptors.add(new ColumnFamilyDescriptor(ascii(family), familyOptions));
      }
      try {
        RocksDB db = RocksDB.openReadOnly(options, dir.toString(), descriptors, handles);
        handles.forEach(ColumnFamilyHandle::close);
        db.close();
      } catch (RocksDBException expected) {
        // The same damage, found again; the drop lines name the file.
      }
    }
    if (drops.isEmpty()) {
      return null;
    }
    WalDrop drop = drops.get(0);
    Path log = dir.resolve(drop.file());
    StorageException refused =
        new StorageException(
            "the write-ahead log "
                + log
                + " of the VSS"
                + " RocksDB store in "
                + dir
                + " is damaged before its end ("
                + drop.reason()
                + ", "
                + drop.bytes()
                + " bytes unreadable): the store is not opened, because recovering past the"
                + " damage would drop the records after it, which may be acknowledged writes; the file is"
                + " left unchanged; restore the directory from a backup");
    refused.addSuppressed(failure);
    return refused;
  }

  /** One unreadable stretch of a write-ahead log, as RocksDB logged it. */
  private record WalDrop(String file, long bytes, String reason) {}

  /** Keeps RocksDB's "dropping N bytes" log lines. */
  private static final class DropCollector extends org.rocksdb.Logger {
    private final List<WalDrop> drops;

    DropCollector(List<WalDrop> drops) {
      super(InfoLogLevel.WARN_LEVEL);
      this.drops = drops;
    }

    @Override
    protected void log(InfoLogLevel level, String message) {
      Matcher drop = WAL_DROP.matcher(message);
      if (drop.find()) {
        drops.add(new WalDrop(drop.group(1), Long.parseLong(drop.group(2)), drop.group(3).strip()));
      }
    }
  }

  private static StorageException notAStore(Path dir, String why) {
    return new StorageException(dir + " is not a VSS RocksDB store: " + why);
  }

  private static BlockBasedTableConfig tableConfig(LRUCache cache, Filter bloom) {
    BlockBasedTableConfig config =
        new BlockBasedTableConfig()
            .setBlockCache(cache)
            // Index and filter blocks live in the cache too, so the cache size bounds read memory;
            // at high priority they are evicted after data blocks.
            .setCacheIndexAndFilterBlocks(true)
            .setCacheIndexAndFilterBlocksWithHighPriority(true)
            // Partitioned: a lookup loads one small index (and filter) partition instead of the
            // whole index of a large table file; only the top level stays pinned.
            .setIndexType(IndexType.kTwoLevelIndexSearch)
            .setMetadataBlockSize(4096)
            .setPinTopLevelIndexAndFilter(true)
            .setPinL0FilterAndIndexBlocksInCache(true);
    if (bloom != null) {
      config.setFilterPolicy(bloom).setPartitionFilters(true);
    }
    return config;
  }

  private static ColumnFamilyOptions familyOptions(
      RocksDbOptions options, BlockBasedTableConfig table) {
    return new ColumnFamilyOptions()
        .setWriteBufferSize(options.writeBufferBytes())
        .setCompressionType(compressionType(options.compression()))
        .setTableFormatConfig(table);
  }

  private static CompressionType compressionType(RocksDbOptions.Compression compression) {
    switch (compression) {
      case NONE:
        return CompressionType.NO_COMPRESSION;
      case SNAPPY:
        return CompressionType.SNAPPY_COMPRESSION;
      case LZ4:
        return CompressionType.LZ4_COMPRESSION;
      case ZSTD:
        return CompressionType.ZSTD_COMPRESSION;
      default:
        throw new IllegalArgumentException("unknown compression " + compression);
    }
  }

  private static <T extends AbstractNativeReference> T own(
      List<AbstractNativeReference> owned, T object) {
    owned.add(object);
    return object;
  }

  private static void closeAll(List<AbstractNativeReference> owned) {
    // Reverse creation order: options before the filter and cache they reference.
    for (int i = owned.size() - 1; i >= 0; i--) {
      owned.get(i).close();
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
