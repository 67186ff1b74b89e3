package dev.vss.client.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vss.proto.PlaintextBlob;
import dev.vss.proto.Storable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Round trips and tamper detection of the client-side crypto for arbitrary storage keys, values and
 * encryption keys ("keys of keys").
 */
class CryptoProperties {
  /** Well-formed UTF-16 strings from all planes, including the empty string and emoji. */
  @Provide
  Arbitrary<String> storageKeys() {
    Arbitrary<String> codePoints =
        Arbitraries.integers()
            .between(0, 0x10FFFF)
            .filter(cp -> cp < 0xD800 || cp > 0xDFFF)
            .map(Character::toString)
            .list()
            .ofMaxSize(40)
            .map(parts -> String.join("", parts));
    return Arbitraries.oneOf(codePoints, Arbitraries.strings().ascii().ofMaxLength(80));
  }

  @Property
  void obfuscationRoundTripsAndIsDeterministic(
      @ForAll @Size(32) byte[] masterKey, @ForAll("storageKeys") String key) {
    KeyObfuscator obfuscator = new KeyObfuscator(masterKey);

    String obfuscated = obfuscator.obfuscate(key);

    assertThat(obfuscator.deobfuscate(obfuscated)).isEqualTo(key);
    assertThat(new KeyObfuscator(masterKey).obfuscate(key)).isEqualTo(obfuscated);
    assertThat(obfuscated).doesNotContain("=").matches("[A-Za-z0-9+/]*");
    assertThat(Base64.getDecoder().decode(obfuscated))
        .hasSize(key.getBytes(StandardCharsets.UTF_8).length + 44);
  }

  @Property
  void distinctKeysNeverCollide(
      @ForAll @Size(32) byte[] masterKey,
      @ForAll("storageKeys") String a,
      @ForAll("storageKeys") String b) {
    Assume.that(!a.equals(b));
    KeyObfuscator obfuscator = new KeyObfuscator(masterKey);

    assertThat(obfuscator.obfuscate(a)).isNotEqualTo(obfuscator.obfuscate(b));
  }

  @Property
  void anyTamperedByteOfAnObfuscatedKeyIsRefused(
      @ForAll @Size(32) byte[] masterKey,
      @ForAll("storageKeys") String key,
      @ForAll @IntRange(min = 0, max = 10_000) int where,
      @ForAll @IntRange(min = 1, max = 255) int delta) {
    KeyObfuscator obfuscator = new KeyObfuscator(masterKey);
    byte[] bytes = Base64.getDecoder().decode(obfuscator.obfuscate(key));
    bytes[where % bytes.length] ^= (byte) delta;
    String tampered = Base64.getEncoder().withoutPadding().encodeToString(bytes);

    assertThatThrownBy(() -> obfuscator.deobfuscate(tampered))
        .isInstanceOf(DecryptionException.class)
        .hasMessageContaining("does not verify");
  }

  @Property
  void truncatedOrExtendedObfuscatedKeysAreRefused(
      @ForAll @Size(32) byte[] masterKey,
      @ForAll("storageKeys") String key,
      @ForAll @IntRange(min = 1, max = 60) int cut) {
    KeyObfuscator obfuscator = new KeyObfuscator(masterKey);
    byte[] bytes = Base64.getDecoder().decode(obfuscator.obfuscate(key));
    byte[] shorter = Arrays.copyOf(bytes, Math.max(0, bytes.length - cut));
    byte[] longer = Arrays.copyOf(bytes, bytes.length + cut);
    Base64.Encoder encoder = Base64.getEncoder().withoutPadding();

    assertThatThrownBy(() -> obfuscator.deobfuscate(encoder.encodeToString(shorter)))
        .isInstanceOf(DecryptionException.class);
    assertThatThrownBy(() -> obfuscator.deobfuscate(encoder.encodeToString(longer)))
        .isInstanceOf(DecryptionException.class);
  }

  @Property
  void anotherMasterKeyCannotDeobfuscate(
      @ForAll @Size(32) byte[] masterKey,
      @ForAll @Size(32) byte[] otherKey,
      @ForAll("storageKeys") String key) {
    Assume.that(!Arrays.equals(masterKey, otherKey));

    String obfuscated = new KeyObfuscator(masterKey).obfuscate(key);

    assertThatThrownBy(() -> new KeyObfuscator(otherKey).deobfuscate(obfuscated))
        .isInstanceOf(DecryptionException.class);
  }

  @Property
  void encryptionRoundTrips(
      @ForAll @Size(32) byte[] dataKey,
      @ForAll @Size(max = 2000) byte[] value,
      @ForAll long version,
      @ForAll("storageKeys") String key) {
    StorableCipher cipher = new StorableCipher(dataKey);
    byte[] aad = key.getBytes(StandardCharsets.UTF_8);

    Storable storable = cipher.seal(value, version, aad);
    PlaintextBlob blob = cipher.open(storable.toByteArray(), aad);

    assertThat(blob.getValue().toByteArray()).isEqualTo(value);
    assertThat(blob.getVersion()).isEqualTo(version);
    assertThat(storable.getEncryptionMetadata().getCipherFormat()).isEqualTo("ChaCha20Poly1305");
    assertThat(storable.getEncryptionMetadata().getNonce().size()).isEqualTo(12);
    assertThat(storable.getEncryptionMetadata().getTag().size()).isEqualTo(16);
  }

  @Property
  void anyTamperedByteOfAStorableIsRefused(
      @ForAll @Size(32) byte[] dataKey,
      @ForAll @Size(max = 300) byte[] value,
      @ForAll long version,
      @ForAll("storageKeys") String key,
      @ForAll @IntRange(min = 0, max = 100_000) int where,
      @ForAll @IntRange(min = 1, max = 255) int delta) {
    StorableCipher cipher = new StorableCipher(dataKey);
    byte[] aad = key.getBytes(StandardCharsets.UTF_8);
    byte[] stored = cipher.seal(value, version, aad).toByteArray();
    stored[where % stored.length] ^= (byte) delta;

    assertThatThrownBy(() -> cipher.open(stored, aad)).isInstanceOf(DecryptionException.class);
  }

  @Property
  void aValueMovedToAnotherKeyOrReadWithAnotherDataKeyIsRefused(
      @ForAll @Size(32) byte[] dataKey,
      @ForAll @Size(32) byte[] otherDataKey,
      @ForAll byte[] value,
      @ForAll("storageKeys") String key,
      @ForAll("storageKeys") String otherKey) {
    Assume.that(!key.equals(otherKey) && !Arrays.equals(dataKey, otherDataKey));
    byte[] aad = key.getBytes(StandardCharsets.UTF_8);
    byte[] stored = new StorableCipher(dataKey).seal(value, 1, aad).toByteArray();

    assertThatThrownBy(
            () ->
                new StorableCipher(dataKey).open(stored, otherKey.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(DecryptionException.class)
        .hasMessageContaining("does not verify");
    assertThatThrownBy(() -> new StorableCipher(otherDataKey).open(stored, aad))
        .isInstanceOf(DecryptionException.class)
        .hasMessageContaining("does not verify");
  }

  @Property
  void nonceIsFreshForEveryEncryption(@ForAll @Size(32) byte[] dataKey, @ForAll byte[] value) {
    StorableCipher cipher = new StorableCipher(dataKey);

    assertThat(cipher.seal(value, 1, new byte[0]).getEncryptionMetadata().getNonce())
        .isNotEqualTo(cipher.seal(value, 1, new byte[0]).getEncryptionMetadata().getNonce());
  }
}
