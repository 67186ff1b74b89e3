package dev.vss.client.crypto;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Deterministic key obfuscation, byte-compatible with the deployed Rust client's {@code
 * KeyObfuscator} (CLIENT-FORMATS, "Key obfuscation"): the same key always maps to the same string,
 * so a client can find its data again, while the server learns nothing about the key's content
 * beyond its length.
 *
 * <p>With {@code H(ikm, salt) = HMAC-SHA256(key = salt, message = ikm)} and the 32-byte master key
 * {@code M}: {@code prk = H(M, "pseudo_random_key")}, {@code k1 = H(prk, "obfuscation_key")},
 * {@code k2 = H(prk, k1 || "hashing_key")}; {@code nonce(m)} is four zero bytes then the first 8
 * bytes of {@code H(k2, m)}. A key {@code p} (UTF-8) becomes {@code base64(c || t || wn || wt)}
 * without padding, where {@code (c, t) = AEAD(k1, nonce(p), p)} and {@code (wn, wt) = AEAD(k1,
 * nonce(c), nonce(p))}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class KeyObfuscator {
  private static final int MIN_OBFUSCATED_BYTES = 2 * Aead.TAG_LENGTH + Aead.NONCE_LENGTH;
  private static final byte[] NO_AAD = new byte[0];

  private final byte[] obfuscationKey;
  private final byte[] hashingKey;

  /**
   * An obfuscator deriving its keys from {@code masterKey}.
   *
   * @param masterKey 32 bytes; not retained
   */
  public KeyObfuscator(byte[] masterKey) {
    byte[] master = Aead.checkedKey(masterKey, "masterKey");
    byte[] prk = h(master, ascii("pseudo_random_key"));
    this.obfuscationKey = h(prk, ascii("obfuscation_key"));
    this.hashingKey = h(prk, concat(obfuscationKey, ascii("hashing_key")));
    Arrays.fill(master, (byte) 0);
    Arrays.fill(prk, (byte) 0);
  }

  /**
   * The obfuscated form of {@code key}.
   *
   * @throws IllegalArgumentException if {@code key} is not well-formed UTF-16 (an unpaired
   *     surrogate has no UTF-8 encoding, so it could never be recovered)
   */
  public String obfuscate(String key) {
    byte[] plain = strictUtf8(key);
    byte[] nonce = syntheticNonce(plain);
    byte[] sealedKey = Aead.seal(obfuscationKey, nonce, plain, NO_AAD);
    byte[] ciphertext = Arrays.copyOf(sealedKey, plain.length);
    byte[] sealedNonce = Aead.seal(obfuscationKey, syntheticNonce(ciphertext), nonce, NO_AAD);
    return Base64.getEncoder().withoutPadding().encodeToString(concat(sealedKey, sealedNonce));
  }

  /**
   * The key {@code obfuscated} was made from.
   *
   * @param obfuscated the output of {@link #obfuscate} (with or without base64 padding)
   * @throws DecryptionException if {@code obfuscated} is not base64, too short, was made with
   *     another master key, or was altered
   */
  public String deobfuscate(String obfuscated) {
    byte[] bytes = decodeCanonicalBase64(obfuscated);
    if (bytes.length < MIN_OBFUSCATED_BYTES) {
      throw new DecryptionException(
          "obfuscated key is too short: "
              + bytes.length
              + " bytes, at least "
              + MIN_OBFUSCATED_BYTES
              + " expected");
    }
    int sealedKeyLength = bytes.length - Aead.NONCE_LENGTH - Aead.TAG_LENGTH;
    byte[] sealedKey = Arrays.copyOfRange(bytes, 0, sealedKeyLength);
    byte[] sealedNonce = Arrays.copyOfRange(bytes, sealedKeyLength, bytes.length);
    byte[] ciphertext = Arrays.copyOf(sealedKey, sealedKeyLength - Aead.TAG_LENGTH);

    byte[] nonce = Aead.open(obfuscationKey, syntheticNonce(ciphertext), sealedNonce, NO_AAD);
    if (nonce == null) {
      throw notOurs();
    }
    byte[] plain = Aead.open(obfuscationKey, nonce, sealedKey, NO_AAD);
    // The nonce must also be the one obfuscate derives from the key: genuine output always is, and
    // checking it makes the format a strict bijection.
    if (plain == null || !Arrays.equals(nonce, syntheticNonce(plain))) {
      throw notOurs();
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(plain))
          .toString();
    } catch (CharacterCodingException e) {
      throw new DecryptionException("de-obfuscated key is not UTF-8", e);
    }
  }

  private static DecryptionException notOurs() {
    return new DecryptionException(
        "obfuscated key does not verify: made with another " + "obfuscation key, or altered");
  }

  /**
   * Decodes standard base64 with optional padding, refusing any encoding other than the one {@link
   * #obfuscate} produces for the same bytes: the JDK decoder ignores the unused low bits of the
   * last character, so without this check two different strings could decode alike.
   */
  private static byte[] decodeCanonicalBase64(String text) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new DecryptionException("obfuscated key is not base64: " + e.getMessage(), e);
    }
    String unpadded =
        text.endsWith("==")
            ? text.substring(0, text.length() - 2)
            : text.endsWith("=") ? text.substring(0, text.length() - 1) : text;
    if (!Base64.getEncoder().withoutPadding().encodeToString(bytes).equals(unpadded)) {
      throw new DecryptionException("obfuscated key is not canonical base64");
    }
    return bytes;
  }

  private byte[] syntheticNonce(byte[] material) {
    byte[] nonce = new byte[Aead.NONCE_LENGTH];
    System.arraycopy(h(hashingKey, material), 0, nonce, 4, Aead.NONCE_LENGTH - 4);
    return nonce;
  }

  /** {@code H(ikm, salt) = HMAC-SHA256(key = salt, message = ikm)}, as CLIENT-FORMATS defines. */
  private static byte[] h(byte[] ikm, byte[] salt) {
    return Aead.hmacSha256(salt, ikm);
  }

  private static byte[] strictUtf8(String key) {
    try {
      ByteBuffer encoded =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(key));
      byte[] bytes = new byte[encoded.remaining()];
      encoded.get(bytes);
      return bytes;
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("key is not well-formed UTF-16 (unpaired surrogate)", e);
    }
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
