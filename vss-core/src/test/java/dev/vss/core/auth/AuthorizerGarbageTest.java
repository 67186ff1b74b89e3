package dev.vss.core.auth;

import static dev.vss.core.auth.JwtAuthorizerTest.CLOCK;
import static dev.vss.core.auth.JwtAuthorizerTest.NOW;
import static dev.vss.core.auth.JwtAuthorizerTest.TRUSTED;
import static dev.vss.core.auth.JwtAuthorizerTest.rs256;
import static dev.vss.core.auth.JwtAuthorizerTest.rs256Raw;
import static dev.vss.core.auth.JwtAuthorizerTest.spkiPem;
import static dev.vss.core.auth.JwtAuthorizerTest.validClaims;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.nimbusds.jose.util.Base64URL;
import dev.vss.core.VssException;
import dev.vss.proto.ErrorCode;
import dev.vss.protocol.auth.SignatureAuthHeader;
import dev.vss.protocol.auth.SignatureAuthHeaderTest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Whatever arrives in the headers, both authorizers answer with a user token or an AUTH {@link
 * VssException}: never another exception, never another error code.
 */
class AuthorizerGarbageTest {
  private static final SignatureAuthorizer SIGNATURE = new SignatureAuthorizer(CLOCK);
  private static final JwtAuthorizer JWT =
      new JwtAuthorizer(spkiPem(JwtAuthorizerTest.publicKey(TRUSTED)), CLOCK);
  private static final String VALID_JWT = rs256(validClaims().build());
  private static final String VALID_SIGNATURE =
      SignatureAuthHeader.create(SignatureAuthHeaderTest.key42(), NOW);

  /** Runs {@code authorizer} and returns the user token, or null after an AUTH failure. */
  private static String outcome(Authorizer authorizer, Map<String, String> headers) {
    try {
      String userToken = authorizer.authorize(headers);
      assertThat(userToken).isNotBlank();
      return userToken;
    } catch (VssException e) {
      assertThat(e.errorCode()).isEqualTo(ErrorCode.AUTH_EXCEPTION);
      assertThat(e.getMessage()).isNotBlank();
      return null;
    } catch (RuntimeException e) {
      return fail("an authorizer leaked " + e, e);
    }
  }

  private static Map<String, String> authorization(String value) {
    return Map.of("Authorization", value);
  }

  @Property(tries = 1000)
  void randomHeaderValuesAreRejected(@ForAll("garbage") String value) {
    assertThat(outcome(SIGNATURE, authorization(value))).isNull();
    assertThat(outcome(JWT, authorization(value))).isNull();
    assertThat(outcome(JWT, authorization("Bearer " + value))).isNull();
  }

  @Property(tries = 300)
  void randomHeaderMapsAreRejected(@ForAll("headerMaps") Map<String, String> headers) {
    assertThat(outcome(SIGNATURE, headers)).isNull();
    assertThat(outcome(JWT, headers)).isNull();
  }

  @Property(tries = 500)
  void randomJwtShapedTokensAreRejected(@ForAll("jwtShaped") String token) {
    assertThat(outcome(JWT, authorization("Bearer " + token))).isNull();
  }

  @Property(tries = 500)
  void mutatedJwtsAreRejectedUnlessTheyDecodeTheSame(
      @ForAll @IntRange(min = 0, max = 10_000) int seedPosition, @ForAll("tokenChars") char c) {
    int position = seedPosition % VALID_JWT.length();
    String mutated = VALID_JWT.substring(0, position) + c + VALID_JWT.substring(position + 1);
    String userToken = outcome(JWT, authorization("Bearer " + mutated));
    if (userToken != null) {
      // Base64url's last character of a part can carry unused bits: only a change that decodes to
      // the very same bytes may pass.
      assertThat(decodedParts(mutated)).isEqualTo(decodedParts(VALID_JWT));
      assertThat(userToken).isEqualTo("alice");
    }
  }

  @Property(tries = 500)
  void mutatedSignatureHeadersAreRejected(
      @ForAll @IntRange(min = 0, max = 10_000) int seedPosition, @ForAll("anyChar") char c) {
    int position = seedPosition % VALID_SIGNATURE.length();
    String mutated =
        VALID_SIGNATURE.substring(0, position) + c + VALID_SIGNATURE.substring(position + 1);
    String userToken = outcome(SIGNATURE, authorization(mutated));
    if (userToken != null) {
      // Only a change of hex case keeps the same bytes.
      assertThat(mutated).isEqualToIgnoringCase(VALID_SIGNATURE);
    }
  }

