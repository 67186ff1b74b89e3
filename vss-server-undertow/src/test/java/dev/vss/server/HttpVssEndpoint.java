package dev.vss.server;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.vss.core.VssException;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.DeleteObjectResponse;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.ErrorResponse;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.GetObjectResponse;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.ListKeyVersionsResponse;
import dev.vss.proto.PutObjectRequest;
import dev.vss.proto.PutObjectResponse;
import dev.vss.testkit.VssEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Function;

/**
 * The testkit's {@link VssEndpoint} over real HTTP with the JDK client: each call is a protobuf
 * POST, a non-200 answer becomes the {@link VssException} its {@code ErrorResponse} names.
 *
 * <p>An answer that is not valid protocol (an undecodable or UNKNOWN error body, a status that does
 * not match the error code) is an {@link IllegalStateException}, which fails the scenario.
 */
public final class HttpVssEndpoint implements VssEndpoint {
  private final HttpClient client;
  private final URI base;
  private final Function<String, String> authorization;
  private final String description;

  /**
   * An endpoint for the API at {@code base} (such as {@code http://127.0.0.1:8080/vss}).
   *
   * @param authorization the {@code Authorization} header value for a user token
   */
  public HttpVssEndpoint(
      HttpClient client, URI base, Function<String, String> authorization, String description) {
    this.client = client;
    this.base = base;
    this.authorization = authorization;
    this.description = description;
  }

  public static HttpClient newClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  @Override
  public GetObjectResponse getObject(String userToken, GetObjectRequest request) {
    return call("getObject", userToken, request, GetObjectResponse.parser());
  }

  @Override
  public PutObjectResponse putObjects(String userToken, PutObjectRequest request) {
    return call("putObjects", userToken, request, PutObjectResponse.parser());
  }

  @Override
  public DeleteObjectResponse deleteObject(String userToken, DeleteObjectRequest request) {
    return call("deleteObject", userToken, request, DeleteObjectResponse.parser());
  }

  @Override
  public ListKeyVersionsResponse listKeyVersions(String userToken, ListKeyVersionsRequest request) {
    return call("listKeyVersions", userToken, request, ListKeyVersionsResponse.parser());
  }

  private <T> T call(String method, String userToken, MessageLite request, Parser<T> parser) {
    HttpRequest http =
        HttpRequest.newBuilder(URI.create(base + "/" + method))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/octet-stream")
            .header("Authorization", authorization.apply(userToken))
            .POST(HttpRequest.BodyPublishers.ofByteArray(request.toByteArray()))
            .build();
    HttpResponse<byte[]> response;
    try {
      response = client.send(http, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " failed in transport", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(method + " interrupted", e);
    }
    try {
      if (response.statusCode() == 200) {
        return parser.parseFrom(response.body());
      }
      ErrorResponse error = ErrorResponse.parseFrom(response.body());
      ErrorCode code = error.getErrorCode();
      if (code == ErrorCode.UNKNOWN || code == ErrorCode.UNRECOGNIZED) {
        throw new IllegalStateException(
            method + ": HTTP " + response.statusCode() + " with error code " + code);
      }
      int expected = ErrorResponses.statusOf(code);
      boolean tooLarge =
          response.statusCode() == 413 && code == ErrorCode.INVALID_REQUEST_EXCEPTION;
      if (response.statusCode() != expected && !tooLarge) {
        throw new IllegalStateException(
            method
                + ": HTTP "
                + response.statusCode()
                + " does not match error code "
                + code
                + " (expected "
                + expected
                + ")");
      }
      throw new VssException(code, error.getMessage());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(
          method + ": HTTP " + response.statusCode() + " with a body that is not protobuf", e);
    }
  }

  @Override
  public String toString() {
    return description;
  }
}
