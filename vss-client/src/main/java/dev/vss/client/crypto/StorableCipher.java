package dev.vss.client.crypto;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.vss.proto.EncryptionMetadata;
import dev.vss.proto.PlaintextBlob;
import dev.vss.proto.Storable;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Encrypts values into {@link Storable}s and back, byte-compatible with the deployed Rust client's
 * {@code StorableBuilder} (CLIENT-FORMATS, "Value encryption").
 *
 * <p>Format: the value and a version are serialized as a {@link PlaintextBlob}, encrypted with
 * ChaCha20-Poly1305 under the 32-byte data-encryption key, a random 12-byte nonce and the caller's
 * associated data (AAD); the result is {@code Storable{data = ciphertext without tag,
 * encryption_metadata = {cipher_format = "ChaCha20Poly1305", nonce, tag}}}.
 *
 * <p>The AAD binds a value to the key it is stored under, so a server cannot swap two values
 * without detection; pass the same AAD to {@link #open} that was given to {@link #seal}. Older data
 * of the deployed client used an empty AAD.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class StorableCipher {
  /** The {@code cipher_format} this class writes and the only one it reads. */
  public static final String CIPHER_FORMAT = "ChaCha20Poly1305";

  private final byte[] dataEncryptionKey;
  private final SecureRandom random;

  /**
   * A cipher using {@code dataEncryptionKey}.
   *
   * @param dataEncryptionKey 32 bytes; copied
   */
  public StorableCipher(byte[] dataEncryptionKey) {
    this(dataEncryptionKey, new SecureRandom());
  }

  /**
   * A cipher drawing nonces from {@code random} (for tests that need reproducible output; use the
   * one-argument constructor otherwise).
   */
  StorableCipher(byte[] dataEncryptionKey, SecureRandom random) {
    this.dataEncryptionKey = Aead.checkedKey(dataEncryptionKey, "dataEncryptionKey");
    this.random = random;
  }

  /**
   * Encrypts {@code value} and {@code version} under a fresh random nonce.
   *
   * @param value the plaintext value
   * @param version the version recorded inside the encrypted blob
   * @param aad the associated data (the storage key's UTF-8 bytes), authenticated but not stored
   */
  public Storable seal(byte[] value, long version, byte[] aad) {
    byte[] blob =
        PlaintextBlob.newBuilder()
            .setValue(ByteString.copyFrom(value))
            .setVersion(version)
            .build()
            .toByteArray();
    byte[] nonce = new byte[Aead.NONCE_LENGTH];
    random.nextBytes(nonce);
    byte[] sealed = Aead.seal(dataEncryptionKey, nonce, blob, aad);
    int dataLength = sealed.length - Aead.TAG_LENGTH;
    return Storable.newBuilder()
        .setData(ByteString.copyFrom(sealed, 0, dataLength))
        .setEncryptionMetadata(
            EncryptionMetadata.newBuilder()
                .setCipherFormat(CIPHER_FORMAT)
                .setNonce(ByteString.copyFrom(nonce))
                .setTag(ByteString.copyFrom(sealed, dataLength, Aead.TAG_LENGTH)))
        .build();
  }

  /**
   * Decrypts a serialized {@link Storable}.
   *
   * @param serializedStorable the bytes stored on the server
   * @param aad the associated data given to {@link #seal}
   * @return the blob holding the value and the version recorded at encryption
   * @throws DecryptionException if the bytes are not a Storable, use another cipher format, or do
   *     not verify under this key and AAD
   */
  public PlaintextBlob open(byte[] serializedStorable, byte[] aad) {
    Storable storable;
    try {
      storable = Storable.parseFrom(serializedStorable);
    } catch (InvalidProtocolBufferException e) {
      throw new DecryptionException("value is not an encrypted Storable: " + e.getMessage(), e);
    }
    return open(storable, aad);
  }

  /**
   * Decrypts a {@link Storable}.
   *
   * @param storable the encrypted value
   * @param aad the associated data given to {@link #seal}
   * @return the blob holding the value and the version recorded at encryption
   * @throws DecryptionException if the Storable has no or malformed encryption metadata, another
   *     cipher format, or does not verify under this key and AAD
   */
  public PlaintextBlob open(Storable storable, byte[] aad) {
    if (!storable.hasEncryptionMetadata()) {
      throw new DecryptionException("Storable has no encryption metadata");
    }
    EncryptionMetadata metadata = storable.getEncryptionMetadata();
    // The metadata is not covered by the tag: checking the format closes the one place where a
    // changed byte would otherwise go unnoticed.
    if (!metadata.getCipherFormat().equals(CIPHER_FORMAT)) {
      throw new DecryptionException(
          "Storable uses an unsupported cipher format '"
              + metadata.getCipherFormat()
              + "' (expected '"
              + CIPHER_FORMAT
              + "')");
    }
    if (metadata.getNonce().size() != Aead.NONCE_LENGTH) {
      throw new DecryptionException(
          "Storable nonce must be "
              + Aead.NONCE_LENGTH
              + " bytes, got "
              + metadata.getNonce().size());
    }
    if (metadata.getTag().size() != Aead.TAG_LENGTH) {
      throw new DecryptionException(
          "Storable tag must be " + Aead.TAG_LENGTH + " bytes, got " + metadata.getTag().size());
    }
    byte[] sealed = storable.getData().concat(metadata.getTag()).toByteArray();
    byte[] blob = Aead.open(dataEncryptionKey, metadata.getNonce().toByteArray(), sealed, aad);
    if (blob == null) {
      throw new DecryptionException(
          "Storable does not verify: wrong data-encryption key, "
              + "value stored under another key, or tampered data");
    }
    try {
      return PlaintextBlob.parseFrom(blob);
    } catch (InvalidProtocolBufferException e) {
      // Authentic bytes that do not parse: written by a client with another blob format.
      throw new DecryptionException("decrypted value is not a PlaintextBlob", e);
    } finally {
      Arrays.fill(blob, (byte) 0);
    }
  }
}