  @Property(tries = 300)
  void validlySignedRandomClaimsNeverLeak(@ForAll("claimsJson") String payload) {
    String userToken = outcome(JWT, authorization("Bearer " + rs256Raw(payload)));
    if (userToken != null) {
      assertThat(payload).contains("\"sub\":\"" + userToken + "\"").doesNotContain("\"aud\"");
    }
  }

  private static List<List<Byte>> decodedParts(String token) {
    return Arrays.stream(token.split("\\.", -1))
        .map(part -> new Base64URL(part).decode())
        .map(
            bytes -> {
              Byte[] boxed = new Byte[bytes.length];
              for (int i = 0; i < bytes.length; i++) {
                boxed[i] = bytes[i];
              }
              return List.of(boxed);
            })
        .collect(Collectors.toList());
  }

  @Provide
  Arbitrary<String> garbage() {
    Arbitrary<String> anything = Arbitraries.strings().ofMaxLength(400);
    Arbitrary<String> hexAndDigits =
        Arbitraries.strings()
            .withChars("0123456789abcdefABCDEF+- xg")
            .ofMinLength(180)
            .ofMaxLength(240);
    Arbitrary<String> prefixedWithAKey =
        Arbitraries.strings()
            .withChars("0123456789abcdef")
            .ofMinLength(0)
            .ofMaxLength(160)
            .map(tail -> VALID_SIGNATURE.substring(0, 66) + tail);
    return Arbitraries.oneOf(anything, hexAndDigits, prefixedWithAKey);
  }

  @Provide
  Arbitrary<Map<String, String>> headerMaps() {
    Arbitrary<String> names =
        Arbitraries.oneOf(
            Arbitraries.of("Authorization", "authorization", "AUTHORIZATION", "Authorisation", ""),
            Arbitraries.strings().ofMaxLength(20));
    Arbitrary<String> values =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(300),
            Arbitraries.of("Bearer ", "Bearer a.b.c", VALID_SIGNATURE.substring(0, 194)));
    return Arbitraries.maps(names, values).ofMaxSize(4).map(LinkedHashMap::new);
  }

  @Provide
  Arbitrary<String> jwtShaped() {
    Arbitrary<String> part =
        Arbitraries.oneOf(
            Arbitraries.strings()
                .withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/")
                .ofMaxLength(80),
            Arbitraries.strings().ofMaxLength(60).map(text -> Base64URL.encode(text).toString()),
            Arbitraries.of(
                    "{\"alg\":\"RS256\"}",
                    "{\"alg\":\"none\"}",
                    "{\"alg\":\"HS256\"}",
                    "{\"alg\":\"RS256\",\"crit\":[\"x\"]}",
                    "{\"alg\":null}",
                    "{\"alg\":7}",
                    "{}",
                    "[]",
                    "{\"sub\":\"alice\",\"exp\":1700003600}",
                    "{\"alg\":\"RS256\"",
                    "{\"alg\":{\"alg\":{\"alg\":[[[[[[[[[[]]]]]]]]]]}}}")
                .map(json -> Base64URL.encode(json).toString()));
    return part.list().ofMinSize(1).ofMaxSize(6).map(parts -> String.join(".", parts));
  }

  @Provide
  Arbitrary<Character> tokenChars() {
    return Arbitraries.oneOf(
        Arbitraries.chars()
            .with("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."),
        Arbitraries.chars());
  }

  @Provide
  Arbitrary<Character> anyChar() {
    return Arbitraries.oneOf(
        Arbitraries.chars().with("0123456789abcdefABCDEF"), Arbitraries.chars());
  }

  @Provide
  Arbitrary<String> claimsJson() {
    Arbitrary<String> keys =
        Arbitraries.oneOf(
            Arbitraries.of("sub", "exp", "nbf", "aud", "iat", "iss", "jti"),
            Arbitraries.strings().alpha().ofMaxLength(5));
    Arbitrary<String> values =
        Arbitraries.oneOf(
            Arbitraries.of(
                "\"alice\"",
                "\"\"",
                "\" \"",
                "null",
                "true",
                "[]",
                "{}",
                "[\"a\",1]",
                "1e400",
                "-1",
                "0",
                "1.5",
                "99999999999999999999999",
                String.valueOf(NOW + 3600),
                String.valueOf(NOW - 3600),
                String.valueOf(Long.MAX_VALUE),
                String.valueOf(Long.MIN_VALUE)),
            Arbitraries.longs().map(String::valueOf),
            Arbitraries.strings().alpha().numeric().ofMaxLength(10).map(s -> "\"" + s + "\""));
    Arbitrary<String> member = Combinators.combine(keys, values).as((k, v) -> "\"" + k + "\":" + v);
    return member.list().ofMaxSize(6).map(members -> "{" + String.join(",", members) + "}");
  }
}
