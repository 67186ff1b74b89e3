package dev.vss.client.ldk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * LDK Node's key derivation. The expected values were computed independently of this code, with
 * Python's {@code hmac}/{@code hashlib} and integer arithmetic: BIP32 master key from the 64-byte
 * seed, hardened children {@code m/877'} and {@code m/877'/139'}, then LDK Node's {@code hkdf}
 * steps. The BIP32 derivation itself is checked against the published vectors in {@link
 * Bip32PrivateKeyTest}.
 */
class LdkNodeKeysTest {
  private static final HexFormat HEX = HexFormat.of();

  @ParameterizedTest
  @CsvSource({
    // BIP32 test vector 2's 64-byte seed
    "fffcf9f6f3f0edeae7e4e1dedbd8d5d2cfccc9c6c3c0bdbab7b4b1aeaba8a5a29f9c999693908d8a8784817e7b7875726f6c696663605d5a5754514e4b484542,"
        + "2d3a89d25aa9f05ecf8abd5e4b540591d02c2b26c110b35617d4c8d6b2d9e95f,"
        + "21693cdb9119598c48143caa76cea0dae50424eafbb55ce2323b0ee6e5ae53a0,"
        + "6def30acdbc8043b6ebf90e02c283f80892af7e46e8857c98391c23f27df2453,"
        + "fbb494c545a3e82b8e9ffac6589c877d030aba20c57fb01f76ee98997e73cf62",
    // 64 bytes of 0x5a
    "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a,"
        + "3e9eec0783658c2a3a196f31108ec935937650298ae1c4b85804c14d941373b9,"
        + "30cd383468a5f6eeeaab3a0a26645db0b981377d03d7f3d525c5020faf4c5c1c,"
        + "040cfbef366ee255a888b92cf0d8f338d6baa9bb73983a113cbd654e10ab33cd,"
        + "1e405a4fbb5cbe4c1bff9d631fc28a936334601002c7e8847048361e4e0d7cfd",
  })
  void derivesWhatAnIndependentImplementationDerives(
      String seed, String vssSeed, String signatureKey, String dataKey, String obfuscationKey) {
    LdkNodeKeys keys = LdkNodeKeys.fromNodeSeed(HEX.parseHex(seed));

    assertThat(HEX.formatHex(keys.vssSeed())).isEqualTo(vssSeed);
    assertThat(keys.signatureAuthKey().map(HEX::formatHex)).hasValue(signatureKey);
    assertThat(HEX.formatHex(keys.dataEncryptionKey())).isEqualTo(dataKey);
    assertThat(HEX.formatHex(keys.obfuscationKey())).isEqualTo(obfuscationKey);

    LdkNodeKeys fromVssSeed = LdkNodeKeys.fromVssSeed(HEX.parseHex(vssSeed));
    assertThat(fromVssSeed.dataEncryptionKey()).isEqualTo(keys.dataEncryptionKey());
    assertThat(fromVssSeed.obfuscationKey()).isEqualTo(keys.obfuscationKey());
    assertThat(fromVssSeed.signatureAuthKey()).isEmpty();
  }

  /**
   * A second implementation of LDK Node's hkdf steps, on Bouncy Castle's HMAC instead of the JDK's.
   */
  @Property(tries = 200)
  void vssSeedStepsMatchASecondImplementation(@ForAll @Size(32) byte[] vssSeed) {
    byte[] prk = hmacSha256(ascii("pseudo_random_key"), vssSeed);
    byte[] k1 = hmacSha256(ascii("data_encryption_key"), prk);
    byte[] salt2 = new byte[k1.length + 15];
    System.arraycopy(k1, 0, salt2, 0, k1.length);
    System.arraycopy(ascii("obfuscation_key"), 0, salt2, k1.length, 15);
    byte[] k2 = hmacSha256(salt2, prk);

    LdkNodeKeys keys = LdkNodeKeys.fromVssSeed(vssSeed);
    assertThat(keys.dataEncryptionKey()).isEqualTo(k1);
    assertThat(keys.obfuscationKey()).isEqualTo(k2);
  }

  @Test
  void refusesSeedsOfTheWrongLength() {
    assertThatThrownBy(() -> LdkNodeKeys.fromNodeSeed(new byte[32]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("64");
    assertThatThrownBy(() -> LdkNodeKeys.fromVssSeed(new byte[64]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32");
    assertThat(LdkNodeKeys.fromVssSeed(new byte[32]).toString()).doesNotContain("00000000");
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /** HMAC-SHA256 with the given key over the message, by Bouncy Castle. */
  private static byte[] hmacSha256(byte[] key, byte[] message) {
    HMac mac = new HMac(new SHA256Digest());
    mac.init(new KeyParameter(key));
    mac.update(message, 0, message.length);
    byte[] out = new byte[32];
    mac.doFinal(out, 0);
    return out;
  }
}
