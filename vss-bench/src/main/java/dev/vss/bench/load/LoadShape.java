package dev.vss.bench.load;

/**
 * What the server holds before a load run: {@code users} users, each with one store ({@value
 * #STORE_ID}) of {@code dataKeys} keys {@code k/<i>} with 1 KiB values and {@code versionedKeys}
 * keys {@code v/<i>} whose versions the benchmark tracks for conditional puts.
 *
 * @param users how many users (keyspaces), as a hosted server sees many wallets
 * @param dataKeys keys per user read by gets, listed by list pages, overwritten by unconditional
 *     puts; at least {@value #PAGE_SIZE} so a list page is full
 * @param versionedKeys keys per user written by conditional puts
 */
record LoadShape(int users, int dataKeys, int versionedKeys) {
  /** The store id of every user's keyspace. */
  static final String STORE_ID = "wallet";

  /** The page size of the list workload. */
  static final int PAGE_SIZE = 100;

  /** The value size of unconditional and conditional puts, and of the populated values. */
  static final int VALUE_BYTES = 1024;

  /** Rejects shapes the workloads cannot run on. */
  LoadShape {
    if (users < 1 || dataKeys < PAGE_SIZE || versionedKeys < 1) {
      throw new IllegalArgumentException(
          "need at least 1 user, " + PAGE_SIZE + " data keys and 1 versioned key per user");
    }
  }

  /** The user token of user {@code user}, as {@link HeaderAuthorizer} maps it from the header. */
  static String userToken(int user) {
    return HeaderAuthorizer.TOKEN_PREFIX + user;
  }

  /** The name of data key {@code index}. */
  static String dataKey(int index) {
    return "k/" + index;
  }

  /** The name of versioned key {@code index}. */
  static String versionedKey(int index) {
    return "v/" + index;
  }
}
