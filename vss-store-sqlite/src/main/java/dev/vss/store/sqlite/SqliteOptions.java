package dev.vss.store.sqlite;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.NullMarked;

/**
 * How a {@link SqliteStorage} runs: durability, group commit, connection counts and the busy
 * timeout. Immutable; start from {@link #DEFAULTS} and change what you need with the {@code with*}
 * methods.
 *
 * <pre>{@code
 * SqliteOptions options = SqliteOptions.DEFAULTS.withReaderConnections(8);
 * }</pre>
 *
 * @param durability what an acknowledged write survives; {@link Durability#FULL} unless you accept
 *     losing acknowledged writes on an OS crash or power loss
 * @param groupCommit whether concurrent writes share one SQLite transaction and one fsync; when off
 *     every write is its own transaction (only useful to measure what group commit buys)
 * @param maxBatchSize the most writes one group-commit transaction holds; ignored when group commit
 *     is off
 * @param readerConnections how many connections serve reads concurrently
 * @param busyTimeout how long a statement waits for a lock held by another connection before it
 *     fails (SQLite's {@code busy_timeout}); whole milliseconds, at most {@code Integer.MAX_VALUE}
 * @param openCheck how much of the file open reads to check it is not damaged
 */
@NullMarked
public record SqliteOptions(
    Durability durability,
    boolean groupCommit,
    int maxBatchSize,
    int readerConnections,
    Duration busyTimeout,
    OpenCheck openCheck) {

  /**
   * What an acknowledged write survives. Both modes run SQLite in WAL mode; they differ in when the
   * write-ahead log is fsync'd.
   */
  public enum Durability {
    /**
     * {@code synchronous=FULL}: the write-ahead log is fsync'd before a commit returns, so an
     * acknowledged write survives a process kill, an OS crash and a power loss (SPEC section 7).
     * The default, and the only mode that meets the VSS contract.
     */
    FULL,

    /**
     * {@code synchronous=NORMAL}: NOT durable. The write-ahead log is fsync'd only at checkpoints,
     * so acknowledged writes survive a process kill but the latest ones may be lost on an OS crash
     * or power loss (the file stays consistent). Only for tests, benchmarks or deployments whose
     * durability comes from elsewhere; never for a wallet backup a user relies on.
     */
    RELAXED
  }

  /**
   * What open checks before serving, beyond the write-ahead log check that always runs. A check
   * that finds damage makes open fail with a message naming the file; nothing is repaired.
   */
  public enum OpenCheck {
    /**
     * No scan of the file. Damage is then found by the readiness probe (every table's and index's
     * root page), by the reads that hit it, and by {@link SqliteStorage#checkIntegrity()}.
     */
    NONE,

    /**
     * {@code PRAGMA quick_check}: reads every page and checks its structure (not whether indexes
     * match their tables). O(size of the file); see the module README for its measured cost.
     */
    QUICK,

    /**
     * {@link SqliteStorage#checkIntegrity()} before serving: {@code PRAGMA integrity_check} and
     * every record's checksums. Several times the cost of {@link #QUICK}.
     */
    FULL
  }

  /**
   * The defaults: {@link Durability#FULL}, group commit on, batches of up to 256 writes, 4 reader
   * connections, a 5 second busy timeout, {@link OpenCheck#QUICK}.
   */
  public static final SqliteOptions DEFAULTS =
      new SqliteOptions(Durability.FULL, true, 256, 4, Duration.ofSeconds(5), OpenCheck.QUICK);

  /**
   * Rejects missing values, non-positive sizes and a negative or oversized busy timeout.
   *
   * @param durability what an acknowledged write survives
   * @param groupCommit whether concurrent writes share one transaction
   * @param maxBatchSize the most writes in one transaction; positive
   * @param readerConnections connections serving reads; positive
   * @param busyTimeout how long to wait for another connection's lock
   * @param openCheck what open checks before serving
   * @throws IllegalArgumentException if a value is out of range
   */
  public SqliteOptions {
    Objects.requireNonNull(durability, "durability");
    Objects.requireNonNull(openCheck, "openCheck");
    Objects.requireNonNull(busyTimeout, "busyTimeout");
    if (maxBatchSize <= 0) {
      throw new IllegalArgumentException("maxBatchSize must be positive, was " + maxBatchSize);
    }
    if (readerConnections <= 0) {
      throw new IllegalArgumentException(
          "readerConnections must be positive, was " + readerConnections);
    }
    if (busyTimeout.isNegative() || busyTimeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "busyTimeout must be between 0 and " + Integer.MAX_VALUE + " ms, was " + busyTimeout);
    }
  }

  /**
   * A copy with a different durability mode.
   *
   * @param value the durability mode
   * @return the changed copy
   */
  public SqliteOptions withDurability(Durability value) {
    return new SqliteOptions(
        value, groupCommit, maxBatchSize, readerConnections, busyTimeout, openCheck);
  }

  /**
   * A copy with group commit switched on or off.
   *
   * @param value true to batch concurrent writes into one transaction
   * @return the changed copy
   */
  public SqliteOptions withGroupCommit(boolean value) {
    return new SqliteOptions(
        durability, value, maxBatchSize, readerConnections, busyTimeout, openCheck);
  }

  /**
   * A copy with a different largest batch.
   *
   * @param value the most writes in one transaction; positive
   * @return the changed copy
   */
  public SqliteOptions withMaxBatchSize(int value) {
    return new SqliteOptions(
        durability, groupCommit, value, readerConnections, busyTimeout, openCheck);
  }

  /**
   * A copy with a different number of reader connections.
   *
   * @param value the number of read connections; positive
   * @return the changed copy
   */
  public SqliteOptions withReaderConnections(int value) {
    return new SqliteOptions(durability, groupCommit, maxBatchSize, value, busyTimeout, openCheck);
  }

  /**
   * A copy with a different busy timeout.
   *
   * @param value how long a statement waits for a lock held by another connection
   * @return the changed copy
   */
  public SqliteOptions withBusyTimeout(Duration value) {
    return new SqliteOptions(
        durability, groupCommit, maxBatchSize, readerConnections, value, openCheck);
  }

  /**
   * A copy with a different open check.
   *
   * @param value what open checks before serving
   * @return the changed copy
   */
  public SqliteOptions withOpenCheck(OpenCheck value) {
    return new SqliteOptions(
        durability, groupCommit, maxBatchSize, readerConnections, busyTimeout, value);
  }

  /** The number of writes one transaction may hold: 1 without group commit. */
  int effectiveBatchSize() {
    return groupCommit ? maxBatchSize : 1;
  }
}
