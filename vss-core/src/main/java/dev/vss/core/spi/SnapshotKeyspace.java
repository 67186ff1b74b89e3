package dev.vss.core.spi;

import dev.vss.core.Keyspace;
import java.util.Objects;

/**
 * A keyspace as a {@link Snapshot} streams it, before its records.
 *
 * @param keyspace the keyspace
 * @param globalVersion its global version; 0 when never set
 */
public record SnapshotKeyspace(Keyspace keyspace, long globalVersion) {
  /** Validates the components. */
  public SnapshotKeyspace {
    Objects.requireNonNull(keyspace, "keyspace");
  }
}
