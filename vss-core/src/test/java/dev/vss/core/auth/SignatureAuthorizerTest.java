package dev.vss.core.auth;

import static dev.vss.protocol.auth.SignatureAuthHeaderTest.KEY_42_HEADER;
import static dev.vss.protocol.auth.SignatureAuthHeaderTest.KEY_ONE_HEADER;
import static dev.vss.protocol.auth.SignatureAuthHeaderTest.key42;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vss.core.VssException;
import dev.vss.proto.ErrorCode;
import dev.vss.protocol.auth.SignatureAuthHeader;
import dev.vss.protocol.auth.SignatureAuthHeaderTest;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SignatureAuthorizerTest {
  private static final long NOW = 1_700_000_000L;
  private static final long DAY = 24 * 60 * 60;
  private static final BigInteger P =
      new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F", 16);
  private static final BigInteger N =
      new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);
  private static final String KEY_ONE_PUBLIC = KEY_ONE_HEADER.substring(0, 66);

  private final SignatureAuthorizer authorizer = at(NOW);

  private static SignatureAuthorizer at(long epochSecond) {
    return new SignatureAuthorizer(Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC));
  }

  private static Map<String, String> authorization(String value) {
    return Map.of("Authorization", value);
  }

  private static void assertRejected(
      SignatureAuthorizer authorizer, Map<String, String> headers, String messagePart) {
    assertThatThrownBy(() -> authorizer.authorize(headers))
        .isInstanceOfSatisfying(
            VssException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(ErrorCode.AUTH_EXCEPTION);
              assertThat(e.getMessage()).contains(messagePart);
            });
  }

  private void assertRejected(String headerValue, String messagePart) {
    assertRejected(authorizer, authorization(headerValue), messagePart);
  }

  /** {@code header} with the 32-byte signature half at {@code offset} (0 = r, 64 = s) replaced. */
  private static String withScalar(String header, int offset, BigInteger value) {
    String hex = String.format("%064x", value);
    return header.substring(0, 66 + offset) + hex + header.substring(66 + offset + 64);
  }

  // ---- accepted ----

  @Test
  void acceptsTheKnownAnswerHeaders() {
    assertThat(authorizer.authorize(authorization(KEY_ONE_HEADER))).isEqualTo(KEY_ONE_PUBLIC);
    assertThat(authorizer.authorize(authorization(KEY_42_HEADER)))
        .isEqualTo(KEY_42_HEADER.substring(0, 66));
  }

  @Test
  void acceptsTimeWithLeadingZerosAsSigned() {
    // From the independent Python implementation: key n-1, time "0001700000000". The reference
    // parses the time as an integer and hashes the string as sent, so leading zeros are legal.
    String header =
        "0379be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
            + "63feec253c7c7eda787e7beead21b71f7e9c4e79787856a89315be6c6a06e7e8"
            + "03f01049b8d6c42a03c8781c004f7652a9de36f0cd70bacea2961a75692900a1"
            + "0001700000000";
    assertThat(authorizer.authorize(authorization(header))).isEqualTo(header.substring(0, 66));
  }

  @Test
  void headerNameIsCaseInsensitive() {
    assertThat(authorizer.authorize(Map.of("authorization", KEY_ONE_HEADER)))
        .isEqualTo(KEY_ONE_PUBLIC);
    assertThat(authorizer.authorize(Map.of("AUTHORIZATION", KEY_ONE_HEADER)))
        .isEqualTo(KEY_ONE_PUBLIC);
  }

  @Test
  void uppercaseHexMapsToTheLowercaseUserToken() {
    String upper = KEY_42_HEADER.toUpperCase(Locale.ROOT);
    assertThat(upper).isNotEqualTo(KEY_42_HEADER);
    assertThat(authorizer.authorize(authorization(upper)))
        .isEqualTo(KEY_42_HEADER.substring(0, 66));
  }

  @Test
  void acceptsTimesUpToExactly24HoursAway() {
    String header = SignatureAuthHeader.create(key42(), NOW);
    assertThat(at(NOW + DAY).authorize(authorization(header))).isNotEmpty();
    assertThat(at(NOW - DAY).authorize(authorization(header))).isNotEmpty();
  }

  @Test
  void ignoresOtherHeaders() {
    Map<String, String> headers = new HashMap<>();
    headers.put("Content-Type", "application/octet-stream");
    headers.put("Authorization", KEY_ONE_HEADER);
    assertThat(authorizer.authorize(headers)).isEqualTo(KEY_ONE_PUBLIC);
  }

  // ---- rejected: shape ----

  @Test
  void rejectsMissingHeader() {
    assertRejected(authorizer, Map.of(), "not found");
    assertRejected(authorizer, Map.of("X-Authorization", KEY_ONE_HEADER), "not found");
  }

  @Test
  void rejectsHeadersWithoutATime() {
    assertRejected("", "wrong length");
    assertRejected(KEY_ONE_HEADER.substring(0, 66), "wrong length");
    assertRejected(KEY_ONE_HEADER.substring(0, 193), "wrong length");
    // Exactly public key and signature, no time: the reference needs at least one time digit.
    assertRejected(KEY_ONE_HEADER.substring(0, 194), "wrong length");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 30, 65})
  void rejectsNonHexPublicKey(int position) {
    for (char bad : new char[] {'g', 'G', 'x', ' ', '-', '\u0660', '\uff10', '\u00e9'}) {
      assertRejected(replaceAt(KEY_ONE_HEADER, position, bad), "public key is not hex");
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {66, 100, 130, 193})
  void rejectsNonHexSignature(int position) {
    for (char bad : new char[] {'g', 'z', ' ', '+', '\u0660', '\uff41'}) {
      assertRejected(replaceAt(KEY_ONE_HEADER, position, bad), "signature is not hex");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "+1700000000",
        "-1700000000",
        " 1700000000",
        "1700000000 ",
        "17000000x0",
        "0x65536a00",
        "1.7e9",
        "1700000000\n",
        "\u0661\u0667\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0660",
        "\uff11\uff17\uff10\uff10\uff10\uff10\uff10\uff10\uff10\uff10"
      })
  void rejectsNonDecimalTime(String time) {
    assertRejected(KEY_ONE_HEADER.substring(0, 194) + time, "time is not a decimal number");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"9223372036854775808", "18446744073709551616", "99999999999999999999999999"})
  void rejectsTimeBeyondALong(String time) {
    assertRejected(KEY_ONE_HEADER.substring(0, 194) + time, "time is out of range");
  }

  @Test
  void rejectsTimesMoreThan24HoursAway() {
    String header = SignatureAuthHeader.create(key42(), NOW);
    assertRejected(at(NOW + DAY + 1), authorization(header), "more than 24 hours");
    assertRejected(at(NOW - DAY - 1), authorization(header), "more than 24 hours");
    assertRejected(at(NOW), authorization(KEY_ONE_HEADER.substring(0, 194) + "0"), "24 hours");
    assertRejected(
        at(NOW), authorization(KEY_ONE_HEADER.substring(0, 194) + Long.MAX_VALUE), "24 hours");
  }

  /** A narrower window, the way to limit replay of a captured header, is enforced exactly. */
  @Test
  void aConfiguredWindowIsEnforcedInclusively() {
    String header = SignatureAuthHeader.create(key42(), NOW);
    Duration window = Duration.ofMinutes(5);
    for (long offset : new long[] {-300, -1, 0, 1, 300}) {
      assertThat(within(window, NOW + offset).authorize(authorization(header))).isNotEmpty();
    }
    assertRejected(within(window, NOW + 301), authorization(header), "more than 5 minutes");
    assertRejected(within(window, NOW - 301), authorization(header), "more than 5 minutes");
    // A header replayed an hour later, accepted by the default 24-hour window, is refused.
    assertThat(at(NOW + 3600).authorize(authorization(header))).isNotEmpty();
    assertRejected(within(window, NOW + 3600), authorization(header), "more than 5 minutes");
    assertRejected(
        within(Duration.ofSeconds(1), NOW + 2), authorization(header), "more than 1 second");
    assertRejected(
        within(Duration.ofSeconds(90), NOW + 91), authorization(header), "more than 90 seconds");
    assertThat(within(Duration.ofSeconds(90), NOW).maxClockDifference())
        .isEqualTo(Duration.ofSeconds(90));
    assertThat(at(NOW).maxClockDifference()).isEqualTo(Duration.ofHours(24));
  }

  @Test
  void theWindowMustBeWholeSecondsFromOneSecondTo24Hours() {
    Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    for (Duration bad :
        List.of(
            Duration.ZERO,
            Duration.ofSeconds(-1),
            Duration.ofMillis(1500),
            Duration.ofHours(24).plusSeconds(1),
            Duration.ofDays(365))) {
      assertThatThrownBy(() -> new SignatureAuthorizer(clock, bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("whole seconds from 1 to 86400");
    }
    assertThat(new SignatureAuthorizer(clock, Duration.ofSeconds(1)).maxClockDifference())
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(new SignatureAuthorizer(clock, Duration.ofHours(24)).maxClockDifference())
        .isEqualTo(Duration.ofHours(24));
  }

  private static SignatureAuthorizer within(Duration window, long epochSecond) {
    return new SignatureAuthorizer(
        Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC), window);
  }

  @Test
  void timeCheckDoesNotOverflowForExtremeClocks() {
    String header = KEY_ONE_HEADER.substring(0, 194) + Long.MAX_VALUE;
    assertRejected(
        new SignatureAuthorizer(Clock.fixed(Instant.MIN, ZoneOffset.UTC)),
        authorization(header),
        "24 hours");
    assertRejected(
        new SignatureAuthorizer(Clock.fixed(Instant.MAX, ZoneOffset.UTC)),
        authorization(KEY_ONE_HEADER.substring(0, 194) + "0"),
        "24 hours");
  }

  // ---- rejected: public key ----

  @ParameterizedTest
  @ValueSource(strings = {"00", "01", "04", "05", "06", "07", "ff"})
  void rejectsPublicKeysWithoutACompressedPrefix(String prefix) {
    assertRejected(prefix + KEY_ONE_HEADER.substring(2), "not a compressed secp256k1 key");
  }

  @Test
  void rejectsPublicKeyXNotBelowP() {
    BigInteger max = BigInteger.TWO.pow(256).subtract(BigInteger.ONE);
    for (BigInteger x : new BigInteger[] {P, P.add(BigInteger.ONE), max}) {
      String header = "02" + String.format("%064x", x) + KEY_ONE_HEADER.substring(66);
      assertRejected(header, "not a point on secp256k1");
    }
  }

  @Test
  void rejectsPublicKeyXOffTheCurve() {
    BigInteger x = firstXWithoutPoint();
    for (String prefix : new String[] {"02", "03"}) {
      String header = prefix + String.format("%064x", x) + KEY_ONE_HEADER.substring(66);
      assertRejected(header, "not a point on secp256k1");
    }
  }

  /** The smallest x for which x^3 + 7 is not a square mod p (Euler's criterion). */
  private static BigInteger firstXWithoutPoint() {
    BigInteger exponent = P.subtract(BigInteger.ONE).shiftRight(1);
    for (BigInteger x = BigInteger.ONE; ; x = x.add(BigInteger.ONE)) {
      BigInteger rhs = x.pow(3).add(BigInteger.valueOf(7)).mod(P);
      if (rhs.modPow(exponent, P).equals(P.subtract(BigInteger.ONE))) {
        return x;
      }
    }
  }

  @Test
  void rejectsTheRightSignatureUnderAnotherValidKey() {
    // -G is a valid key, but the signature was made by G's key.
    assertRejected("03" + KEY_ONE_HEADER.substring(2), "signature is invalid");
  }

  // ---- rejected: signature scalars ----

  @Test
  void rejectsZeroOrOverflowingScalars() {
    BigInteger max = BigInteger.TWO.pow(256).subtract(BigInteger.ONE);
    for (int offset : new int[] {0, 64}) {
      for (BigInteger bad : new BigInteger[] {BigInteger.ZERO, N, N.add(BigInteger.ONE), max}) {
        assertRejected(withScalar(KEY_ONE_HEADER, offset, bad), "r and s must be in [1, n-1]");
      }
    }
  }

  @Test
  void rejectsHighSEvenThoughPlainEcdsaWouldAcceptIt() {
    BigInteger r = new BigInteger(KEY_ONE_HEADER.substring(66, 130), 16);
    BigInteger s = new BigInteger(KEY_ONE_HEADER.substring(130, 194), 16);
    BigInteger highS = N.subtract(s);
    // (r, n - s) is a valid ECDSA signature over the same digest: only the low-s rule rejects it.
    ECDomainParameters domain = new ECDomainParameters(CustomNamedCurves.getByName("secp256k1"));
    ECDSASigner plain = new ECDSASigner();
    plain.init(false, new ECPublicKeyParameters(domain.getG(), domain));
    byte[] digest =
        SignatureAuthHeader.messageDigest(HexFormat.of().parseHex(KEY_ONE_PUBLIC), "1700000000");
    assertThat(plain.verifySignature(digest, r, highS)).isTrue();

    assertRejected(withScalar(KEY_ONE_HEADER, 64, highS), "high s");
  }

  @Test
  void acceptsTheLargestLowS() {
    // s = floor(n/2) is still low; s = floor(n/2) + 1 is high. The signature is then wrong, which
    // shows the boundary is where libsecp256k1 puts it: only the later check fires.
    BigInteger halfN = N.shiftRight(1);
    assertRejected(withScalar(KEY_ONE_HEADER, 64, halfN), "signature is invalid");
    assertRejected(withScalar(KEY_ONE_HEADER, 64, halfN.add(BigInteger.ONE)), "high s");
  }

  @Test
  void rejectsASignatureOverAnotherTime() {
    String otherTime = KEY_ONE_HEADER.substring(0, 194) + (NOW + 1);
    assertRejected(otherTime, "signature is invalid");
  }

  @Test
  void rejectsASignatureByAnotherKey() {
    String byOther = SignatureAuthHeader.create(key42(), NOW);
    String forged = KEY_ONE_PUBLIC + byOther.substring(66);
    assertRejected(forged, "signature is invalid");
  }

  @Test
  void messagesNeverEchoTheHeader() {
    String header = KEY_ONE_HEADER.substring(0, 194) + "1700000001";
    assertThatThrownBy(() -> authorizer.authorize(authorization(header)))
        .isInstanceOf(VssException.class)
        .message()
        .doesNotContain(KEY_ONE_PUBLIC)
        .doesNotContain("1700000001");
  }

  // ---- properties ----

  @Property(tries = 150)
  void signedHeadersRoundTrip(
      @ForAll("privateKeys") byte[] privateKey,
      @ForAll @LongRange(min = 0, max = 99_999_999_999L) long time,
      @ForAll @LongRange(min = -DAY, max = DAY) long clockOffset) {
    SignatureAuthHeader signer = SignatureAuthHeader.forPrivateKey(privateKey);
    String value = signer.valueAt(time);
    assertThat(at(time + clockOffset).authorize(authorization(value)))
        .isEqualTo(signer.publicKeyHex());
  }

  @Property(tries = 300)
  void changingAnySingleCharacterIsRejected(
      @ForAll("privateKeys") byte[] privateKey,
      @ForAll @IntRange(min = 0, max = 203) int position,
      @ForAll @IntRange(min = 1, max = 15) int delta) {
    String value = SignatureAuthHeader.create(privateKey, NOW);
    char original = value.charAt(position);
    char replacement;
    if (position < 194) {
      // Another lowercase hex digit: a different value, not just a different case.
      replacement = Character.forDigit((Character.digit(original, 16) + delta) % 16, 16);
    } else {
      replacement = (char) ('0' + (original - '0' + delta % 10 + (delta % 10 == 0 ? 1 : 0)) % 10);
    }
    assertThat(replacement).isNotEqualTo(original);
    String tampered = replaceAt(value, position, replacement);
    assertThatThrownBy(() -> authorizer.authorize(authorization(tampered)))
        .isInstanceOfSatisfying(
            VssException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.AUTH_EXCEPTION));
  }

  @Provide
  Arbitrary<byte[]> privateKeys() {
    return SignatureAuthHeaderTest.validPrivateKeys();
  }

  @Property(tries = 300)
  void wellShapedRandomHeadersAreRejected(
      @ForAll("hex194") String hex, @ForAll @LongRange(min = 0, max = 99_999_999_999L) long time) {
    assertThatThrownBy(() -> at(time).authorize(authorization(hex + time)))
        .isInstanceOfSatisfying(
            VssException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.AUTH_EXCEPTION));
  }

  @Provide
  Arbitrary<String> hex194() {
    Arbitrary<String> anyHex =
        Arbitraries.strings().withChars("0123456789abcdefABCDEF").ofLength(194);
    // Half of them start with a real compressed point so the signature checks get exercised too.
    Arbitrary<String> realKey =
        Arbitraries.strings()
            .withChars("0123456789abcdef")
            .ofLength(128)
            .map(sig -> KEY_ONE_PUBLIC + sig);
    return Arbitraries.oneOf(anyHex, realKey);
  }

  static String replaceAt(String text, int position, char replacement) {
    return text.substring(0, position) + replacement + text.substring(position + 1);
  }
}
