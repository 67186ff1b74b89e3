package dev.vss.store.sqlite;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The two checksums every stored record carries, so that a damaged row is reported instead of
 * served (SQLite has no page checksums: a flipped bit inside a value is read back as data).
 *
 * <p>Both are CRC32C over a fixed encoding of the record:
 *
 * <pre>
 *   entry  = CRC32C(keyspace_id (8 bytes) | sequence (8) | version (8) | key length (4) | key)
 *   record = CRC32C(the same bytes | value)
 * </pre>
 *
 * <ul>
 *   <li>{@code entry_crc} covers what a listing serves; it is stored in the row and in the {@code
 *       records_by_sequence} index, so a page is verified from the index alone.
 *   <li>{@code record_crc} covers the whole record; get verifies it (and the entry checksum, which
 *       falls out of the same pass).
 * </ul>
 *
 * <p>The keyspace id and the key are part of the sum, and get computes it with the key and keyspace
 * it was asked for, so a row that an index sends to the wrong place (another key's, another user's)
 * fails like an altered one. Integers are big-endian and the key is length-prefixed, so no two
 * records share an encoding.
 */
final class RecordChecksum {
  private RecordChecksum() {}

  /** Both checksums of one record. */
  record Sums(int entry, int record) {}

  /** The checksum of the entry part only (what a listing serves). */
  static int entry(long keyspaceId, long sequence, long version, byte[] key) {
    CRC32C crc = new CRC32C();
    crc.update(header(keyspaceId, sequence, version, key));
    crc.update(key);
    return (int) crc.getValue();
  }

  /** Both checksums, in one pass over the bytes. */
  static Sums of(long keyspaceId, long sequence, long version, byte[] key, byte[] value) {
    CRC32C crc = new CRC32C();
    crc.update(header(keyspaceId, sequence, version, key));
    crc.update(key);
    int entry = (int) crc.getValue(); // getValue does not reset: the sum goes on over the value
    crc.update(value);
    return new Sums(entry, (int) crc.getValue());
  }

  private static ByteBuffer header(long keyspaceId, long sequence, long version, byte[] key) {
    return ByteBuffer.allocate(28)
        .putLong(keyspaceId)
        .putLong(sequence)
        .putLong(version)
        .putInt(key.length)
        .flip();
  }
}
