package dev.vss.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.LongRange;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.Test;

/**
 * The client side of the signature scheme (its known answers are public: vss-core's verifier tests
 * use them through this module's test jar). Expected values here are computed outside the code
 * under test: the constant is spelled out, the digest is hashed by hand, and the known-answer
 * headers come from an independent pure-Python secp256k1 + RFC 6979 implementation (checked against
 * the published RFC 6979 secp256k1 vector: key 1, "Satoshi Nakamoto", r = 934b1ea1..., s =
 * 2442ce9d...).
 */
public class SignatureAuthHeaderTest {
  private static final HexFormat HEX = HexFormat.of();

  /** Spelled out by hand: 46 characters of text, then 18 dots. */
  private static final String CONSTANT =
      "VSS Signature Authorizer Signing Salt Constant..................";

  private static final BigInteger N =
      new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);

  private static final String G_COMPRESSED =
      "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";

  /** Private key 1, time 1700000000: header from the independent Python implementation. */
  public static final String KEY_ONE_HEADER =
      G_COMPRESSED
          + "8f4f1d10a1b1872035dfe81b73c1c4b5ce4f436a4113c856d4b32570292d6ada"
          + "2aa28a4d10d0dd040d1fed3f4b37ae0dfcc32759168a628e3601abb5759b839e"
          + "1700000000";

  /** Private key 0x2a repeated 32 times (the reference server's test key), time 1700000000. */
  public static final String KEY_42_HEADER =
      "035be5e9478209674a96e60f1f037f6176540fd001fa1d64694770c56a7709c42c"
          + "facd4f04afbbcd95d4bc143df56507f6407bd2a981ca10f216eb8888f7ceb711"
          + "7795ae377c33e6304af9c82f07e76408c9e846214fd4126e5f771626852e0d80"
          + "1700000000";

  public static byte[] keyOne() {
    byte[] key = new byte[32];
    key[31] = 1;
    return key;
  }

  public static byte[] key42() {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 0x2a);
    return key;
  }

  @Test
  void signingConstantIsTheSpecText() {
    assertThat(CONSTANT).hasSize(64);
    assertThat(SignatureAuthHeader.signingConstant())
        .isEqualTo(CONSTANT.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void signingConstantIsACopy() {
    SignatureAuthHeader.signingConstant()[0] = 'X';
    assertThat(SignatureAuthHeader.signingConstant()[0]).isEqualTo((byte) 'V');
  }

  @Test
  void messageDigestIsSha256OfConstantKeyAndTime() throws Exception {
    byte[] publicKey = HEX.parseHex(G_COMPRESSED);
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    sha256.update(CONSTANT.getBytes(StandardCharsets.US_ASCII));
    sha256.update(publicKey);
    sha256.update("1700000000".getBytes(StandardCharsets.US_ASCII));
    byte[] expected = sha256.digest();

    assertThat(SignatureAuthHeader.messageDigest(publicKey, "1700000000")).isEqualTo(expected);
    // Also pinned to the value the Python implementation printed.
    assertThat(HEX.formatHex(expected))
        .isEqualTo("531fc06acd20261fee7db7aed1c13c87953dabc8eb8e70382807bab0e3aca3cc");
  }

  @Test
  void messageDigestRejectsMisuse() {
    byte[] publicKey = HEX.parseHex(G_COMPRESSED);
    assertThatThrownBy(() -> SignatureAuthHeader.messageDigest(new byte[32], "1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SignatureAuthHeader.messageDigest(publicKey, ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SignatureAuthHeader.messageDigest(publicKey, "-1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SignatureAuthHeader.messageDigest(publicKey, "1\u0661"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void privateKeyOneSignsTheKnownAnswer() {
    SignatureAuthHeader header = SignatureAuthHeader.forPrivateKey(keyOne());
    assertThat(header.publicKeyHex()).isEqualTo(G_COMPRESSED);
    assertThat(header.valueAt(1_700_000_000L)).isEqualTo(KEY_ONE_HEADER);
    assertThat(SignatureAuthHeader.create(keyOne(), 1_700_000_000L)).isEqualTo(KEY_ONE_HEADER);
  }

  @Test
  void referenceTestKeySignsTheKnownAnswer() {
    assertThat(SignatureAuthHeader.create(key42(), 1_700_000_000L)).isEqualTo(KEY_42_HEADER);
  }

  @Test
  void knownAnswerVerifiesOnAnIndependentPath() throws Exception {
    // Rebuild everything from first principles: G from its published coordinates, the digest by
    // hand, and verify with a bare ECDSASigner, so only the header bytes come from the code.
    X9ECParameters params = CustomNamedCurves.getByName("secp256k1");
    ECDomainParameters domain = new ECDomainParameters(params);
    ECPoint g =
        params
            .getCurve()
            .createPoint(
                new BigInteger(
                    "79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798", 16),
                new BigInteger(
                    "483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8", 16));
    String value = SignatureAuthHeader.create(keyOne(), 1_700_000_000L);
    assertThat(value.substring(0, 66)).isEqualTo(HEX.formatHex(g.getEncoded(true)));

    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    sha256.update(CONSTANT.getBytes(StandardCharsets.US_ASCII));
    sha256.update(g.getEncoded(true));
    sha256.update(value.substring(194).getBytes(StandardCharsets.US_ASCII));
    byte[] digest = sha256.digest();

    BigInteger r = new BigInteger(value.substring(66, 130), 16);
    BigInteger s = new BigInteger(value.substring(130, 194), 16);
    ECDSASigner verifier = new ECDSASigner();
    verifier.init(false, new ECPublicKeyParameters(g, domain));
    assertThat(verifier.verifySignature(digest, r, s)).isTrue();
    assertThat(s).isLessThanOrEqualTo(N.shiftRight(1));
  }

  @Test
  void signaturesAreDeterministic() {
    SignatureAuthHeader header = SignatureAuthHeader.forPrivateKey(key42());
    assertThat(header.valueAt(42)).isEqualTo(header.valueAt(42));
    assertThat(header.valueAt(42)).isNotEqualTo(header.valueAt(43));
  }

  @Test
  void valueNowReadsTheClock() {
    Clock clock = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L, 999_999_999), ZoneOffset.UTC);
    assertThat(SignatureAuthHeader.forPrivateKey(keyOne()).valueNow(clock))
        .isEqualTo(KEY_ONE_HEADER);
  }

  @Test
  void timeZeroIsTheDigitZero() {
    assertThat(SignatureAuthHeader.create(keyOne(), 0)).hasSize(195).endsWith("0");
  }

  @Test
  void rejectsNegativeTime() {
    SignatureAuthHeader header = SignatureAuthHeader.forPrivateKey(keyOne());
    assertThatThrownBy(() -> header.valueAt(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsPrivateKeysOutsideTheGroup() {
    assertThatThrownBy(() -> SignatureAuthHeader.forPrivateKey(new byte[32]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[1, n-1]");
    byte[] n = toBytes32(N);
    assertThatThrownBy(() -> SignatureAuthHeader.forPrivateKey(n))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] max = new byte[32];
    Arrays.fill(max, (byte) 0xff);
    assertThatThrownBy(() -> SignatureAuthHeader.forPrivateKey(max))
        .isInstanceOf(IllegalArgumentException.class);
    // n - 1 is the largest valid key; its public key is -G.
    assertThat(
            SignatureAuthHeader.forPrivateKey(toBytes32(N.subtract(BigInteger.ONE))).publicKeyHex())
        .isEqualTo("03" + G_COMPRESSED.substring(2));
  }

  @Test
  void rejectsPrivateKeysOfTheWrongLength() {
    assertThatThrownBy(() -> SignatureAuthHeader.forPrivateKey(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> SignatureAuthHeader.forPrivateKey(new byte[33]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void copiesThePrivateKeyAndNeverShowsIt() {
    byte[] key = key42();
    SignatureAuthHeader header = SignatureAuthHeader.forPrivateKey(key);
    Arrays.fill(key, (byte) 0);
    assertThat(header.valueAt(1_700_000_000L)).isEqualTo(KEY_42_HEADER);
    assertThat(header.toString()).contains(header.publicKeyHex()).doesNotContain("2a2a2a2a");
  }

  @Test
  void publicKeyIsACopy() {
    SignatureAuthHeader header = SignatureAuthHeader.forPrivateKey(keyOne());
    header.publicKey()[0] = 0;
    assertThat(header.publicKey()).isEqualTo(HEX.parseHex(G_COMPRESSED));
  }

  @Property(tries = 200)
  void signaturesAreLowSAndLowercase(
      @ForAll("privateKeys") byte[] privateKey,
      @ForAll @LongRange(min = 0, max = 99_999_999_999L) long time) {
    String value = SignatureAuthHeader.create(privateKey, time);
    assertThat(value).matches("[0-9a-f]{194}[0-9]+").endsWith(Long.toString(time));
    assertThat(new BigInteger(value.substring(130, 194), 16)).isLessThanOrEqualTo(N.shiftRight(1));
  }

  @Provide
  Arbitrary<byte[]> privateKeys() {
    return validPrivateKeys();
  }

  /** Random valid private keys, including the edges 1 and n-1. */
  @SuppressWarnings("unchecked")
  public static Arbitrary<byte[]> validPrivateKeys() {
    Arbitrary<byte[]> random =
        Arbitraries.bytes()
            .array(byte[].class)
            .ofSize(32)
            .filter(
                key -> {
                  BigInteger d = new BigInteger(1, key);
                  return d.signum() > 0 && d.compareTo(N) < 0;
                });
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(keyOne())),
        Tuple.of(1, Arbitraries.just(toBytes32(N.subtract(BigInteger.ONE)))),
        Tuple.of(20, random));
  }

  static byte[] toBytes32(BigInteger value) {
    byte[] out = new byte[32];
    byte[] raw = value.toByteArray();
    int copy = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
    return out;
  }
}
