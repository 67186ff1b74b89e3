package dev.vss.core.rules;

import dev.vss.core.Keyspace;
import dev.vss.core.VssException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The opaque {@code page_token} of listKeyVersions: it names the creation sequence of the last
 * entry of the previous page, so the next page continues strictly below it, and it is valid only
 * for the listing that issued it.
 *
 * <p>Why a token is authenticated and encrypted: creation sequences are store-wide, so a plain
 * sequence would tell any user how many keys all users have created, and a token carried to another
 * keyspace or prefix would silently start that listing at an arbitrary place. A token is therefore
 * bound to {@code (user token, store_id, key_prefix)} and authenticated with the store's {@link
 * dev.vss.core.spi.Storage#pageTokenSecret() page-token secret}; a token from another listing,
 * another store, or a forged or altered one is INVALID_REQUEST.
 *
 * <p>Encoding (format 2), with {@code K} the store's 32-byte secret:
 *
 * <pre>
 * macKey = HMAC-SHA256(K, "vss page token v2 mac")
 * padKey = HMAC-SHA256(K, "vss page token v2 pad")
 * tag    = first 16 bytes of HMAC-SHA256(macKey,
 *            0x02 || str(user_token) || str(store_id) || str(key_prefix) || be64(sequence))
 * sealed = be64(sequence) XOR first 8 bytes of HMAC-SHA256(padKey, 0x02 || tag)
 * token  = base64url without padding of (0x02 || sealed || tag)     (25 bytes, 34 characters)
 * str(s) = be32(number of UTF-16 code units of s) || s as UTF-16BE  (exact for any Java string)
 * </pre>
 *
 * <p>This is deterministic authenticated encryption in the synthetic-IV style: the tag
 * authenticates the binding and the sequence, and the pad that hides the sequence is derived from
 * the tag, so tokens for sequences {@code n} and {@code n + 1} share no structure. Decoding accepts
 * only the canonical 34-character form, recovers the sequence, recomputes the tag and compares in
 * constant time. The format byte lets a later release change the encoding; tokens of format 1 (the
 * plain sequence of earlier releases) are rejected, so a listing in flight across the upgrade
 * restarts from its first page.
 *
 * <p>Because updates keep a key's sequence and a re-created key gets a new, higher one, a listing
 * never skips or repeats a record that existed for the whole listing.
 */
public final class PageToken {
  /** The length of a page-token secret, in bytes. */
  public static final int SECRET_BYTES = 32;

  private static final byte FORMAT = 2;
  private static final int TAG_BYTES = 16;
  private static final int ENCODED_BYTES = 1 + Long.BYTES + TAG_BYTES;

  /** {@code ceil(25 * 4 / 3)} base64 characters without padding. */
  private static final int ENCODED_CHARS = (ENCODED_BYTES * 4 + 2) / 3;

  private static final String HMAC = "HmacSHA256";
  private static final byte[] MAC_LABEL =
      "vss page token v2 mac".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PAD_LABEL =
      "vss page token v2 pad".getBytes(StandardCharsets.US_ASCII);
  private static final SecureRandom RANDOM = new SecureRandom();

  private PageToken() {}

  /** A new page-token secret of {@value #SECRET_BYTES} bytes from a secure random source. */
  public static byte[] newSecret() {
    byte[] secret = new byte[SECRET_BYTES];
    RANDOM.nextBytes(secret);
    return secret;
  }

  /**
   * The token for the position after the entry with creation sequence {@code lastSequence} in the
   * listing of {@code keyspace} with {@code prefix}.
   *
   * @param secret the store's page-token secret, {@value #SECRET_BYTES} bytes
   * @throws IllegalArgumentException if the secret has the wrong length or the sequence is not
   *     positive
   */
  public static String encode(byte[] secret, Keyspace keyspace, String prefix, long lastSequence) {
    if (lastSequence <= 0) {
      throw new IllegalArgumentException("sequences are positive, got " + lastSequence);
    }
    Keys keys = Keys.of(secret);
    byte[] tag = keys.tag(keyspace, prefix, lastSequence);
    long sealed = lastSequence ^ keys.pad(tag);
    byte[] token = ByteBuffer.allocate(ENCODED_BYTES).put(FORMAT).putLong(sealed).put(tag).array();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
  }

