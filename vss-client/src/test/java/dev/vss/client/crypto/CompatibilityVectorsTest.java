package dev.vss.client.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vss.proto.PlaintextBlob;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The test vectors of CLIENT-FORMATS (taken from the deployed Rust client's compatibility tests):
 * if these pass, the Java client reads and writes the same bytes.
 */
class CompatibilityVectorsTest {
  static final byte[] STORABLE_VECTOR =
      HexFormat.of()
          .parseHex(
              "0a1d3219e9fb45d742f56c401b7413e7ae07fd81e1433af2863ce88f01f86c12"
                  + "320a104368614368613230506f6c7931333035120c0000000000010203040506"
                  + "071a1087163502261e30ec7cf14b7970a24116");
  static final String OBFUSCATED_2A =
      "cMoet5WTvl0nYds+VW7JPCtXUq24DtMG2dR9apAi/T5jy8eNIEyDrUAJBS4geeUuX+XGXPqlizIByOip2g";
  static final String OBFUSCATED_AB =
      "nxrixRQPGawY+a9JFLThii0RgeADtEdSjh2YDgpZhBKOuw6GKr5UAIIwsQCathJlZsmuSku+RGB1/JuxFUMQGoAwa+M8tg";

  static byte[] counterKey() {
    byte[] key = new byte[32];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) i;
    }
    return key;
  }

  static byte[] filled(int value) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) value);
    return key;
  }

  @Test
  void storableVectorDecryptsToTheDeployedClientsValueAndVersion() {
    PlaintextBlob blob = new StorableCipher(counterKey()).open(STORABLE_VECTOR, new byte[0]);

    assertThat(blob.getValue().toString(StandardCharsets.US_ASCII))
        .isEqualTo("backward_compat_test_data");
    assertThat(blob.getVersion()).isEqualTo(42);
  }

  @Test
  void storableVectorDoesNotVerifyUnderAnotherKeyOrAad() {
    assertThatThrownBy(() -> new StorableCipher(filled(1)).open(STORABLE_VECTOR, new byte[0]))
        .isInstanceOf(DecryptionException.class)
        .hasMessageContaining("does not verify");
    assertThatThrownBy(
            () ->
                new StorableCipher(counterKey())
                    .open(STORABLE_VECTOR, "k".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(DecryptionException.class)
        .hasMessageContaining("does not verify");
  }

  /** Every single-byte change anywhere in the vector, to every other value, is refused. */
  @Test
  void everyTamperedByteOfTheStorableVectorIsRefused() {
    StorableCipher cipher = new StorableCipher(counterKey());
    int refused = 0;
    for (int position = 0; position < STORABLE_VECTOR.length; position++) {
      for (int delta = 1; delta < 256; delta++) {
        byte[] tampered = STORABLE_VECTOR.clone();
        tampered[position] ^= (byte) delta;
        try {
          cipher.open(tampered, new byte[0]);
          throw new AssertionError("accepted a change of byte " + position + " by xor " + delta);
        } catch (DecryptionException expected) {
          refused++;
        }
      }
    }
    assertThat(refused).isEqualTo(STORABLE_VECTOR.length * 255);
  }

  @Test
  void obfuscationMatchesTheDeployedClient() {
    KeyObfuscator obfuscator = new KeyObfuscator(filled(0x2a));

    assertThat(obfuscator.obfuscate("a_semi_secret_key")).isEqualTo(OBFUSCATED_2A);
    assertThat(obfuscator.deobfuscate(OBFUSCATED_2A)).isEqualTo("a_semi_secret_key");
  }

  @Test
  void deobfuscatesTheDeployedClientsOutput() {
    KeyObfuscator obfuscator = new KeyObfuscator(filled(0xab));

    assertThat(obfuscator.deobfuscate(OBFUSCATED_AB)).isEqualTo("my_storage_key_v031_compat");
    assertThat(obfuscator.obfuscate("my_storage_key_v031_compat")).isEqualTo(OBFUSCATED_AB);
  }

  @Test
  void acceptsPaddedBase64() {
    // 61 bytes encode to 82 characters without padding, 84 with "==".
    assertThat(new KeyObfuscator(filled(0x2a)).deobfuscate(OBFUSCATED_2A + "=="))
        .isEqualTo("a_semi_secret_key");
  }

  @Test
  void obfuscatedVectorsDoNotVerifyUnderAnotherMasterKey() {
    assertThatThrownBy(() -> new KeyObfuscator(filled(0xab)).deobfuscate(OBFUSCATED_2A))
        .isInstanceOf(DecryptionException.class)
        .hasMessageContaining("does not verify");
  }

  /** Every change of a character of an obfuscated key to any other base64 character is refused. */
  @Test
  void everyTamperedCharacterOfAnObfuscatedVectorIsRefused() {
    KeyObfuscator obfuscator = new KeyObfuscator(filled(0xab));
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int position = 0; position < OBFUSCATED_AB.length(); position++) {
      for (char replacement : alphabet.toCharArray()) {
        if (replacement == OBFUSCATED_AB.charAt(position)) {
          continue;
        }
        String tampered =
            OBFUSCATED_AB.substring(0, position)
                + replacement
                + OBFUSCATED_AB.substring(position + 1);
        assertThatThrownBy(() -> obfuscator.deobfuscate(tampered))
            .as("character %d replaced by %s", position, replacement)
            .isInstanceOf(DecryptionException.class);
      }
    }
  }
}
