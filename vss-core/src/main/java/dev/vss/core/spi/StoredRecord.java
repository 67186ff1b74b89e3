package dev.vss.core.spi;

import com.google.protobuf.ByteString;
import java.util.Objects;

/**
 * One record as a storage adapter holds it.
 *
 * @param key the record's key, never the reserved {@code global_version}
 * @param version the stored version (at least 1)
 * @param value the stored bytes
 * @param sequence the creation sequence: store-wide monotonic, assigned when the key was created
 *     and kept by updates; a delete followed by a re-create assigns a new one
 */
public record StoredRecord(String key, long version, ByteString value, long sequence) {
  /** Validates the components. */
  public StoredRecord {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }
}
