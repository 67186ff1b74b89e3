package dev.vss.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.DeleteObjectResponse;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.GetObjectResponse;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.ListKeyVersionsResponse;
import dev.vss.proto.PutObjectRequest;
import dev.vss.proto.PutObjectResponse;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Example;
import net.jqwik.api.state.ActionChain;

/**
 * Proves that the lone-surrogate scenario and model action can fail. The flawed endpoint does what
 * a wire encoding (or an adapter's {@code String.getBytes}) does: it turns every lone surrogate
 * into {@code '?'} before the request reaches {@code VssService}, so the request is answered
 * instead of refused and {@code "k\uD800"} lands on {@code "k?"}. Declaring {@link
 * Capability#IN_PROCESS} for it would be a lie, and the kit catches it; an honest HTTP endpoint
 * leaves the capability out and the checks are skipped.
 */
class LoneSurrogateDetectionTest {
  private static final int MAX_CHAINS = 100;

  @Example
  void theScenarioCatchesAnEndpointThatReplacesLoneSurrogates() throws Exception {
    assertThat(scenarioFailure(false)).as("on VssService called directly").isNull();
    assertThat(scenarioFailure(true))
        .as("on an endpoint that sends '?' instead")
        .isInstanceOf(AssertionError.class);
  }

  @Example
  void theModelActionCatchesAnEndpointThatReplacesLoneSurrogates() {
    assertThat(chainsUntilFailure(false))
        .as("chains failed on VssService called directly")
        .isEqualTo(MAX_CHAINS);
    assertThat(chainsUntilFailure(true))
        .as("chains until the '?' endpoint is caught")
        .isLessThan(MAX_CHAINS);
  }

  @Example
  void withoutInProcessTheChecksDoNotRun() {
    Conformance honestHttp =
        new Conformance(true) {
          @Override
          public Set<Capability> capabilities() {
            return Capability.endpointDefaults();
          }
        };
    assertThat(catchFailure(honestHttp))
        .isInstanceOf(org.opentest4j.TestAbortedException.class)
        .hasMessageContaining("needs capability IN_PROCESS");
  }

  private static Throwable scenarioFailure(boolean replaces) throws Exception {
    return catchFailure(new Conformance(replaces));
  }

  private static Throwable catchFailure(Conformance suite) {
    try {
      suite.openEndpoint();
      try {
        suite.loneSurrogatesAreInvalid();
        return null;
      } finally {
        suite.releaseEndpoint();
      }
    } catch (Throwable failure) {
      return failure;
    }
  }

  private static int chainsUntilFailure(boolean replaces) {
    Properties properties = new Properties(replaces);
    Random random = new Random(7);
    for (int chains = 0; chains < MAX_CHAINS; chains++) {
      ActionChain<ModelComparison> chain =
          properties.vssActionChains().generator(1000).next(random).value();
      try {
        VssModelPropertySuite.runChecked(chain);
      } catch (AssertionError expected) {
        return chains;
      } finally {
        properties.closeEndpointsOfTheTry();
      }
    }
    return MAX_CHAINS;
  }

  private static VssEndpoint endpointFor(Limits limits, boolean replaces) {
    VssEndpoint direct = VssEndpoint.of(new VssService(new InMemoryStorage(), limits));
    return replaces ? new QuestionMarks(direct) : direct;
  }

  private static class Conformance extends VssConformanceSuite {
    private final boolean replaces;

    Conformance(boolean replaces) {
      this.replaces = replaces;
    }

    @Override
    protected VssEndpoint newEndpoint() {
      return endpointFor(limits(), replaces);
    }

    @Override
    public Set<Capability> capabilities() {
      return EnumSet.allOf(Capability.class);
    }
  }

  private static final class Properties extends VssModelPropertySuite {
    private final boolean replaces;

    Properties(boolean replaces) {
      this.replaces = replaces;
    }

    @Override
    protected VssEndpoint newEndpoint() {
      return endpointFor(limits(), replaces);
    }

    @Override
    protected Set<Capability> capabilities() {
      return EnumSet.allOf(Capability.class);
    }
  }

  /** Sends every string as its UTF-8 round trip, as protobuf over HTTP does: '?' for a lone one. */
  private static final class QuestionMarks implements VssEndpoint {
    private final VssEndpoint next;

    QuestionMarks(VssEndpoint next) {
      this.next = next;
    }

    private static String wire(String s) {
      return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    @Override
    public GetObjectResponse getObject(String userToken, GetObjectRequest request) {
      return next.getObject(
          wire(userToken),
          request.toBuilder()
              .setStoreId(wire(request.getStoreId()))
              .setKey(wire(request.getKey()))
              .build());
    }

    @Override
    public PutObjectResponse putObjects(String userToken, PutObjectRequest request) {
      PutObjectRequest.Builder sent = request.toBuilder().setStoreId(wire(request.getStoreId()));
      sent.getTransactionItemsBuilderList().forEach(item -> item.setKey(wire(item.getKey())));
      sent.getDeleteItemsBuilderList().forEach(item -> item.setKey(wire(item.getKey())));
      return next.putObjects(wire(userToken), sent.build());
    }

    @Override
    public DeleteObjectResponse deleteObject(String userToken, DeleteObjectRequest request) {
      DeleteObjectRequest.Builder sent = request.toBuilder().setStoreId(wire(request.getStoreId()));
      if (sent.hasKeyValue()) {
        sent.getKeyValueBuilder().setKey(wire(request.getKeyValue().getKey()));
      }
      return next.deleteObject(wire(userToken), sent.build());
    }

    @Override
    public ListKeyVersionsResponse listKeyVersions(
        String userToken, ListKeyVersionsRequest request) {
      ListKeyVersionsRequest.Builder sent =
          request.toBuilder().setStoreId(wire(request.getStoreId()));
      if (request.hasKeyPrefix()) {
        sent.setKeyPrefix(wire(request.getKeyPrefix()));
      }
      return next.listKeyVersions(wire(userToken), sent.build());
    }
  }
}
