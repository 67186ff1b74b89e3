package dev.vss.core.spi;

import com.google.protobuf.ByteString;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * How much a keyspace or a user stores, as the quotas count it (an amount, or a change of one).
 *
 * <p>What counts: every record except the keyspace's {@code global_version} (which is not a
 * record). A record's <b>stored bytes</b> are the bytes of its value, as the client sent them;
 * keys, versions and the store's own overhead do not count (a key is bounded by the key length
 * limit, and the record quota bounds how many there are). The definition lives here, once: {@link
 * #storedBytes(ByteString)} and {@link #change}, which the quota rule and every adapter's counters
 * use alike.
 *
 * @param bytes stored bytes (may be negative in a change)
 * @param records records (may be negative in a change)
 */
public record Usage(long bytes, long records) {
  /** Nothing stored, or no change. */
  public static final Usage ZERO = new Usage(0, 0);

  /** The stored bytes of a record holding {@code value}. */
  public static long storedBytes(ByteString value) {
    return value.size();
  }

  /** This usage plus {@code other}. */
  public Usage plus(Usage other) {
    return new Usage(bytes + other.bytes, records + other.records);
  }

  /** This usage minus {@code other}. */
  public Usage minus(Usage other) {
    return new Usage(bytes - other.bytes, records - other.records);
  }

  /**
   * The change of usage that applying {@code plan} makes, given the stored bytes of the records it
   * touches before it applies ({@code storedBytes} answers empty for a key that does not exist). An
   * upsert of a new key adds a record and its bytes; an upsert of an existing key adds the
   * difference of the values; a delete of an existing key removes the record and its bytes. An
   * abort changes nothing.
   */
  public static Usage change(WritePlan<?> plan, Function<String, OptionalLong> storedBytes) {
    if (plan.isAbort()) {
      return ZERO;
    }
    long bytes = 0;
    long records = 0;
    for (WritePlan.Upsert upsert : plan.upserts()) {
      OptionalLong before = storedBytes.apply(upsert.key());
      bytes += storedBytes(upsert.value()) - before.orElse(0);
      if (before.isEmpty()) {
        records++;
      }
    }
    for (String key : plan.deletes()) {
      OptionalLong before = storedBytes.apply(key);
      if (before.isPresent()) {
        bytes -= before.getAsLong();
        records--;
      }
    }
    return new Usage(bytes, records);
  }
}
