package dev.vss.client.ldk;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * The keys LDK Node's {@code VssStore} uses, derived as {@code ldk-node/src/io/vss_store.rs}
 * derives them, so that a JVM program opens the same store as an LDK Node wallet with the same
 * seed.
 *
 * <ul>
 *   <li>The <b>VSS seed</b> is the 32-byte private key of the BIP32 child {@code m/877'} of the
 *       master key made from the node's 64-byte seed ({@code Xpriv::new_master(network, seed)}: the
 *       network does not change the keys).
 *   <li>From it, with {@code H(ikm, salt) = HMAC-SHA256(key = salt, message = ikm)}: {@code prk =
 *       H(vssSeed, "pseudo_random_key")}, the <b>data-encryption key</b> {@code k1 = H(prk,
 *       "data_encryption_key")} and the <b>obfuscation master key</b> {@code k2 = H(prk, k1 ||
 *       "obfuscation_key")}.
 *   <li>The key LDK Node signs its VSS requests with (signature auth, {@code build_with_sigs_auth})
 *       is the private key of {@code m/877'/139'}; it needs the chain code of {@code m/877'} and so
 *       is known only when the keys come from the node seed.
 * </ul>
 *
 * <p>Immutable; accessors return copies. All keys are secret.
 */
public final class LdkNodeKeys {
  /** The hardened child of the node's master key whose private key is the VSS seed. */
  public static final String VSS_SEED_PATH = "m/877'";

  /** The path of the key LDK Node's signature authentication signs with. */
  public static final String SIGNATURE_AUTH_PATH = "m/877'/139'";

  /** The length of LDK Node's seed ({@code WALLET_KEYS_SEED_LEN}). */
  public static final int NODE_SEED_BYTES = 64;

  private final byte[] vssSeed;
  private final byte[] dataEncryptionKey;
  private final byte[] obfuscationKey;
  private final byte @Nullable [] signatureAuthKey;

  private LdkNodeKeys(byte[] vssSeed, byte @Nullable [] signatureAuthKey) {
    this.vssSeed = vssSeed.clone();
    byte[] prk = hkdf(vssSeed, bytes("pseudo_random_key"));
    this.dataEncryptionKey = hkdf(prk, bytes("data_encryption_key"));
    this.obfuscationKey = hkdf(prk, concat(dataEncryptionKey, bytes("obfuscation_key")));
    this.signatureAuthKey = signatureAuthKey;
  }

  /**
   * The keys of the LDK Node wallet with this 64-byte seed (the seed LDK Node keeps in its seed
   * file, or the BIP39 seed of its mnemonic and passphrase).
   */
  public static LdkNodeKeys fromNodeSeed(byte[] nodeSeed) {
    Objects.requireNonNull(nodeSeed, "nodeSeed");
    if (nodeSeed.length != NODE_SEED_BYTES) {
      throw new IllegalArgumentException(
          "LDK Node's seed has " + NODE_SEED_BYTES + " bytes, not " + nodeSeed.length);
    }
    Bip32PrivateKey vss = Bip32PrivateKey.master(nodeSeed).derive(VSS_SEED_PATH);
    return new LdkNodeKeys(vss.privateKey(), vss.derive("m/139'").privateKey());
  }

  /** The keys derived from a 32-byte VSS seed (the private key of {@code m/877'}). */
  public static LdkNodeKeys fromVssSeed(byte[] vssSeed) {
    Objects.requireNonNull(vssSeed, "vssSeed");
    if (vssSeed.length != 32) {
      throw new IllegalArgumentException("a VSS seed has 32 bytes, not " + vssSeed.length);
    }
    return new LdkNodeKeys(vssSeed, null);
  }

  /** The 32-byte VSS seed. */
  public byte[] vssSeed() {
    return vssSeed.clone();
  }

  /** The 32-byte key values are encrypted with. */
  public byte[] dataEncryptionKey() {
    return dataEncryptionKey.clone();
  }

  /** The 32-byte master key of the key obfuscation. */
  public byte[] obfuscationKey() {
    return obfuscationKey.clone();
  }

  /**
   * The 32-byte secp256k1 private key LDK Node's signature authentication signs with (give it to
   * {@link dev.vss.client.auth.SignatureHeaderProvider#of(byte[])} to be the same user on the
   * server); empty when these keys were made {@linkplain #fromVssSeed(byte[]) from the VSS seed}.
   */
  public Optional<byte[]> signatureAuthKey() {
    return Optional.ofNullable(signatureAuthKey).map(byte[]::clone);
  }

  /** Shows nothing secret. */
  @Override
  public String toString() {
    return "LdkNodeKeys{<secret>}";
  }

  /** {@code HMAC-SHA256(key = salt, message = ikm)}, LDK Node's {@code hkdf} closure. */
  private static byte[] hkdf(byte[] ikm, byte[] salt) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(salt, "HmacSHA256"));
      return mac.doFinal(ikm);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  private static byte[] bytes(String ascii) {
    return ascii.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
