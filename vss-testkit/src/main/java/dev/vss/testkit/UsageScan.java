package dev.vss.testkit;

import dev.vss.core.Keyspace;
import dev.vss.core.spi.KeyVersion;
import dev.vss.core.spi.Storage;
import dev.vss.core.spi.StoredRecord;
import dev.vss.core.spi.Usage;
import java.util.List;

/**
 * The usage a keyspace's data really has, counted record by record through the public {@link
 * Storage} reads: what a store's tracked {@link Storage#usage usage} must equal.
 */
public final class UsageScan {
  private UsageScan() {}

  /** The stored bytes and records of {@code keyspace}, counted from a listing and its values. */
  public static Usage of(Storage storage, Keyspace keyspace) {
    long bytes = 0;
    long records = 0;
    long before = Long.MAX_VALUE;
    while (true) {
      List<KeyVersion> page = storage.list(keyspace, "", before, 500);
      if (page.isEmpty()) {
        return new Usage(bytes, records);
      }
      for (KeyVersion entry : page) {
        StoredRecord record =
            storage
                .get(keyspace, entry.key())
                .orElseThrow(
                    () ->
                        new AssertionError(
                            keyspace + ": listed key " + entry.key() + " has no record"));
        bytes += Usage.storedBytes(record.value());
        records++;
        before = entry.sequence();
      }
    }
  }

  /** The sum of {@link #of} over {@code keyspaces}. */
  public static Usage of(Storage storage, Iterable<Keyspace> keyspaces) {
    Usage total = Usage.ZERO;
    for (Keyspace keyspace : keyspaces) {
      total = total.plus(of(storage, keyspace));
    }
    return total;
  }
}
