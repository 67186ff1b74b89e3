package dev.vss.client.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.vss.proto.EncryptionMetadata;
import dev.vss.proto.Storable;
import org.junit.jupiter.api.Test;

/** Clear errors for malformed input and misuse. */
class CryptoMisuseTest {
  private static final byte[] KEY = new byte[32];

  @Test
  void keysMustBe32Bytes() {
    assertThatThrownBy(() -> new StorableCipher(new byte[16]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 bytes, got 16");
    assertThatThrownBy(() -> new KeyObfuscator(new byte[33]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 bytes, got 33");
  }

  @Test
  void keysWithUnpairedSurrogatesCannotBeObfuscated() {
    assertThatThrownBy(() -> new KeyObfuscator(KEY).obfuscate("bad\uD800key"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("surrogate");
  }

  @Test
  void deobfuscationExplainsWhatIsWrong() {
    KeyObfuscator obfuscator = new KeyObfuscator(KEY);
    assertThatThrownBy(() -> obfuscator.deobfuscate("not base64!"))
        .isInstanceOf(DecryptionException.class)
        .hasMessageContaining("not base64");
    assertThatThrownBy(() -> obfuscator.deobfuscate("AAAA"))
        .isInstanceOf(DecryptionException.class)
        .hasMessageContaining("too short");
    String valid = obfuscator.obfuscate("kk");
    // 46 bytes: the last character carries 4 unused bits; setting one must not be accepted.
    char last = valid.charAt(valid.length() - 1);
    String alias =
        valid.substring(0, valid.length() - 1)
            + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
                .charAt(
                    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".indexOf(last)
                        | 1);
    assertThat(alias).isNotEqualTo(valid);
    assertThatThrownBy(() -> obfuscator.deobfuscate(alias))
        .isInstanceOf(DecryptionException.class)
        .hasMessageContaining("canonical");
  }

  @Test
  void storableMetadataIsChecked() {
    StorableCipher cipher = new StorableCipher(KEY);
    Storable good = cipher.seal(new byte[] {1}, 1, new byte[0]);
    EncryptionMetadata metadata = good.getEncryptionMetadata();

    assertThatThrownBy(
            () -> cipher.open(good.toBuilder().clearEncryptionMetadata().build(), new byte[0]))
        .isInstanceOf(DecryptionException.class)
        .hasMessageContaining("no encryption metadata");
    assertThatThrownBy(
            () ->
                cipher.open(
                    good.toBuilder()
                        .setEncryptionMetadata(metadata.toBuilder().setCipherFormat("AES256GCM"))
                        .build(),
                    new byte[0]))
        .isInstanceOf(DecryptionException.class)
        .hasMessageContaining("AES256GCM");
    assertThatThrownBy(
            () ->
                cipher.open(
                    good.toBuilder()
                        .setEncryptionMetadata(
                            metadata.toBuilder().setNonce(ByteString.copyFrom(new byte[8])))
                        .build(),
                    new byte[0]))
        .isInstanceOf(DecryptionException.class)
        .hasMessageContaining("nonce must be 12 bytes");
    assertThatThrownBy(
            () ->
                cipher.open(
                    good.toBuilder()
                        .setEncryptionMetadata(
                            metadata.toBuilder().setTag(ByteString.copyFrom(new byte[15])))
                        .build(),
                    new byte[0]))
        .isInstanceOf(DecryptionException.class)
        .hasMessageContaining("tag must be 16 bytes");
    assertThatThrownBy(() -> cipher.open(new byte[] {(byte) 0xff}, new byte[0]))
        .isInstanceOf(DecryptionException.class)
        .hasMessageContaining("not an encrypted Storable");
  }

  @Test
  void theEmptyKeyRoundTripsBecauseHmacWithAnEmptyKeyIsDefined() throws Exception {
    KeyObfuscator obfuscator = new KeyObfuscator(KEY);
    assertThat(obfuscator.deobfuscate(obfuscator.obfuscate(""))).isEmpty();

    // The zero-block substitution in Aead.hmacSha256 is what RFC 2104 prescribes: compare with a
    // one-byte zero key, which pads to the same block and which the JDK accepts.
    byte[] message = {1, 2, 3};
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(new byte[1], "HmacSHA256"));
    assertThat(Aead.hmacSha256(new byte[0], message)).isEqualTo(mac.doFinal(message));
  }
}
