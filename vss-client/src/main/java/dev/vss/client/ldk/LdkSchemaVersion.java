package dev.vss.client.ldk;

import java.util.Arrays;
import java.util.Objects;

/**
 * The layouts LDK Node's {@code VssStore} has written ({@code VssSchemaVersion} in {@code
 * ldk-node/src/io/vss_store.rs}), and the bytes that name one in the store.
 *
 * <p>The version is stored, encrypted like any value, under the schema V1 key of {@code ("", "",
 * "vss_schema_version")}; its plaintext is LDK's {@code impl_writeable_tlv_based_enum!}
 * serialization: one byte for the variant (0 for V0, 1 for V1) followed by the variant's TLV stream
 * prefixed by its BigSize length, which is empty for both, so V1 is {@code 01 00}.
 */
public enum LdkSchemaVersion {
  /**
   * The first layout: storage key {@code obfuscate(key)} when the primary namespace is empty, else
   * {@code primary#secondary#obfuscate(key)} (namespaces in the clear); values sealed with an empty
   * AAD.
   */
  V0(0),

  /**
   * The current layout: storage key {@code obfuscate(primary#secondary)#obfuscate(key)}; values
   * sealed with that storage key (UTF-8) as AAD. Every store LDK Node creates now uses it.
   */
  V1(1);

  private final int id;

  LdkSchemaVersion(int id) {
    this.id = id;
  }

  /** The plaintext LDK Node stores for this version: the variant byte and an empty TLV stream. */
  public byte[] encode() {
    return new byte[] {(byte) id, 0};
  }

  /**
   * The version named by a stored plaintext, read as LDK's {@code Readable} does: the variant byte,
   * then the BigSize length of the TLV stream and the stream itself, in which records of unknown
   * odd types are skipped and an unknown even type is refused. Bytes after the stream are ignored,
   * as LDK ignores them.
   *
   * @throws IllegalArgumentException for an unknown variant or a malformed stream (LDK Node refuses
   *     to start on such a store)
   */
  public static LdkSchemaVersion decode(byte[] plaintext) {
    Objects.requireNonNull(plaintext, "plaintext");
    Reader in = new Reader(plaintext);
    int id = in.u8();
    LdkSchemaVersion version =
        Arrays.stream(values())
            .filter(v -> v.id == id)
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "unknown LDK Node VSS schema version "
                            + id
                            + " (a newer LDK Node wrote this store?)"));
    long streamLength = in.bigSize();
    if (streamLength > in.remaining()) {
      throw new IllegalArgumentException("schema version TLV stream is truncated");
    }
    Reader stream = new Reader(in.take((int) streamLength));
    long lastType = -1;
    while (stream.remaining() > 0) {
      long type = stream.bigSize();
      if (type <= lastType) {
        throw new IllegalArgumentException("schema version TLV types are not increasing");
      }
      lastType = type;
      long length = stream.bigSize();
      if (length > stream.remaining()) {
        throw new IllegalArgumentException("schema version TLV record is truncated");
      }
      if (type % 2 == 0) {
        throw new IllegalArgumentException("schema version has an unknown required field " + type);
      }
      stream.take((int) length);
    }
    return version;
  }

  /** A cursor over bytes with the BOLT 1 BigSize encoding (big-endian, minimally encoded). */
  private static final class Reader {
    private final byte[] bytes;
    private int position;

    Reader(byte[] bytes) {
      this.bytes = bytes;
    }

    int remaining() {
      return bytes.length - position;
    }

    int u8() {
      if (remaining() < 1) {
        throw new IllegalArgumentException("schema version is truncated");
      }
      return bytes[position++] & 0xff;
    }

    byte[] take(int length) {
      byte[] out = Arrays.copyOfRange(bytes, position, position + length);
      position += length;
      return out;
    }

    long bigSize() {
      int first = u8();
      int width = first == 0xfd ? 2 : first == 0xfe ? 4 : first == 0xff ? 8 : 0;
      if (width == 0) {
        return first;
      }
      if (remaining() < width) {
        throw new IllegalArgumentException("schema version BigSize is truncated");
      }
      long value = 0;
      for (int i = 0; i < width; i++) {
        value = (value << 8) | u8();
      }
      long minimum = width == 2 ? 0xfd : width == 4 ? 0x1_0000L : 0x1_0000_0000L;
      if (Long.compareUnsigned(value, minimum) < 0) {
        throw new IllegalArgumentException("schema version BigSize is not minimally encoded");
      }
      if (value < 0 || value > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("schema version BigSize is too large");
      }
      return value;
    }
  }
}
