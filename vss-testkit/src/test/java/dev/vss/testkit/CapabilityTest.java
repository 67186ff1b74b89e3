package dev.vss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vss.core.Limits;
import dev.vss.core.VssException;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.core.spi.Storage;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.DeleteObjectResponse;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.GetObjectResponse;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.ListKeyVersionsResponse;
import dev.vss.proto.PutObjectRequest;
import dev.vss.proto.PutObjectResponse;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** Declared capabilities decide what the kit compares and what it skips, and say so. */
class CapabilityTest {
  private static final GetObjectRequest MISSING =
      GetObjectRequest.newBuilder().setStoreId("w").setKey("missing").build();

  /** Without EXACT_MESSAGES an error in other words passes; with it, it fails. */
  @Test
  void messagesAreComparedOnlyWhenDeclared() {
    VssEndpoint otherWords = new Rewording(ErrorCode.NO_SUCH_KEY_EXCEPTION);

    assertThatCode(
            () -> comparison(otherWords, Capability.endpointDefaults()).getObject("alice", MISSING))
        .doesNotThrowAnyException();
    assertThat(
            catchThrowable(
                () -> comparison(otherWords, Capability.all()).getObject("alice", MISSING)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("in other words");
  }

  /** Another error code fails whatever is declared. */
  @Test
  void codesAreAlwaysCompared() {
    VssEndpoint otherCode = new Rewording(ErrorCode.INVALID_REQUEST_EXCEPTION);

    assertThat(
            catchThrowable(
                () ->
                    comparison(otherCode, Capability.endpointDefaults())
                        .getObject("alice", MISSING)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("INVALID_REQUEST_EXCEPTION");
  }

  /** A scenario needing an undeclared capability is skipped with a reason naming it. */
  @Test
  void anUndeclaredCapabilitySkipsWithItsName() throws Exception {
    OneUser suite = new OneUser();
    suite.openEndpoint();
    try {
      Throwable skipped = catchThrowable(suite::usersAreIsolatedInTheSameStore);

      assertThat(skipped)
          .isInstanceOf(TestAbortedException.class)
          .hasMessageContaining("needs capability SEVERAL_USERS")
          .hasMessageContaining("distinct user tokens reach distinct keyspaces");
      assertThatCode(suite::pageTokenIsBoundToItsListing).doesNotThrowAnyException();
    } finally {
      suite.releaseEndpoint();
    }
  }

  /** Declaring REOPENABLE without overriding reopenStorage is a failure that says what to do. */
  @Test
  void reopenableWithoutReopenStorageFails() throws Exception {
    NotReopenable suite = new NotReopenable();
    suite.openEndpoint();
    try {
      assertThat(catchThrowable(suite::acknowledgedWritesSurviveAReopen))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("declares capability REOPENABLE but reopenStorage");
    } finally {
      suite.releaseEndpoint();
    }
  }

  private static ModelComparison comparison(VssEndpoint subject, Set<Capability> capabilities) {
    return new ModelComparison(
        subject, new ReferenceEndpoint(VssModelPropertySuite.MODEL_LIMITS), () -> {}, capabilities);
  }

  /** The reference model, but getObject of a missing key answers in other words (or code). */
  private static final class Rewording implements VssEndpoint {
    private final ReferenceEndpoint reference =
        new ReferenceEndpoint(VssModelPropertySuite.MODEL_LIMITS);
    private final ErrorCode code;

    Rewording(ErrorCode code) {
      this.code = code;
    }

    @Override
    public GetObjectResponse getObject(String userToken, GetObjectRequest request) {
      return rewrite(() -> reference.getObject(userToken, request));
    }

    @Override
    public PutObjectResponse putObjects(String userToken, PutObjectRequest request) {
      return reference.putObjects(userToken, request);
    }

    @Override
    public DeleteObjectResponse deleteObject(String userToken, DeleteObjectRequest request) {
      return reference.deleteObject(userToken, request);
    }

    @Override
    public ListKeyVersionsResponse listKeyVersions(
        String userToken, ListKeyVersionsRequest request) {
      return reference.listKeyVersions(userToken, request);
    }

    private <T> T rewrite(Supplier<T> call) {
      try {
        return call.get();
      } catch (VssException e) {
        throw new VssException(code, "in other words");
      }
    }
  }

  /** The reference model declared as a one-user endpoint. */
  private static final class OneUser extends VssConformanceSuite {
    @Override
    protected VssEndpoint newEndpoint() {
      return new ReferenceEndpoint(limits());
    }

    @Override
    public Set<Capability> capabilities() {
      return EnumSet.noneOf(Capability.class);
    }
  }

  /** A storage suite that keeps the default capabilities but does not override reopenStorage. */
  private static final class NotReopenable extends StorageConformanceSuite {
    @Override
    protected Storage newStorage() {
      return new InMemoryStorage();
    }

    @Override
    public Limits limits() {
      return CONFORMANCE_LIMITS;
    }
  }
}
