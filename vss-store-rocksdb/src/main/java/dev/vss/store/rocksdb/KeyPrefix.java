package dev.vss.store.rocksdb;

/**
 * A literal key prefix matched against encoded keys, with exactly the meaning of {@link
 * String#startsWith}: no character is a wildcard.
 *
 * <p>It compares bytes, so a list page decodes only the keys it returns. Byte comparison agrees
 * with {@code startsWith} because {@link StringCodec} encodes unit by unit with self-delimiting
 * sequences; the one exception is a prefix ending in a high surrogate, which a key may pair with a
 * following low surrogate (encoded together as four bytes). For such a prefix the match decodes the
 * key and asks {@code startsWith}.
 */
final class KeyPrefix {
  private final String prefix;
  private final byte[] encoded;
  private final boolean endsWithHighSurrogate;

  KeyPrefix(String prefix) {
    this.prefix = prefix;
    this.encoded = StringCodec.encode(prefix);
    this.endsWithHighSurrogate =
        !prefix.isEmpty() && Character.isHighSurrogate(prefix.charAt(prefix.length() - 1));
  }

  /** Whether the key encoded in {@code in[offset, offset + length)} starts with this prefix. */
  boolean matches(byte[] in, int offset, int length) {
    if (endsWithHighSurrogate) {
      return StringCodec.decode(in, offset, length).startsWith(prefix);
    }
    if (length < encoded.length) {
      return false;
    }
    for (int i = 0; i < encoded.length; i++) {
      if (in[offset + i] != encoded[i]) {
        return false;
      }
    }
    return true;
  }
}
