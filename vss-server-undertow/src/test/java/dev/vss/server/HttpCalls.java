package dev.vss.server;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import dev.vss.proto.ErrorResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;

/** Raw HTTP calls against a running server, with the JDK client: what any client would send. */
public final class HttpCalls {
  /** A finished call. */
  public record Reply(int status, byte[] body, HttpHeaders headers) {
    /** The body decoded as an {@code ErrorResponse}; fails the test if it does not decode. */
    public ErrorResponse error() {
      try {
        return ErrorResponse.parseFrom(body);
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError("body is not an ErrorResponse", e);
      }
    }

    public String text() {
      return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  private final HttpClient client;
  private final URI root;

  public HttpCalls(URI root) {
    this(
        root,
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build());
  }

  public HttpCalls(URI root, SSLContext sslContext) {
    this(
        root,
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .sslContext(sslContext)
            .build());
  }

  private HttpCalls(URI root, HttpClient client) {
    this.root = root;
    this.client = client;
  }

  /** POSTs {@code message} to {@code path} (such as {@code /vss/getObject}). */
  public Reply post(String path, MessageLite message, Map<String, String> headers) {
    return post(path, message.toByteArray(), headers);
  }

  /** POSTs {@code message} without waiting for the answer. */
  public java.util.concurrent.CompletableFuture<Reply> postAsync(String path, MessageLite message) {
    return client
        .sendAsync(
            request(path, Map.of())
                .POST(HttpRequest.BodyPublishers.ofByteArray(message.toByteArray()))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(r -> new Reply(r.statusCode(), r.body(), r.headers()));
  }

  /** POSTs {@code body} with a Content-Length. */
  public Reply post(String path, byte[] body, Map<String, String> headers) {
    return send(request(path, headers).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  /** POSTs {@code body} chunked (no Content-Length), as a streaming client would. */
  public Reply postChunked(String path, byte[] body, Map<String, String> headers) {
    return send(
        request(path, headers)
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));
  }

  /** Sends {@code method} with no body. */
  public Reply call(String method, String path) {
    return send(request(path, Map.of()).method(method, HttpRequest.BodyPublishers.noBody()));
  }

  public HttpRequest.Builder request(String path, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(root.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/octet-stream");
    headers.forEach(request::header);
    return request;
  }

  public Reply send(HttpRequest.Builder request) {
    try {
      HttpResponse<byte[]> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Reply(response.statusCode(), response.body(), response.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
