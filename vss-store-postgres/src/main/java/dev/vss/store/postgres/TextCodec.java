package dev.vss.store.postgres;

/**
 * How user tokens, store ids and keys are kept in the reference schema's {@code varchar} columns.
 *
 * <p>PostgreSQL text cannot hold the NUL character, which VSS allows in keys and store ids. Every
 * string without NUL and without the escape character U+FDD0 (a Unicode noncharacter, "reserved for
 * internal use") is stored unchanged, so every row the reference server can write reads back as the
 * reference wrote it. Only the two special characters are escaped: NUL as U+FDD0 '0' and U+FDD0 as
 * U+FDD0 U+FDD0. The code is a prefix code, so a prefix of a string encodes to a prefix of its
 * encoding and literal prefix listing stays exact.
 *
 * <p>Decoding is lenient where the reference could have written something this code never produces:
 * a U+FDD0 followed by anything else is kept as it is.
 */
final class TextCodec {
  /** The escape character: a noncharacter, which no interchanged text should contain. */
  static final char ESCAPE = '\uFDD0';

  private TextCodec() {}

  /**
   * The stored form of {@code text}. The core passes only well-formed strings (it rejects an
   * unpaired surrogate as INVALID_REQUEST, see the {@code Storage} SPI), so every string here has a
   * UTF-8 form the driver can send.
   */
  static String encode(String text) {
    if (text.indexOf('\0') < 0 && text.indexOf(ESCAPE) < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\0') {
        out.append(ESCAPE).append('0');
      } else if (c == ESCAPE) {
        out.append(ESCAPE).append(ESCAPE);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** The text whose stored form is {@code stored}. */
  static String decode(String stored) {
    if (stored.indexOf(ESCAPE) < 0) {
      return stored;
    }
    StringBuilder out = new StringBuilder(stored.length());
    for (int i = 0; i < stored.length(); i++) {
      char c = stored.charAt(i);
      if (c == ESCAPE && i + 1 < stored.length()) {
        char next = stored.charAt(i + 1);
        if (next == '0') {
          out.append('\0');
          i++;
          continue;
        }
        if (next == ESCAPE) {
          out.append(ESCAPE);
          i++;
          continue;
        }
      }
      out.append(c);
    }
    return out.toString();
  }
}
