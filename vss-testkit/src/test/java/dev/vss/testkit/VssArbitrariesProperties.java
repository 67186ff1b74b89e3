package dev.vss.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vss.core.Limits;
import dev.vss.core.VssException;
import dev.vss.core.VssService;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.core.rules.RequestValidation;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.PutObjectRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The public generators produce what they promise, and their requests are usable as is. */
class VssArbitrariesProperties {
  private static final List<String> POOL = List.of("a", "a_b", "B%", "\uD83D\uDD11k");

  @Property(tries = 300)
  void keysAreNonEmptyWholeCodePointsAndNeverReserved(@ForAll("keys") String key) {
    assertThat(new String(key.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
        .as("survives UTF-8 (no lone surrogate)")
        .isEqualTo(key);
    assertThat(key.codePointCount(0, key.length())).isBetween(1, 12);
    assertThat(key).isNotEqualTo(RequestValidation.GLOBAL_VERSION_KEY);
  }

  @Property(tries = 100)
  void valuesStayWithinTheirSize(@ForAll("values") ByteString value) {
    assertThat(value.size()).isBetween(0, 64);
  }

  @Example
  void prefixesIncludeEveryPrefixOfEveryKeyAndLookAlikes() {
    List<String> prefixes = VssArbitraries.prefixesOf(POOL).allValues().orElseThrow().toList();

    assertThat(prefixes)
        .contains(
            "",
            "a",
            "a_",
            "a_b",
            "B",
            "B%",
            "\uD83D\uDD11",
            "\uD83D\uDD11k",
            "a_bx",
            "A_B",
            "%",
            "_")
        .doesNotHaveDuplicates();
    assertThat(prefixes)
        .as("no prefix splits a surrogate pair")
        .allSatisfy(
            p ->
                assertThat(Character.isHighSurrogate(p.isEmpty() ? 'x' : p.charAt(p.length() - 1)))
                    .isFalse());
  }

  /**
   * Requests made by the generators are accepted or rejected exactly as the reference model accepts
   * or rejects them, and leave the same keyspaces behind.
   */
  @Property(tries = 200)
  void generatedRequestsAnswerAlikeOnTheStorageAndTheModel(
      @ForAll("puts") List<PutObjectRequest> puts, @ForAll("lists") ListKeyVersionsRequest list) {
    try (InMemoryStorage storage = new InMemoryStorage()) {
      VssEndpoint subject = VssEndpoint.of(new VssService(storage, Limits.DEFAULTS));
      ReferenceEndpoint reference = new ReferenceEndpoint(Limits.DEFAULTS);
      for (PutObjectRequest put : puts) {
        assertThat(outcome(() -> subject.putObjects("u", put)))
            .isEqualTo(outcome(() -> reference.putObjects("u", put)));
      }
      assertThat(outcome(() -> subject.listKeyVersions("u", list).getKeyVersionsList()))
          .isEqualTo(outcome(() -> reference.listKeyVersions("u", list).getKeyVersionsList()));
      for (String store : puts.stream().map(PutObjectRequest::getStoreId).distinct().toList()) {
        assertThat(KeyspaceSnapshot.read(subject, "u", store))
            .isEqualTo(KeyspaceSnapshot.read(reference, "u", store));
      }
    }
  }

  @Provide
  Arbitrary<String> keys() {
    return VssArbitraries.keys();
  }

  @Provide
  Arbitrary<ByteString> values() {
    return VssArbitraries.values();
  }

  @Provide
  Arbitrary<List<PutObjectRequest>> puts() {
    return VssArbitraries.putRequests(Arbitraries.of("", "s"), Arbitraries.of(POOL), 3)
        .list()
        .ofMaxSize(8);
  }

  @Provide
  Arbitrary<ListKeyVersionsRequest> lists() {
    return VssArbitraries.listRequests(Arbitraries.of("", "s"), VssArbitraries.prefixesOf(POOL));
  }

  private static Object outcome(Supplier<?> call) {
    try {
      return Objects.requireNonNull(call.get());
    } catch (VssException e) {
      return e.errorCode() + ": " + e.getMessage();
    }
  }
}
