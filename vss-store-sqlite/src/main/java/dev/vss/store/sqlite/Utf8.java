package dev.vss.store.sqlite;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 for keys, store ids and user tokens, which the schema stores as BLOBs.
 *
 * <p>{@link String#getBytes} would replace an unpaired surrogate with {@code '?'} and so map two
 * different keys to one; strings arriving over the wire are valid UTF-8 already, so only an embedder
 * passing a malformed string can hit the rejection here.
 */
final class Utf8 {
  private Utf8() {}

  /**
   * The UTF-8 bytes of {@code text}.
   *
   * @throws IllegalArgumentException if {@code text} holds an unpaired surrogate
   */
  static byte[] encode(String text) {
    if (isAscii(text)) {
      // Fast path for the common case; ASCII is its own UTF-8.
      byte[] bytes = new byte[text.length()];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = (byte) text.charAt(i);
      }
      return bytes;
    }
    CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      ByteBuffer buffer = encoder.encode(CharBuffer.wrap(text));
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("text is not valid Unicode (unpaired surrogate)", e);
    }
  }

  /** The string whose UTF-8 bytes are {@code bytes}. */
  static String decode(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static boolean isAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }
}
