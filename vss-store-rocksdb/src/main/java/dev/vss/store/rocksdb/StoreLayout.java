package dev.vss.store.rocksdb;

import com.google.protobuf.ByteString;
import dev.vss.core.Keyspace;
import java.util.Arrays;

/**
 * The byte layout of keys and values in the column families (see the module README, "On-disk
 * layout").
 *
 * <p>Every string component is written as {@code varint(byte length) || bytes} with the UTF-8 bytes
 * from {@link Utf8}. A length-prefixed sequence is self-delimiting, which gives the two properties
 * the store relies on:
 *
 * <ol>
 *   <li>injective: no two different {@code (user_token, store_id, key)} tuples share a record key,
 *       whatever characters (separators, NULs) they contain;
 *   <li>prefix-free per keyspace: the encoding of one keyspace is never a prefix of another's, so a
 *       scan bounded to one keyspace's prefix never sees another keyspace.
 * </ol>
 */
final class StoreLayout {
  /** Bytes before the value in a record: version then creation sequence, 8 bytes each. */
  static final int RECORD_HEADER_BYTES = 16;

  /** Bytes before the key in an index entry: the version. */
  static final int INDEX_HEADER_BYTES = 8;

  private StoreLayout() {}

  /** {@code component(user_token) || component(store_id)}: the key prefix of one keyspace. */
  static byte[] keyspacePrefix(Keyspace keyspace) {
    byte[] user = Utf8.encode(keyspace.userToken());
    byte[] store = Utf8.encode(keyspace.storeId());
    byte[] out = new byte[componentLength(user.length) + componentLength(store.length)];
    int p = writeComponent(user, out, 0);
    writeComponent(store, out, p);
    return out;
  }

  /**
   * {@code component(user_token)}: the start of every keyspace prefix of that user (components are
   * prefix-free, so no other user's keyspace starts with it).
   */
  static byte[] userPrefix(String userToken) {
    byte[] user = Utf8.encode(userToken);
    byte[] out = new byte[componentLength(user.length)];
    writeComponent(user, out, 0);
    return out;
  }

  /**
   * The length of the keyspace prefix at the start of {@code key} (a record key): its two
   * components, each a varint length and that many bytes.
   *
   * @throws dev.vss.core.spi.StorageException if the key is too short for its components
   */
  static int keyspacePrefixLength(byte[] key) {
    int p = 0;
    for (int component = 0; component < 2; component++) {
      int length = 0;
      int shift = 0;
      while (true) {
        if (p >= key.length || shift > 28) {
          throw new dev.vss.core.spi.StorageException(
              "damaged record key of " + key.length + " bytes");
        }
        byte b = key[p++];
        length |= (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          break;
        }
        shift += 7;
      }
      p += length;
      if (length < 0 || p > key.length) {
        throw new dev.vss.core.spi.StorageException(
            "damaged record key of " + key.length + " bytes");
      }
    }
    return p;
  }

  /** Records column family key: {@code prefix || component(key)}. */
  static byte[] recordKey(byte[] keyspacePrefix, String key) {
    byte[] keyBytes = Utf8.encode(key);
    byte[] out =
        Arrays.copyOf(keyspacePrefix, keyspacePrefix.length + componentLength(keyBytes.length));
    writeComponent(keyBytes, out, keyspacePrefix.length);
    return out;
  }

  /**
   * Index column family key: {@code prefix || big-endian(Long.MAX_VALUE - sequence)}. Inverting the
   * sequence makes the byte order newest-first, so a page is a forward scan (RocksDB's fast
   * direction) that starts at a seek and stops after {@code limit} matches.
   *
   * @param sequence a creation sequence, at least 1
   */
  static byte[] indexKey(byte[] keyspacePrefix, long sequence) {
    byte[] out = Arrays.copyOf(keyspacePrefix, keyspacePrefix.length + Long.BYTES);
    writeLong(Long.MAX_VALUE - sequence, out, keyspacePrefix.length);
    return out;
  }

  /**
   * An exclusive upper bound for the index keys of one keyspace: {@code prefix || 0x80}. Every
   * index key of the keyspace is {@code prefix} followed by a non-negative big-endian long, whose
   * first byte is at most {@code 0x7F}; no other keyspace has keys in between, because the prefix
   * is prefix-free.
   */
  static byte[] indexUpperBound(byte[] keyspacePrefix) {
    byte[] out = Arrays.copyOf(keyspacePrefix, keyspacePrefix.length + 1);
    out[keyspacePrefix.length] = (byte) 0x80;
    return out;
  }

  /** The creation sequence an index key stands for. */
  static long sequenceOfIndexKey(byte[] indexKey) {
    return Long.MAX_VALUE - readLong(indexKey, indexKey.length - Long.BYTES);
  }

  /** Records column family value: {@code version || sequence || value bytes}. */
  static byte[] recordValue(long version, long sequence, ByteString value) {
    byte[] out = new byte[RECORD_HEADER_BYTES + value.size()];
    writeLong(version, out, 0);
    writeLong(sequence, out, Long.BYTES);
    value.copyTo(out, RECORD_HEADER_BYTES);
    return out;
  }

  /** The version in a record value (or in the first 16 bytes of one). */
  static long recordVersion(byte[] recordValue) {
    return readLong(recordValue, 0);
  }

  /** The creation sequence in a record value (or in the first 16 bytes of one). */
  static long recordSequence(byte[] recordValue) {
    return readLong(recordValue, Long.BYTES);
  }

  /**
   * Index column family value: {@code version || encoded key}. Holding the version here lets a list
   * page read no record and no value.
   */
  static byte[] indexValue(long version, String key) {
    byte[] keyBytes = Utf8.encode(key);
    byte[] out = new byte[INDEX_HEADER_BYTES + keyBytes.length];
    writeLong(version, out, 0);
    System.arraycopy(keyBytes, 0, out, INDEX_HEADER_BYTES, keyBytes.length);
    return out;
  }

  /** Global versions column family value. */
  static byte[] globalVersionValue(long globalVersion) {
    byte[] out = new byte[Long.BYTES];
    writeLong(globalVersion, out, 0);
    return out;
  }

  /** Big-endian encoding of {@code value}. */
  static byte[] longBytes(long value) {
    byte[] out = new byte[Long.BYTES];
    writeLong(value, out, 0);
    return out;
  }

  /** Reads a big-endian long at {@code offset}. */
  static long readLong(byte[] in, int offset) {
    long v = 0;
    for (int i = 0; i < Long.BYTES; i++) {
      v = (v << 8) | (in[offset + i] & 0xFF);
    }
    return v;
  }

  private static void writeLong(long value, byte[] out, int offset) {
    for (int i = Long.BYTES - 1; i >= 0; i--) {
      out[offset + i] = (byte) value;
      value >>>= 8;
    }
  }

  private static int componentLength(int encodedBytes) {
    return varintLength(encodedBytes) + encodedBytes;
  }

  private static int writeComponent(byte[] bytes, byte[] out, int offset) {
    int p = writeVarint(bytes.length, out, offset);
    System.arraycopy(bytes, 0, out, p, bytes.length);
    return p + bytes.length;
  }

  private static int varintLength(int value) {
    int n = 1;
    while ((value >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  /** Unsigned LEB128: seven bits per byte, high bit set on every byte but the last. */
  private static int writeVarint(int value, byte[] out, int offset) {
    int p = offset;
    while ((value & ~0x7F) != 0) {
      out[p++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out[p++] = (byte) value;
    return p;
  }
}
