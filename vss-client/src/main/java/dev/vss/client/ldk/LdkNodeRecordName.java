package dev.vss.client.ldk;

import java.util.Objects;

/**
 * The name of a record in LDK Node's key-value store: its primary namespace, secondary namespace
 * and key (the three arguments of LDK's {@code KVStore} calls).
 *
 * @param primaryNamespace the primary namespace (may be empty)
 * @param secondaryNamespace the secondary namespace (may be empty)
 * @param key the key (never empty in data LDK Node writes)
 */
public record LdkNodeRecordName(String primaryNamespace, String secondaryNamespace, String key) {
  /** Checks that no part is null. */
  public LdkNodeRecordName {
    Objects.requireNonNull(primaryNamespace, "primaryNamespace");
    Objects.requireNonNull(secondaryNamespace, "secondaryNamespace");
    Objects.requireNonNull(key, "key");
  }
}