  /**
   * Decodes a token that {@link #encode} issued for the same secret, keyspace and prefix.
   *
   * @param secret the store's page-token secret, {@value #SECRET_BYTES} bytes
   * @return the exclusive upper bound of the creation sequence for the next page
   * @throws VssException INVALID_REQUEST if the token was not issued for this listing of this store
   * @throws IllegalArgumentException if the secret has the wrong length
   */
  public static long decode(byte[] secret, Keyspace keyspace, String prefix, String token) {
    Keys keys = Keys.of(secret);
    Objects.requireNonNull(token, "token");
    if (token.length() != ENCODED_CHARS) {
      throw invalid();
    }
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
    // Only the canonical spelling: the decoder ignores the unused low bits of the last character.
    if (bytes.length != ENCODED_BYTES
        || bytes[0] != FORMAT
        || !Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(token)) {
      throw invalid();
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes, 1, ENCODED_BYTES - 1);
    long sealed = buffer.getLong();
    byte[] tag = new byte[TAG_BYTES];
    buffer.get(tag);
    long sequence = sealed ^ keys.pad(tag);
    if (sequence <= 0 || !MessageDigest.isEqual(tag, keys.tag(keyspace, prefix, sequence))) {
      throw invalid();
    }
    return sequence;
  }

  private static VssException invalid() {
    return VssException.invalidRequest(
        "page_token is not a token this server issued; pass the next_page_token of the previous"
            + " page, or omit it for the first page");
  }

  /** The two keys derived from one secret. */
  private record Keys(SecretKeySpec mac, SecretKeySpec pad) {
    static Keys of(byte[] secret) {
      Objects.requireNonNull(secret, "secret");
      if (secret.length != SECRET_BYTES) {
        throw new IllegalArgumentException(
            "a page-token secret is " + SECRET_BYTES + " bytes, got " + secret.length);
      }
      SecretKeySpec root = new SecretKeySpec(secret, HMAC);
      return new Keys(
          new SecretKeySpec(hmac(root, MAC_LABEL), HMAC),
          new SecretKeySpec(hmac(root, PAD_LABEL), HMAC));
    }

    byte[] tag(Keyspace keyspace, String prefix, long sequence) {
      Mac mac = mac(this.mac);
      mac.update(FORMAT);
      update(mac, keyspace.userToken());
      update(mac, keyspace.storeId());
      update(mac, Objects.requireNonNull(prefix, "prefix"));
      mac.update(ByteBuffer.allocate(Long.BYTES).putLong(sequence).array());
      byte[] tag = new byte[TAG_BYTES];
      System.arraycopy(mac.doFinal(), 0, tag, 0, TAG_BYTES);
      return tag;
    }

    long pad(byte[] tag) {
      Mac mac = mac(this.pad);
      mac.update(FORMAT);
      mac.update(tag);
      return ByteBuffer.wrap(mac.doFinal()).getLong();
    }

    /** Length, then UTF-16 code units: injective for every Java string, lone surrogates too. */
    private static void update(Mac mac, String text) {
      ByteBuffer buffer =
          ByteBuffer.allocate(Integer.BYTES + 2 * text.length()).putInt(text.length());
      for (int i = 0; i < text.length(); i++) {
        buffer.putChar(text.charAt(i));
      }
      mac.update(buffer.array());
    }

    private static byte[] hmac(SecretKeySpec key, byte[] message) {
      return mac(key).doFinal(message);
    }

    private static Mac mac(SecretKeySpec key) {
      try {
        Mac mac = Mac.getInstance(HMAC);
        mac.init(key);
        return mac;
      } catch (GeneralSecurityException e) {
        // Every Java SE runtime must provide HmacSHA256.
        throw new IllegalStateException("HmacSHA256 is not available", e);
      }
    }
  }
}
