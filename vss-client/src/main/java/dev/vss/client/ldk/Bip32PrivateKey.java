package dev.vss.client.ldk;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * A BIP32 extended private key (private key and chain code) with private child derivation, as
 * {@code rust-bitcoin}'s {@code Xpriv} does it for LDK Node: {@link #master(byte[])} is {@code
 * Xpriv::new_master} and {@link #derive(String)} is {@code derive_priv}.
 *
 * <p>Only what derivation needs is kept: the network, depth, parent fingerprint and child number of
 * a serialized {@code xprv}/{@code tprv} do not influence any derived key and are not modelled (LDK
 * Node passes its network to {@code new_master}; it changes only the serialization's version
 * bytes). The elliptic-curve operations (the public key a non-hardened child needs) are Bouncy
 * Castle's secp256k1; the rest is HMAC-SHA512 and addition modulo the group order, as BIP32
 * specifies. A derived key that BIP32 calls invalid (probability below 2^-127) is reported as an
 * {@link IllegalStateException}, as {@code rust-bitcoin} reports an error, never skipped.
 *
 * <p>Immutable; accessors return copies.
 */
public final class Bip32PrivateKey {
  /** The first index of hardened children, {@code 2^31}. */
  public static final long HARDENED = 0x8000_0000L;

  private static final X9ECParameters SECP256K1 = CustomNamedCurves.getByName("secp256k1");
  private static final BigInteger N = SECP256K1.getN();
  private static final byte[] MASTER_HMAC_KEY =
      "Bitcoin seed".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final byte[] privateKey;
  private final byte[] chainCode;

  private Bip32PrivateKey(byte[] privateKey, byte[] chainCode) {
    this.privateKey = privateKey;
    this.chainCode = chainCode;
  }

  /**
   * The master key of {@code seed}: {@code I = HMAC-SHA512(key = "Bitcoin seed", seed)}, private
   * key {@code I_L}, chain code {@code I_R}.
   *
   * @param seed 16 to 64 bytes (LDK Node uses its 64-byte seed)
   */
  public static Bip32PrivateKey master(byte[] seed) {
    Objects.requireNonNull(seed, "seed");
    if (seed.length < 16 || seed.length > 64) {
      throw new IllegalArgumentException("a BIP32 seed has 16 to 64 bytes, not " + seed.length);
    }
    byte[] i = hmacSha512(MASTER_HMAC_KEY, seed);
    byte[] key = Arrays.copyOfRange(i, 0, 32);
    BigInteger k = new BigInteger(1, key);
    if (k.signum() == 0 || k.compareTo(N) >= 0) {
      throw new IllegalStateException("the seed gives an invalid BIP32 master key");
    }
    return new Bip32PrivateKey(key, Arrays.copyOfRange(i, 32, 64));
  }

  /**
   * The child at {@code index}: hardened for {@code index >= }{@link #HARDENED} ({@code I =
   * HMAC-SHA512(chain code, 0x00 || key || ser32(index))}), otherwise from the compressed public
   * key ({@code I = HMAC-SHA512(chain code, pubkey || ser32(index))}); child key {@code (I_L + key)
   * mod n}, chain code {@code I_R}.
   *
   * @param index 0 to {@code 2^32 - 1}
   */
  public Bip32PrivateKey child(long index) {
    if (index < 0 || index > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("a BIP32 child index is 0 to 2^32-1: " + index);
    }
    byte[] data = new byte[37];
    if (index >= HARDENED) {
      System.arraycopy(privateKey, 0, data, 1, 32); // data[0] stays 0x00
    } else {
      System.arraycopy(publicKey(), 0, data, 0, 33);
    }
    data[33] = (byte) (index >>> 24);
    data[34] = (byte) (index >>> 16);
    data[35] = (byte) (index >>> 8);
    data[36] = (byte) index;
    byte[] i = hmacSha512(chainCode, data);
    BigInteger tweak = new BigInteger(1, Arrays.copyOfRange(i, 0, 32));
    BigInteger child = tweak.add(new BigInteger(1, privateKey)).mod(N);
    if (tweak.compareTo(N) >= 0 || child.signum() == 0) {
      throw new IllegalStateException("BIP32 child " + index + " is invalid");
    }
    return new Bip32PrivateKey(toBytes32(child), Arrays.copyOfRange(i, 32, 64));
  }

  /**
   * The key at {@code path} below this one, e.g. {@code "m/877'"} or {@code "m/0h/1/2H"}: {@code m}
   * is this key, {@code '}, {@code h} or {@code H} marks a hardened index.
   */
  public Bip32PrivateKey derive(String path) {
    Objects.requireNonNull(path, "path");
    String[] parts = path.split("/", -1);
    if (!parts[0].equals("m")) {
      throw new IllegalArgumentException("a BIP32 path starts with m: " + path);
    }
    Bip32PrivateKey key = this;
    for (int p = 1; p < parts.length; p++) {
      String part = parts[p];
      boolean hardened = part.endsWith("'") || part.endsWith("h") || part.endsWith("H");
      String digits = hardened ? part.substring(0, part.length() - 1) : part;
      if (digits.isEmpty()
          || !digits.chars().allMatch(c -> c >= '0' && c <= '9')
          || digits.length() > 10) {
        throw new IllegalArgumentException("bad BIP32 path element '" + part + "' in " + path);
      }
      long index = Long.parseLong(digits);
      if (index >= HARDENED) {
        throw new IllegalArgumentException("BIP32 index out of range in " + path);
      }
      key = key.child(hardened ? index + HARDENED : index);
    }
    return key;
  }

  /** The 32-byte private key (a copy). Secret. */
  public byte[] privateKey() {
    return privateKey.clone();
  }

  /** The 32-byte chain code (a copy). Secret. */
  public byte[] chainCode() {
    return chainCode.clone();
  }

  /** The 33-byte compressed secp256k1 public key. */
  public byte[] publicKey() {
    return new FixedPointCombMultiplier()
        .multiply(SECP256K1.getG(), new BigInteger(1, privateKey))
        .getEncoded(true);
  }

  /** Shows nothing secret. */
  @Override
  public String toString() {
    return "Bip32PrivateKey{<secret>}";
  }

  private static byte[] toBytes32(BigInteger value) {
    byte[] raw = value.toByteArray();
    byte[] out = new byte[32];
    int copy = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
    return out;
  }

  private static byte[] hmacSha512(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA512");
      mac.init(new SecretKeySpec(key, "HmacSHA512"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA512 is unavailable", e);
    }
  }
}
