package dev.vss.client;

import static dev.vss.client.ScriptedServer.dropConnection;
import static dev.vss.client.ScriptedServer.error;
import static dev.vss.client.ScriptedServer.noAnswer;
import static dev.vss.client.ScriptedServer.ok;
import static dev.vss.client.ScriptedServer.respond;
import static dev.vss.client.ScriptedServer.retryAfter;
import static dev.vss.client.ScriptedServer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import dev.vss.client.auth.FixedHeaders;
import dev.vss.client.auth.HeaderProvider;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.DeleteObjectResponse;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.GetObjectResponse;
import dev.vss.proto.KeyValue;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.ListKeyVersionsResponse;
import dev.vss.proto.PutObjectRequest;
import dev.vss.proto.PutObjectResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP layer of {@link VssClient} against a scripted server: no VSS logic involved. */
class VssClientTest {
  private static final GetObjectRequest GET =
      GetObjectRequest.newBuilder().setStoreId("wallet").setKey("k").build();
  private static final GetObjectResponse FOUND =
      GetObjectResponse.newBuilder()
          .setValue(
              KeyValue.newBuilder()
                  .setKey("k")
                  .setVersion(3)
                  .setValue(ByteString.copyFromUtf8("v")))
          .build();
  private static final PutObjectRequest PUT =
      PutObjectRequest.newBuilder()
          .setStoreId("wallet")
          .addTransactionItems(
              KeyValue.newBuilder()
                  .setKey("k")
                  .setVersion(0)
                  .setValue(ByteString.copyFromUtf8("v")))
          .build();

  /** Fast, deterministic retries: no jitter, 1 ms waits, no budget pressure. */
  private static final RetryPolicy QUICK_RETRIES =
      RetryPolicy.builder()
          .maxAttempts(4)
          .initialBackoff(Duration.ofMillis(1))
          .maxBackoff(Duration.ofMillis(2))
          .jitter(0)
          .totalBudget(Duration.ofMinutes(1))
          .build();

  private ScriptedServer server;

