package dev.vss.store.rocksdb;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of user tokens, store ids and keys: plain UTF-8.
 *
 * <p>The core rejects a string with an unpaired surrogate as INVALID_REQUEST before it reaches a
 * store (see the {@code Storage} SPI), so every string here is well-formed and {@link
 * String#getBytes} maps distinct strings to distinct bytes. Stores written by earlier versions,
 * which encoded strings with a WTF-8-like codec, hold the same bytes for every well-formed string
 * ({@code StoreLayoutProperties} checks it against that codec).
 *
 * <p>Decoding is strict: bytes that are not well-formed UTF-8 can only come from damage (this store
 * never writes them) and are reported, never served as replacement characters.
 */
final class Utf8 {
  private Utf8() {}

  /** The UTF-8 bytes of {@code s}. */
  static byte[] encode(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Decodes {@code length} bytes of {@code in} from {@code offset}.
   *
   * @throws IllegalArgumentException if the bytes are not well-formed UTF-8, which means the stored
   *     data is damaged
   */
  static String decode(byte[] in, int offset, int length) {
    String text = new String(in, offset, length, StandardCharsets.UTF_8);
    // The JDK's decoder replaces malformed input with U+FFFD; only then does a strict pass run (a
    // key that really holds U+FFFD takes it too, and passes).
    if (text.indexOf('\uFFFD') < 0) {
      return text;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(in, offset, length))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(
          "stored string of " + length + " bytes is not well-formed UTF-8", e);
    }
  }
}
