package dev.vss.testkit;

import dev.vss.core.VssException;
import dev.vss.core.VssService;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.DeleteObjectResponse;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.GetObjectResponse;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.ListKeyVersionsResponse;
import dev.vss.proto.PutObjectRequest;
import dev.vss.proto.PutObjectResponse;
import java.util.Objects;

/**
 * What the conformance kit talks to: the four VSS operations, each {@code (userToken, request) ->
 * response}, failing with {@link VssException} carrying the protocol error code.
 *
 * <p>The kit's suites are written against this interface only, so the same scenarios run against a
 * {@link VssService} over any {@code Storage} ({@link #of(VssService)}), against the reference
 * model ({@link ReferenceEndpoint}) and against a real server over HTTP.
 *
 * <p>Contract for implementations:
 *
 * <ol>
 *   <li>{@code userToken} names the caller. An HTTP-backed endpoint turns it into credentials its
 *       server's authorizer accepts (for example a JWT whose {@code sub} is the token, or one
 *       signing key per token); equal tokens must reach the same keyspaces and distinct tokens
 *       distinct keyspaces.
 *   <li>A protocol failure is thrown as {@link VssException} with the server's error code and
 *       message (an HTTP endpoint decodes them from the {@code ErrorResponse} body).
 *   <li>Anything else (an I/O failure, a non-VSS HTTP answer) is thrown as another exception, which
 *       fails the scenario.
 *   <li>Implementations are thread-safe: the concurrency suite calls them from many threads.
 * </ol>
 */
public interface VssEndpoint {
  /**
   * getObject.
   *
   * @throws VssException NO_SUCH_KEY, INVALID_REQUEST, ...
   */
  GetObjectResponse getObject(String userToken, GetObjectRequest request);

  /**
   * putObjects.
   *
   * @throws VssException CONFLICT, INVALID_REQUEST, ...
   */
  PutObjectResponse putObjects(String userToken, PutObjectRequest request);

  /**
   * deleteObject.
   *
   * @throws VssException INVALID_REQUEST, ...
   */
  DeleteObjectResponse deleteObject(String userToken, DeleteObjectRequest request);

  /**
   * listKeyVersions.
   *
   * @throws VssException INVALID_REQUEST, ...
   */
  ListKeyVersionsResponse listKeyVersions(String userToken, ListKeyVersionsRequest request);

  /** An endpoint that calls {@code service} directly, in the caller's thread. */
  static VssEndpoint of(VssService service) {
    Objects.requireNonNull(service, "service");
    return new VssEndpoint() {
      @Override
      public GetObjectResponse getObject(String userToken, GetObjectRequest request) {
        return service.getObject(userToken, request);
      }

      @Override
      public PutObjectResponse putObjects(String userToken, PutObjectRequest request) {
        return service.putObjects(userToken, request);
      }

      @Override
      public DeleteObjectResponse deleteObject(String userToken, DeleteObjectRequest request) {
        return service.deleteObject(userToken, request);
      }

      @Override
      public ListKeyVersionsResponse listKeyVersions(
          String userToken, ListKeyVersionsRequest request) {
        return service.listKeyVersions(userToken, request);
      }

      @Override
      public String toString() {
        return "VssService on " + service.storage().name();
      }
    };
  }
}
