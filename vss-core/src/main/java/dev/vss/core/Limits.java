package dev.vss.core;

/**
 * The configurable limits of SPEC section 6. Lengths of keys, store ids and user tokens are counted
 * in Unicode code points (characters), as the reference schema's {@code VARCHAR} columns count
 * them.
 *
 * @param maxItemsPerPut most {@code transaction_items + delete_items} in one putObjects
 * @param maxKeyLength most characters in a key (and in a list prefix)
 * @param maxStoreIdLength most characters in a store id
 * @param maxUserTokenLength most characters in a user token
 * @param maxValueBytes most bytes in one value
 * @param defaultPageSize page size used when a list request leaves {@code page_size} unset
 * @param maxPageSize larger page sizes are capped to this
 * @param maxRequestBodyBytes most bytes an HTTP request body may have (enforced by the HTTP shell)
 */
public record Limits(
    int maxItemsPerPut,
    int maxKeyLength,
    int maxStoreIdLength,
    int maxUserTokenLength,
    int maxValueBytes,
    int defaultPageSize,
    int maxPageSize,
    long maxRequestBodyBytes) {

  /**
   * Default request body limit: 64 MiB. The reference server accepts up to 1 GiB, which lets one
   * client pin a gigabyte of server memory; 64 MiB still fits the largest values LDK Node writes
   * (the serialized network graph and scorer are a few MiB to tens of MiB).
   */
  public static final long DEFAULT_MAX_REQUEST_BODY_BYTES = 64L * 1024 * 1024;

  /**
   * Upper bound for {@link #maxPageSize()}: a page is built in memory, and the service asks the
   * storage for one entry more than the page size, which must not overflow.
   */
  public static final int PAGE_SIZE_CEILING = 100_000;

  /** The defaults of SPEC section 6. */
  public static final Limits DEFAULTS =
      new Limits(1000, 600, 120, 120, 64 * 1024 * 1024, 100, 100, DEFAULT_MAX_REQUEST_BODY_BYTES);

  /**
   * Rejects non-positive limits, a maximum page size above {@link #PAGE_SIZE_CEILING} and a default
   * page size above the maximum.
   */
  public Limits {
    requirePositive("maxItemsPerPut", maxItemsPerPut);
    requirePositive("maxKeyLength", maxKeyLength);
    requirePositive("maxStoreIdLength", maxStoreIdLength);
    requirePositive("maxUserTokenLength", maxUserTokenLength);
    requirePositive("maxValueBytes", maxValueBytes);
    requirePositive("defaultPageSize", defaultPageSize);
    requirePositive("maxPageSize", maxPageSize);
    requirePositive("maxRequestBodyBytes", maxRequestBodyBytes);
    if (maxPageSize > PAGE_SIZE_CEILING) {
      throw new IllegalArgumentException(
          "maxPageSize " + maxPageSize + " exceeds the ceiling " + PAGE_SIZE_CEILING);
    }
    if (defaultPageSize > maxPageSize) {
      throw new IllegalArgumentException(
          "defaultPageSize " + defaultPageSize + " exceeds maxPageSize " + maxPageSize);
    }
  }

  private static void requirePositive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }

  /** A copy with a different item limit per putObjects. */
  public Limits withMaxItemsPerPut(int value) {
    return new Limits(
        value,
        maxKeyLength,
        maxStoreIdLength,
        maxUserTokenLength,
        maxValueBytes,
        defaultPageSize,
        maxPageSize,
        maxRequestBodyBytes);
  }

  /** A copy with a different key length limit. */
  public Limits withMaxKeyLength(int value) {
    return new Limits(
        maxItemsPerPut,
        value,
        maxStoreIdLength,
        maxUserTokenLength,
        maxValueBytes,
        defaultPageSize,
        maxPageSize,
        maxRequestBodyBytes);
  }

  /** A copy with a different store id length limit. */
  public Limits withMaxStoreIdLength(int value) {
    return new Limits(
        maxItemsPerPut,
        maxKeyLength,
        value,
        maxUserTokenLength,
        maxValueBytes,
        defaultPageSize,
        maxPageSize,
        maxRequestBodyBytes);
  }

  /** A copy with a different value size limit. */
  public Limits withMaxValueBytes(int value) {
    return new Limits(
        maxItemsPerPut,
        maxKeyLength,
        maxStoreIdLength,
        maxUserTokenLength,
        value,
        defaultPageSize,
        maxPageSize,
        maxRequestBodyBytes);
  }

  /** A copy with different default and maximum page sizes. */
  public Limits withPageSizes(int defaultSize, int maxSize) {
    return new Limits(
        maxItemsPerPut,
        maxKeyLength,
        maxStoreIdLength,
        maxUserTokenLength,
        maxValueBytes,
        defaultSize,
        maxSize,
        maxRequestBodyBytes);
  }

  /** A copy with a different request body limit. */
  public Limits withMaxRequestBodyBytes(long value) {
    return new Limits(
        maxItemsPerPut,
        maxKeyLength,
        maxStoreIdLength,
        maxUserTokenLength,
        maxValueBytes,
        defaultPageSize,
        maxPageSize,
        value);
  }
}