  @BeforeEach
  void startServer() throws IOException {
    server = new ScriptedServer();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private VssClient client(RetryPolicy retries) {
    return VssClient.builder(server.baseUrl()).retryPolicy(retries).build();
  }

  @Test
  void postsProtobufToTheMethodPathWithTheProvidersHeaders() {
    server.then(
        ok(FOUND),
        ok(PutObjectResponse.getDefaultInstance()),
        ok(DeleteObjectResponse.getDefaultInstance()),
        ok(ListKeyVersionsResponse.newBuilder().setNextPageToken("").setGlobalVersion(7).build()));
    VssClient client =
        VssClient.builder(server.baseUrl() + "/")
            .headerProvider(FixedHeaders.authorization("secret"))
            .build();
    DeleteObjectRequest delete =
        DeleteObjectRequest.newBuilder()
            .setStoreId("wallet")
            .setKeyValue(KeyValue.newBuilder().setKey("k").setVersion(-1))
            .build();
    ListKeyVersionsRequest list = ListKeyVersionsRequest.newBuilder().setStoreId("wallet").build();

    assertThat(client.getObject(GET)).isEqualTo(FOUND);
    assertThat(client.putObjects(PUT)).isEqualTo(PutObjectResponse.getDefaultInstance());
    assertThat(client.deleteObject(delete)).isEqualTo(DeleteObjectResponse.getDefaultInstance());
    assertThat(client.listKeyVersions(list).getGlobalVersion()).isEqualTo(7);

    List<ScriptedServer.Recorded> requests = server.requests();
    assertThat(requests)
        .extracting(ScriptedServer.Recorded::path)
        .containsExactly(
            "/vss/getObject", "/vss/putObjects", "/vss/deleteObject", "/vss/listKeyVersions");
    assertThat(requests)
        .allSatisfy(
            request -> {
              assertThat(request.method()).isEqualTo("POST");
              assertThat(request.headers())
                  .containsEntry("Content-Type", "application/octet-stream")
                  .containsEntry("Authorization", "secret");
            });
    assertThat(requests.get(0).body()).isEqualTo(GET.toByteArray());
    assertThat(requests.get(1).body()).isEqualTo(PUT.toByteArray());
    assertThat(requests.get(2).body()).isEqualTo(delete.toByteArray());
    assertThat(requests.get(3).body()).isEqualTo(list.toByteArray());
  }

  @Test
  void asyncCallsSendTheSameRequests() throws Exception {
    server.then(
        ok(FOUND),
        ok(PutObjectResponse.getDefaultInstance()),
        ok(DeleteObjectResponse.getDefaultInstance()),
        ok(ListKeyVersionsResponse.getDefaultInstance()));
    VssClient client = client(QUICK_RETRIES);

    assertThat(client.getObjectAsync(GET).get()).isEqualTo(FOUND);
    assertThat(client.putObjectsAsync(PUT).get()).isEqualTo(PutObjectResponse.getDefaultInstance());
    assertThat(client.deleteObjectAsync(DeleteObjectRequest.getDefaultInstance()).get())
        .isEqualTo(DeleteObjectResponse.getDefaultInstance());
    assertThat(client.listKeyVersionsAsync(ListKeyVersionsRequest.getDefaultInstance()).get())
        .isEqualTo(ListKeyVersionsResponse.getDefaultInstance());
    assertThat(server.requests())
        .extracting(ScriptedServer.Recorded::path)
        .containsExactly(
            "/vss/getObject", "/vss/putObjects", "/vss/deleteObject", "/vss/listKeyVersions");
  }

  static List<Arguments> errorAnswers() {
    return List.of(
        Arguments.of(409, ErrorCode.CONFLICT_EXCEPTION, ConflictException.class),
        Arguments.of(400, ErrorCode.INVALID_REQUEST_EXCEPTION, InvalidRequestException.class),
        Arguments.of(404, ErrorCode.NO_SUCH_KEY_EXCEPTION, NoSuchKeyException.class),
        Arguments.of(401, ErrorCode.AUTH_EXCEPTION, AuthException.class),
        Arguments.of(500, ErrorCode.INTERNAL_SERVER_EXCEPTION, InternalServerException.class));
  }

  @ParameterizedTest
  @MethodSource("errorAnswers")
  void eachErrorCodeBecomesItsTypedExceptionWithTheServersMessage(
      int status, ErrorCode code, Class<? extends VssServerException> type) {
    server.otherwise(error(status, code, "the server's words"));

    Throwable thrown = catchThrowable(() -> client(RetryPolicy.noRetries()).getObject(GET));

    assertThat(thrown).isInstanceOf(type);
    VssServerException e = (VssServerException) thrown;
    assertThat(e.errorCode()).isEqualTo(code);
    assertThat(e.httpStatus()).isEqualTo(status);
    assertThat(e.serverMessage()).isEqualTo("the server's words");
    assertThat(e.getMessage()).contains(code.name(), "HTTP " + status, "the server's words");
  }

  @ParameterizedTest
  @MethodSource("errorAnswers")
  void asyncCallsFailWithTheSameTypedExceptions(
      int status, ErrorCode code, Class<? extends VssServerException> type) {
    server.otherwise(error(status, code, "async words"));

    CompletableFuture<GetObjectResponse> future =
        client(RetryPolicy.noRetries()).getObjectAsync(GET);

    assertThatThrownBy(future::get)
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(type)
        .hasMessageContaining("async words");
  }

  @Test
  void errorAnswersWithoutAnErrorResponseAreClassifiedByStatus() {
    VssClient client = client(RetryPolicy.noRetries());

    server.then(text(400, "Invalid request"));
    assertThatThrownBy(() -> client.getObject(GET))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("Invalid request");
    server.then(text(413, "too big"));
    assertThatThrownBy(() -> client.getObject(GET)).isInstanceOf(InvalidRequestException.class);
    server.then(text(409, "conflict"));
    assertThatThrownBy(() -> client.getObject(GET)).isInstanceOf(ConflictException.class);
    server.then(text(403, "forbidden"));
    assertThatThrownBy(() -> client.getObject(GET)).isInstanceOf(AuthException.class);
    server.then(text(502, "<html>Bad Gateway</html>"));
    assertThatThrownBy(() -> client.getObject(GET))
        .isInstanceOf(InternalServerException.class)
        .hasMessageContaining("Bad Gateway");
    server.then(text(404, "Not Found"));
    assertThatThrownBy(() -> client.getObject(GET))
        .isInstanceOf(UnexpectedResponseException.class)
        .hasMessageContaining("wrong base URL");
    server.then(respond(200, new byte[] {(byte) 0xff, 0x01}));
    assertThatThrownBy(() -> client.getObject(GET))
        .isInstanceOf(UnexpectedResponseException.class)
        .hasMessageContaining("not a VSS response");
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 429, 503})
  void retriesInternalErrorsUntilSuccess(int status) {
    server.then(
        error(status, ErrorCode.INTERNAL_SERVER_EXCEPTION, "busy"),
        text(status, "still busy"),
        ok(FOUND));

    assertThat(client(QUICK_RETRIES).getObject(GET)).isEqualTo(FOUND);
    assertThat(server.requests()).hasSize(3);
  }

