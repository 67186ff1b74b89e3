package dev.vss.store.rocksdb;

/**
 * A literal key prefix matched against encoded keys, with exactly the meaning of {@link
 * String#startsWith}: no character is a wildcard.
 *
 * <p>It compares bytes, so a list page decodes only the keys it returns. Byte comparison agrees
 * with {@code startsWith} because UTF-8 encodes code point by code point with self-delimiting
 * sequences and the core passes only well-formed strings (a prefix never ends in half a surrogate
 * pair; see the {@code Storage} SPI).
 */
final class KeyPrefix {
  private final byte[] encoded;

  KeyPrefix(String prefix) {
    this.encoded = Utf8.encode(prefix);
  }

  /** Whether the key encoded in {@code in[offset, offset + length)} starts with this prefix. */
  boolean matches(byte[] in, int offset, int length) {
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
