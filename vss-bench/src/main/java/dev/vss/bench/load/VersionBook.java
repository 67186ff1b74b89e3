package dev.vss.bench.load;

/**
 * The benchmark's record of the stored version of every versioned key, so conditional puts can send
 * the version the store holds and expect success.
 *
 * <p>Not synchronized: during a measurement each user belongs to exactly one worker (see {@link
 * Workload}), and measurements run one after another, separated by thread start and join, which
 * order the writes of one measurement before the reads of the next.
 */
final class VersionBook {
  private final int versionedKeys;
  private final long[] versions;

  /** A book for {@code shape}, every key at {@code initialVersion}. */
  VersionBook(LoadShape shape, long initialVersion) {
    this.versionedKeys = shape.versionedKeys();
    this.versions = new long[Math.multiplyExact(shape.users(), shape.versionedKeys())];
    java.util.Arrays.fill(versions, initialVersion);
  }

  /** The stored version of versioned key {@code key} of user {@code user}. */
  long version(int user, int key) {
    return versions[user * versionedKeys + key];
  }

  /** Records that a conditional put of that key succeeded: the store now holds the next version. */
  void advance(int user, int key) {
    versions[user * versionedKeys + key]++;
  }
}