  /** The server's Retry-After lengthens the wait (a lower bound: sleeps never end early). */
  @ParameterizedTest
  @ValueSource(ints = {429, 503})
  void honoursRetryAfterUpToTheMaximumBackoff(int status) throws Exception {
    RetryPolicy patient = QUICK_RETRIES.toBuilder().maxBackoff(Duration.ofSeconds(5)).build();
    server.then(retryAfter(status, "1"), ok(FOUND));
    long start = System.nanoTime();
    assertThat(client(patient).getObject(GET)).isEqualTo(FOUND);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));

    server.then(retryAfter(status, "1"), ok(FOUND));
    start = System.nanoTime();
    assertThat(client(patient).getObjectAsync(GET).get(30, TimeUnit.SECONDS)).isEqualTo(FOUND);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(server.requests()).hasSize(4);
  }

  /** A wait longer than the policy allows is cut to its cap; beyond the budget, no retry. */
  @Test
  void retryAfterIsBoundedByThePolicy() {
    // An hour asked, 2 ms allowed: the retry comes (and the test ends) at once.
    server.then(retryAfter(429, "3600"), ok(FOUND));
    assertThat(client(QUICK_RETRIES).getObject(GET)).isEqualTo(FOUND);
    assertThat(server.requests()).hasSize(2);

    // The capped wait still has to fit the budget: 5 s asked and allowed, 1 s of budget.
    server.then(retryAfter(503, "5"), ok(FOUND));
    RetryPolicy shortBudget =
        QUICK_RETRIES.toBuilder()
            .maxBackoff(Duration.ofSeconds(10))
            .totalBudget(Duration.ofSeconds(1))
            .build();
    assertThatThrownBy(() -> client(shortBudget).getObject(GET))
        .isInstanceOf(InternalServerException.class);
    assertThat(server.requests()).hasSize(3);
  }

  @Test
  void asyncCallsRetryToo() throws Exception {
    server.then(
        error(500, ErrorCode.INTERNAL_SERVER_EXCEPTION, "busy"), dropConnection(), ok(FOUND));

    assertThat(client(QUICK_RETRIES).getObjectAsync(GET).get(30, TimeUnit.SECONDS))
        .isEqualTo(FOUND);
    assertThat(server.requests()).hasSize(3);
  }

  @Test
  void neverRetriesAConflict() {
    server.then(error(409, ErrorCode.CONFLICT_EXCEPTION, "version mismatch"), ok(FOUND));

    assertThatThrownBy(() -> client(QUICK_RETRIES).putObjects(PUT))
        .isInstanceOf(ConflictException.class);
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void neverRetriesAConflictAsync() {
    server.then(error(409, ErrorCode.CONFLICT_EXCEPTION, "version mismatch"), ok(FOUND));

    assertThatThrownBy(() -> client(QUICK_RETRIES).putObjectsAsync(PUT).get())
        .cause()
        .isInstanceOf(ConflictException.class);
    assertThat(server.requests()).hasSize(1);
  }

  @ParameterizedTest
  @MethodSource("errorAnswers")
  void retriesOnlyInternalErrors(int status, ErrorCode code, Class<?> type) {
    server.then(error(status, code, "no"), ok(FOUND));

    Throwable thrown = catchThrowable(() -> client(QUICK_RETRIES).getObject(GET));

    if (code == ErrorCode.INTERNAL_SERVER_EXCEPTION) {
      assertThat(thrown).isNull();
      assertThat(server.requests()).hasSize(2);
    } else {
      assertThat(thrown).isInstanceOf(type);
      assertThat(server.requests()).hasSize(1);
    }
  }

  @Test
  void doesNotRetryOtherServerErrorStatuses() {
    server.then(text(502, "bad gateway"), ok(FOUND));

    assertThatThrownBy(() -> client(QUICK_RETRIES).getObject(GET))
        .isInstanceOf(InternalServerException.class)
        .satisfies(e -> assertThat(((VssClientException) e).isRetryable()).isFalse());
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void givesUpAfterMaxAttemptsWithTheEarlierFailuresAttached() {
    server.otherwise(error(500, ErrorCode.INTERNAL_SERVER_EXCEPTION, "down"));

    Throwable thrown = catchThrowable(() -> client(QUICK_RETRIES).getObject(GET));

    assertThat(thrown).isInstanceOf(InternalServerException.class);
    assertThat(thrown.getSuppressed())
        .hasSize(QUICK_RETRIES.maxAttempts() - 1)
        .allSatisfy(e -> assertThat(e).isInstanceOf(InternalServerException.class));
    assertThat(server.requests()).hasSize(QUICK_RETRIES.maxAttempts());
  }

  @Test
  void asyncGivesUpAfterMaxAttempts() {
    server.otherwise(dropConnection());

    assertThatThrownBy(() -> client(QUICK_RETRIES).getObjectAsync(GET).get(30, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(VssTransportException.class);
    assertThat(server.requests()).hasSize(QUICK_RETRIES.maxAttempts());
  }

  @Test
  void anExhaustedTimeBudgetStopsRetrying() {
    server.otherwise(error(503, ErrorCode.INTERNAL_SERVER_EXCEPTION, "overloaded"));
    RetryPolicy noBudget = QUICK_RETRIES.toBuilder().totalBudget(Duration.ZERO).build();

    assertThatThrownBy(() -> client(noBudget).getObject(GET))
        .isInstanceOf(InternalServerException.class);
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void theBudgetCountsTheTimeSpentInAttempts() {
    // The first attempt alone takes the 300 ms timeout, beyond the 100 ms budget: no retry.
    server.then(noAnswer(), ok(FOUND));
    VssClient client =
        VssClient.builder(server.baseUrl())
            .requestTimeout(Duration.ofMillis(300))
            .retryPolicy(QUICK_RETRIES.toBuilder().totalBudget(Duration.ofMillis(100)).build())
            .build();

    assertThatThrownBy(() -> client.getObject(GET)).isInstanceOf(VssTransportException.class);
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void aDroppedConnectionIsATransportFailureAndIsRetried() {
    server.then(dropConnection(), ok(FOUND));
    assertThat(client(QUICK_RETRIES).getObject(GET)).isEqualTo(FOUND);
    assertThat(server.requests()).hasSize(2);

    server.then(dropConnection());
    assertThatThrownBy(() -> client(RetryPolicy.noRetries()).getObject(GET))
        .isInstanceOf(VssTransportException.class)
        .hasCauseInstanceOf(IOException.class)
        .satisfies(e -> assertThat(((VssClientException) e).isRetryable()).isTrue());
  }

  @Test
  void aRefusedConnectionIsATransportFailure() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    VssClient client =
        VssClient.builder("http://127.0.0.1:" + closedPort + "/vss")
            .retryPolicy(RetryPolicy.noRetries())
            .build();

    assertThatThrownBy(() -> client.getObject(GET)).isInstanceOf(VssTransportException.class);
    assertThatThrownBy(() -> client.getObjectAsync(GET).get())
        .cause()
        .isInstanceOf(VssTransportException.class);
  }

  @Test
  void anAnswerSlowerThanTheTimeoutIsATransportFailureAndIsRetried() {
    server.then(noAnswer(), ok(FOUND));
    VssClient client =
        VssClient.builder(server.baseUrl())
            .requestTimeout(Duration.ofMillis(300))
            .retryPolicy(QUICK_RETRIES)
            .build();
    assertThat(client.requestTimeout()).isEqualTo(Duration.ofMillis(300));

    assertThat(client.getObject(GET)).isEqualTo(FOUND);
    assertThat(server.requests()).hasSize(2);

    server.then(noAnswer());
    VssClient once =
        VssClient.builder(server.baseUrl())
            .requestTimeout(Duration.ofMillis(300))
            .retryPolicy(RetryPolicy.noRetries())
            .build();
    assertThatThrownBy(() -> once.getObject(GET))
        .isInstanceOf(VssTransportException.class)
        .hasCauseInstanceOf(HttpTimeoutException.class)
        .hasMessageContaining("timed out");
  }

  @Test
  void theDefaultTimeoutIsTenSeconds() {
    assertThat(VssClient.builder("http://localhost/vss").build().requestTimeout())
        .isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void asksTheHeaderProviderAfreshForEveryAttempt() {
    server.then(error(500, ErrorCode.INTERNAL_SERVER_EXCEPTION, "busy"), ok(FOUND));
    AtomicInteger calls = new AtomicInteger();
    HeaderProvider counting = () -> Map.of("Authorization", "token-" + calls.incrementAndGet());

    VssClient.builder(server.baseUrl())
        .headerProvider(counting)
        .retryPolicy(QUICK_RETRIES)
        .build()
        .getObject(GET);

    assertThat(server.requests())
        .extracting(r -> r.headers().get("Authorization"))
        .containsExactly("token-1", "token-2");
  }

  @Test
  void aFailingHeaderProviderSendsNothing() {
    VssClient client =
        VssClient.builder(server.baseUrl())
            .headerProvider(
                () -> {
                  throw new IllegalStateException("token service down");
                })
            .build();

    assertThatThrownBy(() -> client.getObject(GET))
        .isInstanceOf(HeaderProviderException.class)
        .hasMessageContaining("token service down");
    assertThatThrownBy(() -> client.getObjectAsync(GET).get())
        .cause()
        .isInstanceOf(HeaderProviderException.class);
    VssClient badHeader =
        VssClient.builder(server.baseUrl())
            .headerProvider(() -> Map.of("Content-Length", "5"))
            .build();
    assertThatThrownBy(() -> badHeader.getObject(GET))
        .isInstanceOf(HeaderProviderException.class)
        .hasMessageContaining("Content-Length");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void anInterruptedCallStopsRetryingAndKeepsTheInterruptFlag() throws Exception {
    server.otherwise(error(500, ErrorCode.INTERNAL_SERVER_EXCEPTION, "busy"));
    VssClient client =
        client(
            QUICK_RETRIES.toBuilder()
                .initialBackoff(Duration.ofMinutes(5))
                .maxBackoff(Duration.ofMinutes(5))
                .totalBudget(Duration.ofHours(1))
                .build());
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Boolean> flag = new AtomicReference<>();
    Thread caller =
        new Thread(
            () -> {
              try {
                client.getObject(GET);
              } catch (Throwable t) {
                thrown.set(t);
              }
              flag.set(Thread.currentThread().isInterrupted());
            });

    caller.start();
    // Interrupt while it waits out the backoff after the first failed attempt.
    while (server.requests().isEmpty() || caller.getState() != Thread.State.TIMED_WAITING) {
      Thread.sleep(5);
    }
    caller.interrupt();
    caller.join(TimeUnit.SECONDS.toMillis(30));

    assertThat(thrown.get())
        .isInstanceOf(VssTransportException.class)
        .hasMessageContaining("interrupted")
        .satisfies(e -> assertThat(((VssClientException) e).isRetryable()).isFalse());
    assertThat(thrown.get().getSuppressed()).hasOnlyElementsOfType(InternalServerException.class);
    assertThat(flag.get()).isTrue();
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void refusesBaseUrlsThatCannotWork() {
    assertThatThrownBy(() -> VssClient.builder("ftp://host/vss"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> VssClient.builder("http://host/vss?x=1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> VssClient.builder("/vss"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(VssClient.builder("http://host/").build().baseUri().toString())
        .isEqualTo("http://host");
  }
}
