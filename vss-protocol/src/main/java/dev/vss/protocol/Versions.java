package dev.vss.protocol;

/**
 * The version arithmetic of the protocol, which a server applies and a client that tracks versions
 * relies on (SPEC section 3).
 *
 * <ul>
 *   <li>A put item with version {@value #UNCONDITIONAL} writes whatever is stored; version {@code
 *       0} creates a key that must not exist; both store {@value #FIRST_VERSION}.
 *   <li>A put item with version {@code n > 0} requires stored version {@code n} and stores {@code n
 *       + 1}.
 *   <li>Every successful putObjects that names a global version increments it.
 *   <li>Versions saturate at {@link Long#MAX_VALUE} instead of wrapping.
 * </ul>
 */
public final class Versions {
  /** The version of a put or delete item that skips the version check. */
  public static final long UNCONDITIONAL = -1;

  /** The version every create and every unconditional put stores. */
  public static final long FIRST_VERSION = 1;

  /**
   * The key under which a keyspace's global version can be read with getObject; it is never a
   * record, cannot be written or deleted, and is never listed.
   */
  public static final String GLOBAL_VERSION_KEY = "global_version";

  private Versions() {}

  /**
   * The version a put item stores when its transaction succeeds: {@link #FIRST_VERSION} for {@value
   * #UNCONDITIONAL} and {@code 0}, {@code n + 1} for {@code n > 0}, saturating.
   */
  public static long afterPut(long requested) {
    return requested <= 0 ? FIRST_VERSION : next(requested);
  }

  /** {@code version + 1}, saturating at {@link Long#MAX_VALUE}. */
  public static long next(long version) {
    return version == Long.MAX_VALUE ? Long.MAX_VALUE : version + 1;
  }
}
