package dev.vss.client.crypto;

import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * RFC 8439 ChaCha20-Poly1305 and HMAC-SHA256 from the platform's providers: no extra library.
 *
 * <p>A new {@link Cipher} per operation: the JDK refuses to re-initialise one instance for
 * encryption with the same key and nonce, which key obfuscation does on purpose (its nonces are
 * deterministic).
 */
final class Aead {
  static final int KEY_LENGTH = 32;
  static final int NONCE_LENGTH = 12;
  static final int TAG_LENGTH = 16;
  private static final int HMAC_BLOCK_LENGTH = 64;

  // The JDK (11+) name first, then the name Android's Conscrypt provider uses for the same cipher.
  private static final String[] CIPHER_NAMES = {"ChaCha20-Poly1305", "ChaCha20/Poly1305/NoPadding"};

  private Aead() {}

  /** Encrypts {@code plaintext}; returns {@code ciphertext || tag}. */
  static byte[] seal(byte[] key, byte[] nonce, byte[] plaintext, byte[] aad) {
    try {
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, key, nonce, aad);
      return cipher.doFinal(plaintext);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 encryption failed", e);
    }
  }

  /**
   * Decrypts {@code ciphertext || tag}.
   *
   * @return the plaintext, or {@code null} when the tag does not verify (wrong key, nonce or AAD,
   *     or tampered data)
   */
  static byte[] open(byte[] key, byte[] nonce, byte[] ciphertextAndTag, byte[] aad) {
    try {
      Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, nonce, aad);
      return cipher.doFinal(ciphertextAndTag);
    } catch (AEADBadTagException e) {
      return null;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 decryption failed", e);
    }
  }

  /** HMAC-SHA256 keyed with {@code key} (any length, even empty) over {@code message}. */
  static byte[] hmacSha256(byte[] key, byte[] message) {
    // HMAC pads a short key with zeros to the 64-byte block, so the empty key, which
    // SecretKeySpec refuses (an empty key or ciphertext is HMAC key material in key obfuscation),
    // is the same key as 64 zero bytes.
    byte[] effectiveKey = key.length == 0 ? new byte[HMAC_BLOCK_LENGTH] : key;
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(effectiveKey, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }

  private static Cipher cipher(int mode, byte[] key, byte[] nonce, byte[] aad)
      throws GeneralSecurityException {
    Cipher cipher = newCipher();
    cipher.init(mode, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
    if (aad.length > 0) {
      cipher.updateAAD(aad);
    }
    return cipher;
  }

  private static Cipher newCipher() throws NoSuchPaddingException, NoSuchAlgorithmException {
    NoSuchAlgorithmException missing = null;
    for (String name : CIPHER_NAMES) {
      try {
        return Cipher.getInstance(name);
      } catch (NoSuchAlgorithmException e) {
        missing = e;
      }
    }
    throw missing;
  }

  /** Copies a 32-byte key, refusing any other length. */
  static byte[] checkedKey(byte[] key, String name) {
    if (key == null || key.length != KEY_LENGTH) {
      throw new IllegalArgumentException(
          name + " must be " + KEY_LENGTH + " bytes, got " + (key == null ? "null" : key.length));
    }
    return key.clone();
  }
}
