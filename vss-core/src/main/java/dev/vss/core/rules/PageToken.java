package dev.vss.core.rules;

import dev.vss.core.VssException;
import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * The opaque {@code page_token} of listKeyVersions: it names the creation sequence of the last entry
 * of the previous page, so the next page continues strictly below it.
 *
 * <p>Encoding: URL-safe base64 without padding of one format byte ({@code 1}) followed by the
 * sequence as 8 big-endian bytes. The format byte lets a later release change the encoding and still
 * recognise tokens it issued. Because updates keep a key's sequence and a re-created key gets a new,
 * higher one, a listing never skips or repeats a record that existed for the whole listing.
 */
public final class PageToken {
  private static final byte FORMAT = 1;
  private static final int ENCODED_BYTES = 9;

  private PageToken() {}

  /** Encodes the position after the entry with creation sequence {@code lastSequence}. */
  public static String encode(long lastSequence) {
    if (lastSequence <= 0) {
      throw new IllegalArgumentException("sequences are positive, got " + lastSequence);
    }
    ByteBuffer buffer = ByteBuffer.allocate(ENCODED_BYTES).put(FORMAT).putLong(lastSequence);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer.array());
  }

  /**
   * Decodes a token issued by {@link #encode}.
   *
   * @return the exclusive upper bound of the creation sequence for the next page
   * @throws VssException INVALID_REQUEST if the token was not issued by this server
   */
  public static long decode(String token) {
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
    if (bytes.length != ENCODED_BYTES || bytes[0] != FORMAT) {
      throw invalid();
    }
    long sequence = ByteBuffer.wrap(bytes, 1, 8).getLong();
    if (sequence <= 0) {
      throw invalid();
    }
    return sequence;
  }

  private static VssException invalid() {
    return VssException.invalidRequest(
        "page_token is not a token this server issued; pass the next_page_token of the previous"
            + " page, or omit it for the first page");
  }
}
