package dev.vss.core.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vss.core.Keyspace;
import dev.vss.core.VssException;
import dev.vss.proto.ErrorCode;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PageTokenTest {
  private static final byte[] SECRET = PageToken.newSecret();
  private static final Keyspace ALICE = new Keyspace("alice", "wallet");
  private static final String PREFIX = "k";

  private static String token(long sequence) {
    return PageToken.encode(SECRET, ALICE, PREFIX, sequence);
  }

  private static void assertInvalid(ThrowingCallable decode) {
    assertThatThrownBy(decode)
        .isInstanceOfSatisfying(
            VssException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST_EXCEPTION);
              assertThat(e.getMessage()).contains("page_token is not a token this server issued");
            });
  }

  @Property
  void roundTrips(@ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long sequence) {
    String token = token(sequence);
    assertThat(token).hasSize(34).matches("[A-Za-z0-9_-]+");
    assertThat(PageToken.decode(SECRET, ALICE, PREFIX, token)).isEqualTo(sequence);
  }

  @Test
  void isDeterministicForOneListingAndPosition() {
    assertThat(token(42)).isEqualTo(token(42));
  }

  @Test
  void isBoundToTheUser() {
    assertInvalid(() -> PageToken.decode(SECRET, new Keyspace("bob", "wallet"), PREFIX, token(7)));
  }

  @Test
  void isBoundToTheStoreId() {
    assertInvalid(() -> PageToken.decode(SECRET, new Keyspace("alice", "other"), PREFIX, token(7)));
    assertInvalid(() -> PageToken.decode(SECRET, new Keyspace("alice", ""), PREFIX, token(7)));
  }

  @Test
  void isBoundToThePrefix() {
    assertInvalid(() -> PageToken.decode(SECRET, ALICE, "", token(7)));
    assertInvalid(() -> PageToken.decode(SECRET, ALICE, "k2", token(7)));
  }

  @Test
  void isBoundToTheStoresSecret() {
    byte[] other = PageToken.newSecret();
    assertInvalid(() -> PageToken.decode(other, ALICE, PREFIX, token(7)));
  }

  /** Components are length-prefixed, so moving characters between them changes the token. */
  @Test
  void componentBoundariesDoNotBlur() {
    String token = PageToken.encode(SECRET, new Keyspace("ab", "c"), "", 7);
    assertInvalid(() -> PageToken.decode(SECRET, new Keyspace("a", "bc"), "", token));
    assertInvalid(() -> PageToken.decode(SECRET, new Keyspace("ab", ""), "c", token));
    // Lone surrogates are distinct code units, not one replacement character.
    String surrogate = PageToken.encode(SECRET, new Keyspace("\uD800", "s"), "", 7);
    assertInvalid(() -> PageToken.decode(SECRET, new Keyspace("\uDC00", "s"), "", surrogate));
  }

  @Test
  void everyFlippedBitIsRejected() {
    byte[] bytes = Base64.getUrlDecoder().decode(token(123_456));
    for (int bit = 0; bit < bytes.length * 8; bit++) {
      byte[] flipped = bytes.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(flipped);
      assertInvalid(() -> PageToken.decode(SECRET, ALICE, PREFIX, tampered));
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "garbage!",
        "AQ",
        "AgAAAAAAAAAB",
        "AQAAAAAAAAAA",
        "AQAAAAAAAAABAA",
        "AgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~"
      })
  void rejectsTokensItDidNotIssue(String token) {
    assertInvalid(() -> PageToken.decode(SECRET, ALICE, PREFIX, token));
  }

  /** The plain-sequence tokens of format 1 (earlier releases) are refused after the upgrade. */
  @Test
  void rejectsFormatOneTokens() {
    byte[] old = ByteBuffer.allocate(9).put((byte) 1).putLong(7).array();
    assertInvalid(
        () ->
            PageToken.decode(
                SECRET,
                ALICE,
                PREFIX,
                Base64.getUrlEncoder().withoutPadding().encodeToString(old)));
  }

  @Test
  void rejectsNonCanonicalSpellings() {
    String token = token(99);
    assertInvalid(() -> PageToken.decode(SECRET, ALICE, PREFIX, token + "="));
    assertInvalid(() -> PageToken.decode(SECRET, ALICE, PREFIX, token + " "));
    // The standard alphabet's '+' and '/' are not the URL-safe alphabet.
    assertInvalid(() -> PageToken.decode(SECRET, ALICE, PREFIX, "+" + token.substring(1)));
    // The last character carries 4 unused bits; setting one gives the same bytes, another string.
    char last = token.charAt(token.length() - 1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char sibling = alphabet.charAt(alphabet.indexOf(last) ^ 1);
    String nonCanonical = token.substring(0, token.length() - 1) + sibling;
    assertThat(Base64.getUrlDecoder().decode(nonCanonical))
        .isEqualTo(Base64.getUrlDecoder().decode(token));
    assertInvalid(() -> PageToken.decode(SECRET, ALICE, PREFIX, nonCanonical));
  }

  /**
   * The sequence cannot be read off a token: consecutive sequences give tokens that differ in about
   * half of their bits, in the sealed sequence as in the tag, and none repeats.
   */
  @Test
  void consecutiveSequencesShareNoStructure() {
    Set<String> sealedParts = new HashSet<>();
    int differingBits = 0;
    int compared = 0;
    byte[] previous = null;
    for (long sequence = 1; sequence <= 200; sequence++) {
      byte[] bytes = Base64.getUrlDecoder().decode(token(sequence));
      byte[] sealed = Arrays.copyOfRange(bytes, 1, 9);
      assertThat(sealedParts.add(Arrays.toString(sealed))).isTrue();
      // A plain or XOR-with-a-fixed-pad sequence would differ from its neighbour in few low bits.
      assertThat(ByteBuffer.wrap(sealed).getLong()).isNotEqualTo(sequence);
      if (previous != null) {
        for (int i = 1; i < bytes.length; i++) {
          differingBits += Integer.bitCount((bytes[i] ^ previous[i]) & 0xFF);
        }
        compared += (bytes.length - 1) * 8;
      }
      previous = bytes;
    }
    // 199 pairs of 192 bits: a random function gives 50% +- 0.3%; anything under 40% is structure.
    assertThat((double) differingBits / compared).isBetween(0.4, 0.6);
  }

  @Test
  void refusesToEncodeNonPositiveSequences() {
    assertThatThrownBy(() -> token(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> token(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesSecretsOfTheWrongLength() {
    assertThatThrownBy(() -> PageToken.encode(new byte[16], ALICE, PREFIX, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> PageToken.decode(new byte[33], ALICE, PREFIX, token(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 bytes");
  }

  @Test
  void newSecretsAreThirtyTwoFreshBytes() {
    byte[] one = PageToken.newSecret();
    assertThat(one).hasSize(PageToken.SECRET_BYTES).hasSize(32);
    assertThat(one).isNotEqualTo(PageToken.newSecret());
  }

  @Test
  void theSpiMakesSecretsTheTokensAccept() {
    byte[] secret = dev.vss.core.spi.Storage.newPageTokenSecret();
    assertThat(secret).hasSize(32).isNotEqualTo(dev.vss.core.spi.Storage.newPageTokenSecret());
    Keyspace keyspace = new Keyspace("u", "s");
    String token = PageToken.encode(secret, keyspace, "", 7);
    assertThat(PageToken.decode(secret, keyspace, "", token)).isEqualTo(7);
  }
}
