package dev.vss.core;

/**
 * Per-user storage quotas, each off when 0 (the default: {@link #NONE}). What counts as stored
 * bytes and records is defined by {@link dev.vss.core.spi.Usage}.
 *
 * @param maxBytesPerUser most stored bytes (value bytes) one user may hold across all its store
 *     ids; 0 for no limit
 * @param maxRecordsPerUser most records one user may hold across all its store ids; 0 for no limit
 * @param maxBytesPerStore most stored bytes one keyspace {@code (user, store_id)} may hold; 0 for
 *     no limit
 */
public record Quotas(long maxBytesPerUser, long maxRecordsPerUser, long maxBytesPerStore) {
  /** No quota at all. */
  public static final Quotas NONE = new Quotas(0, 0, 0);

  /** Rejects negative values (0 means off). */
  public Quotas {
    requireNotNegative("maxBytesPerUser", maxBytesPerUser);
    requireNotNegative("maxRecordsPerUser", maxRecordsPerUser);
    requireNotNegative("maxBytesPerStore", maxBytesPerStore);
  }

  private static void requireNotNegative(String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be 0 (off) or positive, was " + value);
    }
  }

  /** Whether any quota is on. */
  public boolean enabled() {
    return maxBytesPerUser > 0 || maxRecordsPerUser > 0 || maxBytesPerStore > 0;
  }

  /** Whether a quota spanning all of a user's store ids is on. */
  public boolean userLevel() {
    return maxBytesPerUser > 0 || maxRecordsPerUser > 0;
  }

  /** Which quota a refused write would have exceeded (for messages and metrics). */
  public enum Kind {
    /** {@link #maxBytesPerUser()}. */
    BYTES_PER_USER("bytes_per_user"),
    /** {@link #maxRecordsPerUser()}. */
    RECORDS_PER_USER("records_per_user"),
    /** {@link #maxBytesPerStore()}. */
    BYTES_PER_STORE("bytes_per_store");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    /** A short name for metrics and logs, such as {@code bytes_per_user}. */
    public String label() {
      return label;
    }
  }
}
