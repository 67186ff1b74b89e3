package dev.vss.testkit.runner;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import com.google.protobuf.TextFormat;
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
import dev.vss.protocol.ProtocolVersion;
import dev.vss.protocol.VssMethod;
import dev.vss.testkit.VssEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A {@link VssEndpoint} for any VSS server over HTTP, with the JDK client: each call is a protobuf
 * POST to {@code <base>/<method>}; a non-200 answer becomes the {@link VssException} its {@code
 * ErrorResponse} names.
 *
 * <p>An answer that is not valid protocol (a body that is not protobuf, the code UNKNOWN, a status
 * that does not match the error code in SPEC section 1's table) is an {@link
 * IllegalStateException}, which fails the scenario. Every exchange is recorded in {@link
 * ExchangeLog} so that a failure can show the request and the response.
 */
public final class HttpVssEndpoint implements VssEndpoint {
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

  private final HttpClient client;
  private final URI base;
  private final Function<String, Optional<String>> authorization;
  private final String description;

  /**
   * An endpoint for the API at {@code base} (such as {@code http://127.0.0.1:8080/vss}).
   *
   * @param client the HTTP client, shared by endpoints
   * @param base the API base URI, without a trailing slash
   * @param authorization the {@code Authorization} header value for a user token, or empty to send
   *     none
   * @param description how reports name the endpoint
   */
  public HttpVssEndpoint(
      HttpClient client,
      URI base,
      Function<String, Optional<String>> authorization,
      String description) {
    this.client = Objects.requireNonNull(client, "client");
    this.base = Objects.requireNonNull(base, "base");
    this.authorization = Objects.requireNonNull(authorization, "authorization");
    this.description = Objects.requireNonNull(description, "description");
  }

  /** An HTTP/1.1 client with a 10-second connect timeout. */
  public static HttpClient newClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  @Override
  public GetObjectResponse getObject(String userToken, GetObjectRequest request) {
    return call(VssMethod.GET_OBJECT, userToken, request);
  }

  @Override
  public PutObjectResponse putObjects(String userToken, PutObjectRequest request) {
    return call(VssMethod.PUT_OBJECTS, userToken, request);
  }

  @Override
  public DeleteObjectResponse deleteObject(String userToken, DeleteObjectRequest request) {
    return call(VssMethod.DELETE_OBJECT, userToken, request);
  }

  @Override
  public ListKeyVersionsResponse listKeyVersions(String userToken, ListKeyVersionsRequest request) {
    return call(VssMethod.LIST_KEY_VERSIONS, userToken, request);
  }

  /**
   * Sends one request and answers the raw response, for checks of the HTTP layer itself (such as
   * the protocol version header).
   */
  HttpResponse<byte[]> send(String method, String userToken, Message request) {
    HttpRequest.Builder http =
        HttpRequest.newBuilder(URI.create(base + "/" + method))
            .timeout(CALL_TIMEOUT)
            .header("Content-Type", "application/octet-stream")
            .POST(HttpRequest.BodyPublishers.ofByteArray(request.toByteArray()));
    authorization.apply(userToken).ifPresent(value -> http.header("Authorization", value));
    try {
      return client.send(http.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      ExchangeLog.record(method + " " + show(request) + "\n      -> transport failure: " + e);
      throw new UncheckedIOException(method + " failed in transport", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(method + " interrupted", e);
    }
  }

  private <R extends Message> R call(VssMethod<?, R> method, String userToken, Message request) {
    return call(method.methodName(), userToken, request, method.responseParser());
  }

  private <T extends Message> T call(
      String method, String userToken, Message request, Parser<T> parser) {
    HttpResponse<byte[]> response = send(method, userToken, request);
    String sent = method + " " + show(request);
    int status = response.statusCode();
    try {
      if (status == 200) {
        T answer = parser.parseFrom(response.body());
        ExchangeLog.record(sent + "\n      -> 200 " + show(answer));
        return answer;
      }
      ErrorResponse error = ErrorResponse.parseFrom(response.body());
      ExchangeLog.record(sent + "\n      -> " + status + " " + show(error));
      ErrorCode code = error.getErrorCode();
      if (code == ErrorCode.UNKNOWN || code == ErrorCode.UNRECOGNIZED) {
        throw new IllegalStateException(method + ": HTTP " + status + " with error code " + code);
      }
      int expected = statusOf(code);
      boolean tooLarge = status == 413 && code == ErrorCode.INVALID_REQUEST_EXCEPTION;
      if (status != expected && !tooLarge) {
        throw new IllegalStateException(
            method
                + ": HTTP "
                + status
                + " does not match error code "
                + code
                + " (SPEC section 1: "
                + expected
                + ")");
      }
      throw new VssException(code, error.getMessage());
    } catch (InvalidProtocolBufferException e) {
      ExchangeLog.record(
          sent
              + "\n      -> "
              + status
              + " with a body that is not protobuf: "
              + abbreviate(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8)));
      throw new IllegalStateException(
          method + ": HTTP " + status + " with a body that is not protobuf", e);
    }
  }

  /** Whether {@code response} carries {@code vss-protocol-version: 0} (SPEC section 1). */
  static boolean hasProtocolVersion(HttpResponse<?> response) {
    return response
        .headers()
        .allValues(ProtocolVersion.HEADER)
        .equals(java.util.List.of(ProtocolVersion.VALUE));
  }

  /** The HTTP status SPEC section 1 gives {@code code}. */
  static int statusOf(ErrorCode code) {
    return dev.vss.protocol.ErrorStatus.of(code);
  }

  private static String show(Message message) {
    return message.getClass().getSimpleName()
        + "{"
        + abbreviate(TextFormat.printer().shortDebugString(message))
        + "}";
  }

  private static String abbreviate(String text) {
    return text.length() <= 400
        ? text
        : text.substring(0, 400) + "... (" + text.length() + " characters)";
  }

  @Override
  public String toString() {
    return description;
  }
}
