package dev.vss.client;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.vss.client.auth.HeaderProvider;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.DeleteObjectResponse;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.GetObjectResponse;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.ListKeyVersionsResponse;
import dev.vss.proto.PutObjectRequest;
import dev.vss.proto.PutObjectResponse;
import dev.vss.protocol.VssMethod;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The four VSS calls over HTTP (SPEC sections 1 and 4), each blocking and as a {@link
 * CompletableFuture}, on the JDK {@link HttpClient}.
 *
 * <p>Every call:
 *
 * <ol>
 *   <li>POSTs the protobuf request to {@code {baseUrl}/{method}} with {@code Content-Type:
 *       application/octet-stream} and the headers of the configured {@link HeaderProvider}, asked
 *       afresh for every attempt;
 *   <li>checks that the answer carries the response header {@value #PROTOCOL_VERSION_HEADER}{@code
 *       : }{@value #PROTOCOL_VERSION}, first and whatever its status, as the deployed Rust client
 *       ({@code vss-client-ng} 0.6.0 and later) does, and throws a {@link
 *       ProtocolVersionMismatchException} otherwise (never retried);
 *   <li>returns the decoded response of a 200 answer;
 *   <li>throws (or completes exceptionally with) a {@link VssServerException} subclass per protocol
 *       error code for an error answer, a {@link VssTransportException} when no answer arrived
 *       within the request timeout or the connection failed, a {@link HeaderProviderException} when
 *       the header provider failed;
 *   <li>repeats {@linkplain VssClientException#isRetryable() retryable} failures as the {@link
 *       RetryPolicy} says, and never a CONFLICT or a protocol version mismatch; after a 429 or 503
 *       with {@code Retry-After} it waits at least that long, up to the policy's maximum backoff.
 * </ol>
 *
 * <p>A retried write may have been applied by an attempt whose answer was lost: a conditional write
 * can then answer CONFLICT although the data is what the caller wrote. Re-read to find out.
 *
 * <p>Instances are immutable and thread-safe; share one per server.
 *
 * <pre>{@code
 * VssClient client = VssClient.builder("https://vss.example.com/vss")
 *     .headerProvider(SignatureHeaderProvider.of(privateKey))
 *     .build();
 * GetObjectResponse response = client.getObject(GetObjectRequest.newBuilder()
 *     .setStoreId("wallet").setKey("channel-monitor-1").build());
 * }</pre>
 */
public final class VssClient {
  /** The default time an attempt waits for the server's answer, as in the deployed client. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /** The response header that names the server's VSS protocol version (SPEC section 1). */
  public static final String PROTOCOL_VERSION_HEADER = dev.vss.protocol.ProtocolVersion.HEADER;

  /** The VSS protocol version this client speaks: the exact value the header must carry. */
  public static final String PROTOCOL_VERSION = dev.vss.protocol.ProtocolVersion.VALUE;

  private final URI baseUri;
  private final HttpClient http;
  private final HeaderProvider headers;
  private final Duration requestTimeout;
  private final RetryPolicy retryPolicy;
  private final boolean acceptMissingProtocolVersion;

  private VssClient(Builder builder) {
    this.baseUri = builder.baseUri;
    this.headers = builder.headers;
    this.requestTimeout = builder.requestTimeout;
    this.retryPolicy = builder.retryPolicy;
    this.acceptMissingProtocolVersion = builder.acceptMissingProtocolVersion;
    this.http =
        builder.http != null
            ? builder.http
            : HttpClient.newBuilder()
                // SPEC section 1 is HTTP/1.1: no h2c upgrade dance on plain http.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(builder.connectTimeout)
                .build();
  }

  /**
   * A builder for a client of the server at {@code baseUrl}, the URL the four method names are
   * appended to, for example {@code "https://vss.example.com/vss"}.
   */
  public static Builder builder(String baseUrl) {
    return new Builder(URI.create(Objects.requireNonNull(baseUrl, "baseUrl")));
  }

  /** A builder for a client of the server at {@code baseUri}; see {@link #builder(String)}. */
  public static Builder builder(URI baseUri) {
    return new Builder(Objects.requireNonNull(baseUri, "baseUri"));
  }

  /** The URL the method names are appended to (without a trailing slash). */
  public URI baseUri() {
    return baseUri;
  }

  /** The retry policy of this client. */
  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  /** The time an attempt waits for the server's answer. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /**
   * Whether answers without the protocol version header are accepted (default false); see {@link
   * Builder#acceptMissingProtocolVersion(boolean)}.
   */
  public boolean acceptsMissingProtocolVersion() {
    return acceptMissingProtocolVersion;
  }

  /**
   * getObject: the record stored under a key.
   *
   * @throws NoSuchKeyException if the key does not exist
   * @throws VssClientException for any other failure (see the class comment)
   */
  public GetObjectResponse getObject(GetObjectRequest request) {
    return call(VssMethod.GET_OBJECT, request);
  }

  /** getObject without blocking; the future fails with the exceptions of {@link #getObject}. */
  public CompletableFuture<GetObjectResponse> getObjectAsync(GetObjectRequest request) {
    return callAsync(VssMethod.GET_OBJECT, request);
  }

  /**
   * putObjects: an all-or-nothing transaction of conditional writes and deletes.
   *
   * @throws ConflictException if a version did not match; nothing was written
   * @throws VssClientException for any other failure (see the class comment)
   */
  public PutObjectResponse putObjects(PutObjectRequest request) {
    return call(VssMethod.PUT_OBJECTS, request);
  }

  /** putObjects without blocking; the future fails with the exceptions of {@link #putObjects}. */
  public CompletableFuture<PutObjectResponse> putObjectsAsync(PutObjectRequest request) {
    return callAsync(VssMethod.PUT_OBJECTS, request);
  }

  /**
   * deleteObject: deletes a key if its version matches (or unconditionally for version -1);
   * succeeds without deleting anything when the key is missing or the version differs.
   *
   * @throws VssClientException on failure (see the class comment)
   */
  public DeleteObjectResponse deleteObject(DeleteObjectRequest request) {
    return call(VssMethod.DELETE_OBJECT, request);
  }

  /**
   * deleteObject without blocking; the future fails with the exceptions of {@link #deleteObject}.
   */
  public CompletableFuture<DeleteObjectResponse> deleteObjectAsync(DeleteObjectRequest request) {
    return callAsync(VssMethod.DELETE_OBJECT, request);
  }

  /**
   * listKeyVersions: one page of keys and versions, newest creation first.
   *
   * @throws VssClientException on failure (see the class comment)
   */
  public ListKeyVersionsResponse listKeyVersions(ListKeyVersionsRequest request) {
    return call(VssMethod.LIST_KEY_VERSIONS, request);
  }

  /**
   * listKeyVersions without blocking; the future fails with the exceptions of {@link
   * #listKeyVersions}.
   */
  public CompletableFuture<ListKeyVersionsResponse> listKeyVersionsAsync(
      ListKeyVersionsRequest request) {
    return callAsync(VssMethod.LIST_KEY_VERSIONS, request);
  }

  private <R extends Message> R call(VssMethod<?, R> method, Message request) {
    return call(method.methodName(), request, method.responseParser());
  }

  private <R extends Message> CompletableFuture<R> callAsync(
      VssMethod<?, R> method, Message request) {
    return callAsync(method.methodName(), request, method.responseParser());
  }

  private <T extends Message> T call(String method, Message request, Parser<T> parser) {
    byte[] body = Objects.requireNonNull(request, "request").toByteArray();
    long start = System.nanoTime();
    Duration waited = Duration.ZERO;
    List<VssClientException> failures = new ArrayList<>();
    for (int attempt = 1; ; attempt++) {
      HttpRequest httpRequest;
      try {
        httpRequest = httpRequest(method, body);
      } catch (VssClientException e) {
        throw withHistory(e, failures);
      }
      VssClientException failure;
      @Nullable Duration retryAfter = null;
      try {
        HttpResponse<byte[]> response =
            http.send(httpRequest, HttpResponse.BodyHandlers.ofByteArray());
        retryAfter = ResponseDecoder.retryAfter(response.statusCode(), response.headers());
        return decode(response, parser);
      } catch (VssServerException | ProtocolVersionMismatchException e) {
        failure = e;
      } catch (IOException e) {
        failure = transportFailure(method, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw withHistory(interrupted(method, e), failures);
      }
      Optional<Duration> delay = nextDelay(failure, attempt, start, waited, retryAfter);
      if (delay.isEmpty()) {
        throw withHistory(failure, failures);
      }
      failures.add(failure);
      waited = waited.plus(delay.get());
      try {
        TimeUnit.NANOSECONDS.sleep(delay.get().toNanos());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw withHistory(interrupted(method, e), failures);
      }
    }
  }

  private <T extends Message> CompletableFuture<T> callAsync(
      String method, Message request, Parser<T> parser) {
    byte[] body = Objects.requireNonNull(request, "request").toByteArray();
    CompletableFuture<T> result = new CompletableFuture<>();
    attemptAsync(
        method, body, parser, 1, System.nanoTime(), Duration.ZERO, new ArrayList<>(), result);
    return result;
  }

  private <T extends Message> void attemptAsync(
      String method,
      byte[] body,
      Parser<T> parser,
      int attempt,
      long start,
      Duration waited,
      List<VssClientException> failures,
      CompletableFuture<T> result) {
    if (result.isDone()) {
      return; // cancelled by the caller: no further attempt
    }
    HttpRequest httpRequest;
    try {
      httpRequest = httpRequest(method, body);
    } catch (VssClientException e) {
      result.completeExceptionally(withHistory(e, failures));
      return;
    }
    CompletableFuture<HttpResponse<byte[]>> exchange;
    try {
      exchange = http.sendAsync(httpRequest, HttpResponse.BodyHandlers.ofByteArray());
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      return;
    }
    exchange.whenComplete(
        (response, error) -> {
          VssClientException failure;
          @Nullable Duration retryAfter = null;
          if (error == null) {
            try {
              retryAfter = ResponseDecoder.retryAfter(response.statusCode(), response.headers());
              result.complete(decode(response, parser));
              return;
            } catch (VssServerException | ProtocolVersionMismatchException e) {
              failure = e;
            } catch (RuntimeException e) {
              result.completeExceptionally(e);
              return;
            }
          } else {
            Throwable cause = unwrap(error);
            failure =
                cause instanceof IOException
                    ? transportFailure(method, (IOException) cause)
                    : new VssTransportException(method + " failed: " + cause, cause, false);
          }
          Optional<Duration> delay = nextDelay(failure, attempt, start, waited, retryAfter);
          if (delay.isEmpty()) {
            result.completeExceptionally(withHistory(failure, failures));
            return;
          }
          failures.add(failure);
          Duration waitedAfter = waited.plus(delay.get());
          CompletableFuture.delayedExecutor(delay.get().toNanos(), TimeUnit.NANOSECONDS)
              .execute(
                  () ->
                      attemptAsync(
                          method, body, parser, attempt + 1, start, waitedAfter, failures, result));
        });
  }

  /**
   * The answer's message, after the protocol version check (which comes first, whatever the status,
   * as in the deployed client).
   */
  private <T extends Message> T decode(HttpResponse<byte[]> response, Parser<T> parser) {
    ResponseDecoder.checkProtocolVersion(
        response.statusCode(), response.headers(), acceptMissingProtocolVersion);
    return ResponseDecoder.decode(response.statusCode(), response.body(), parser);
  }

  /**
   * The wait before the next attempt after {@code failure}, or empty to give up; at least the
   * server's {@code retryAfter} (null if it gave none), as far as the policy's cap allows.
   */
  private Optional<Duration> nextDelay(
      VssClientException failure,
      int attempt,
      long start,
      Duration waited,
      @Nullable Duration retryAfter) {
    if (!failure.isRetryable()) {
      return Optional.empty();
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    return retryPolicy.delayBeforeRetry(
        attempt, elapsed, waited, ThreadLocalRandom.current().nextDouble(), retryAfter);
  }

  private HttpRequest httpRequest(String method, byte[] body) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(baseUri + "/" + method))
            .timeout(requestTimeout)
            .header("Content-Type", "application/octet-stream")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    Map<String, String> extra;
    try {
      extra = headers.headers();
    } catch (RuntimeException e) {
      throw new HeaderProviderException(
          "the header provider failed, nothing was sent: " + e.getMessage(), e);
    }
    if (extra == null) {
      throw new HeaderProviderException("the header provider returned null", null);
    }
    for (Map.Entry<String, String> header : extra.entrySet()) {
      try {
        builder.setHeader(header.getKey(), header.getValue());
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new HeaderProviderException(
            "the header provider returned a header the HTTP "
                + "client refuses: '"
                + header.getKey()
                + "': "
                + e.getMessage(),
            e);
      }
    }
    return builder.build();
  }

  private static VssTransportException transportFailure(String method, IOException e) {
    String what = e instanceof HttpTimeoutException ? "timed out" : "failed in transport";
    return new VssTransportException(method + " " + what + ": " + e, e, true);
  }

  private static VssTransportException interrupted(String method, InterruptedException e) {
    return new VssTransportException(method + " was interrupted", e, false);
  }

  private static VssClientException withHistory(
      VssClientException last, List<VssClientException> earlier) {
    for (VssClientException failure : earlier) {
      last.addSuppressed(failure);
    }
    return last;
  }

  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** Configures a {@link VssClient}. */
  public static final class Builder {
    private final URI baseUri;
    private HeaderProvider headers = HeaderProvider.none();
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Duration connectTimeout = DEFAULT_REQUEST_TIMEOUT;
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private boolean acceptMissingProtocolVersion;
    private @Nullable HttpClient http;

    private Builder(URI baseUri) {
      String scheme = baseUri.getScheme();
      if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
        throw new IllegalArgumentException("base URL must be http or https: " + baseUri);
      }
      if (baseUri.getHost() == null) {
        throw new IllegalArgumentException("base URL has no host: " + baseUri);
      }
      if (baseUri.getRawQuery() != null || baseUri.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "base URL must not have a query or fragment: " + baseUri);
      }
      // Without trailing slashes, so that appending "/" + method never yields "//".
      String text = baseUri.toString();
      while (text.endsWith("/")) {
        text = text.substring(0, text.length() - 1);
      }
      this.baseUri = URI.create(text);
    }

    /** Where the request headers (credentials) come from; default: no headers. */
    public Builder headerProvider(HeaderProvider headerProvider) {
      this.headers = Objects.requireNonNull(headerProvider, "headerProvider");
      return this;
    }

    /** How long an attempt waits for the server's answer; default 10 s. */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = positive(requestTimeout, "requestTimeout");
      return this;
    }

    /**
     * How long establishing a connection may take; default 10 s. Ignored when an {@link
     * #httpClient(HttpClient)} is given.
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive(connectTimeout, "connectTimeout");
      return this;
    }

    /** When to repeat failed calls; default {@link RetryPolicy#defaults()}. */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
      return this;
    }

    /**
     * Whether an answer without the {@value #PROTOCOL_VERSION_HEADER} header is accepted; default
     * false, as in the deployed client. Turn it on only for a server older than the reference
     * server's 0.1 releases, which did not send the header. An answer with a different version is
     * refused either way.
     */
    public Builder acceptMissingProtocolVersion(boolean accept) {
      this.acceptMissingProtocolVersion = accept;
      return this;
    }

    /**
     * The HTTP client to use (for a proxy, a custom TLS context or executor); default: a client
     * speaking HTTP/1.1 with the {@link #connectTimeout(Duration) connect timeout}.
     */
    public Builder httpClient(HttpClient httpClient) {
      this.http = Objects.requireNonNull(httpClient, "httpClient");
      return this;
    }

    /** The client. */
    public VssClient build() {
      return new VssClient(this);
    }

    private static Duration positive(Duration duration, String name) {
      Objects.requireNonNull(duration, name);
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + duration);
      }
      return duration;
    }
  }
}
