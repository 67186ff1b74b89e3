package dev.vss.store.rocksdb;

import java.util.Objects;
import org.jspecify.annotations.NullMarked;

/**
 * Tuning of a {@link RocksDbStorage}. Immutable; start from {@link #DEFAULTS} and change what you
 * need with the {@code with...} methods.
 *
 * <p>Durability is not an option: every acknowledged write is synced to the write-ahead log, and
 * nothing here can turn that off.
 *
 * @param blockCacheBytes size of the LRU block cache shared by all column families; it also holds
 *     index and filter blocks, so it bounds most read memory
 * @param compression block compression of the on-disk tables
 * @param writeBufferBytes size of one memtable per column family before it is flushed to disk
 * @param maxBackgroundJobs most concurrent background flushes and compactions
 */
@NullMarked
public record RocksDbOptions(
    long blockCacheBytes, Compression compression, long writeBufferBytes, int maxBackgroundJobs) {

  /** Block compression of the on-disk tables. */
  public enum Compression {
    /** No compression. */
    NONE,
    /** Snappy: fast, modest ratio. */
    SNAPPY,
    /** LZ4: fast, modest ratio; the default. */
    LZ4,
    /** Zstandard: slower, better ratio. */
    ZSTD
  }

  private static final long MIB = 1024L * 1024;

  /**
   * The defaults: a 64 MiB block cache, LZ4 compression, 32 MiB memtables and two background jobs.
   * Values VSS clients send are usually encrypted, so compression mostly shrinks keys and the
   * index; LZ4 costs little when it does not help.
   */
  public static final RocksDbOptions DEFAULTS =
      new RocksDbOptions(64 * MIB, Compression.LZ4, 32 * MIB, 2);

  /** Rejects a cache or memtable below 1 MiB, a null compression, and fewer than one job. */
  public RocksDbOptions {
    Objects.requireNonNull(compression, "compression");
    if (blockCacheBytes < MIB) {
      throw new IllegalArgumentException(
          "blockCacheBytes must be at least 1 MiB, was " + blockCacheBytes);
    }
    if (writeBufferBytes < MIB) {
      throw new IllegalArgumentException(
          "writeBufferBytes must be at least 1 MiB, was " + writeBufferBytes);
    }
    if (maxBackgroundJobs < 1) {
      throw new IllegalArgumentException(
          "maxBackgroundJobs must be at least 1, was " + maxBackgroundJobs);
    }
  }

  /** A copy with a different block cache size. */
  public RocksDbOptions withBlockCacheBytes(long value) {
    return new RocksDbOptions(value, compression, writeBufferBytes, maxBackgroundJobs);
  }

  /** A copy with a different compression. */
  public RocksDbOptions withCompression(Compression value) {
    return new RocksDbOptions(blockCacheBytes, value, writeBufferBytes, maxBackgroundJobs);
  }

  /** A copy with a different memtable size. */
  public RocksDbOptions withWriteBufferBytes(long value) {
    return new RocksDbOptions(blockCacheBytes, compression, value, maxBackgroundJobs);
  }

  /** A copy with a different number of background jobs. */
  public RocksDbOptions withMaxBackgroundJobs(int value) {
    return new RocksDbOptions(blockCacheBytes, compression, writeBufferBytes, value);
  }
}
