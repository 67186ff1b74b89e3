package dev.vss.store.rocksdb;

/**
 * Test only, frozen: the codec this store wrote strings with before the core rejected lone
 * surrogates, kept so that {@code StoreLayoutProperties} can prove that the UTF-8 bytes the store
 * writes now are byte-identical for every well-formed string. Its original description follows.
 *
 * <p>Encodes Java strings to bytes one-to-one: UTF-8 for every well-formed string, and a lone
 * surrogate (which UTF-8 cannot carry) as the three-byte form of its code unit, as WTF-8 does.
 *
 * <p>Why not {@code String.getBytes(UTF_8)}: it replaces a lone surrogate with {@code '?'}, so
 * {@code "a\uD800"} and {@code "a?"} would share an encoding and one key could overwrite another.
 * The {@code Storage} SPI accepts any Java string, so the encoding must be injective on all of
 * them. A lone surrogate's three-byte form ({@code ED A0..BF xx}) never occurs in well-formed
 * UTF-8, and a surrogate pair is always written as one four-byte sequence, so no two strings share
 * bytes.
 */
final class LegacyStringCodec {
  private LegacyStringCodec() {}

  /** The number of bytes {@link #encode} writes for {@code s}. */
  static int encodedLength(String s) {
    int n = s.length();
    int bytes = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (isPairAt(s, i)) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /** The encoding of {@code s} as a new array. */
  static byte[] encode(String s) {
    byte[] out = new byte[encodedLength(s)];
    encode(s, out, 0);
    return out;
  }

  /**
   * Writes the encoding of {@code s} into {@code out} at {@code offset}; the caller sized {@code
   * out} with {@link #encodedLength}.
   *
   * @return the offset just past the written bytes
   */
  static int encode(String s, byte[] out, int offset) {
    int p = offset;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        out[p++] = (byte) c;
      } else if (c < 0x800) {
        out[p++] = (byte) (0xC0 | (c >>> 6));
        out[p++] = (byte) (0x80 | (c & 0x3F));
      } else if (isPairAt(s, i)) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        out[p++] = (byte) (0xF0 | (cp >>> 18));
        out[p++] = (byte) (0x80 | ((cp >>> 12) & 0x3F));
        out[p++] = (byte) (0x80 | ((cp >>> 6) & 0x3F));
        out[p++] = (byte) (0x80 | (cp & 0x3F));
      } else {
        out[p++] = (byte) (0xE0 | (c >>> 12));
        out[p++] = (byte) (0x80 | ((c >>> 6) & 0x3F));
        out[p++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return p;
  }

  /**
   * Decodes {@code length} bytes of {@code in} from {@code offset}, the inverse of {@link #encode}.
   *
   * @throws IllegalArgumentException if the bytes are not a structurally valid encoding (a lead
   *     byte without its continuation bytes), which means the stored data is damaged
   */
  static String decode(byte[] in, int offset, int length) {
    char[] chars = new char[length];
    int n = 0;
    int p = offset;
    int end = offset + length;
    while (p < end) {
      int b = in[p++] & 0xFF;
      if (b < 0x80) {
        chars[n++] = (char) b;
      } else if (b >= 0xC0 && b < 0xE0) {
        chars[n++] = (char) (((b & 0x1F) << 6) | continuation(in, p++, end));
      } else if (b >= 0xE0 && b < 0xF0) {
        int c = ((b & 0x0F) << 12) | (continuation(in, p++, end) << 6) | continuation(in, p++, end);
        chars[n++] = (char) c;
      } else if (b >= 0xF0 && b < 0xF8) {
        int cp =
            ((b & 0x07) << 18)
                | (continuation(in, p++, end) << 12)
                | (continuation(in, p++, end) << 6)
                | continuation(in, p++, end);
        if (cp < Character.MIN_SUPPLEMENTARY_CODE_POINT || cp > Character.MAX_CODE_POINT) {
          throw new IllegalArgumentException("invalid four-byte sequence at " + (p - 4));
        }
        chars[n++] = Character.highSurrogate(cp);
        chars[n++] = Character.lowSurrogate(cp);
      } else {
        throw new IllegalArgumentException("invalid lead byte at " + (p - 1));
      }
    }
    return new String(chars, 0, n);
  }

  private static int continuation(byte[] in, int p, int end) {
    if (p >= end || (in[p] & 0xC0) != 0x80) {
      throw new IllegalArgumentException("truncated sequence at " + p);
    }
    return in[p] & 0x3F;
  }

  private static boolean isPairAt(String s, int i) {
    return Character.isHighSurrogate(s.charAt(i))
        && i + 1 < s.length()
        && Character.isLowSurrogate(s.charAt(i + 1));
  }
}
