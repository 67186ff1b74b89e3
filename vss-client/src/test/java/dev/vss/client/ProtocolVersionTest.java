package dev.vss.client;

import static dev.vss.client.ScriptedServer.error;
import static dev.vss.client.ScriptedServer.ok;
import static dev.vss.client.ScriptedServer.respondWithVersion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.ErrorResponse;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.GetObjectResponse;
import dev.vss.proto.KeyValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The protocol version header check (SPEC section 1): first, on every answer, as the deployed
 * {@code vss-client-ng} 0.6.0 does.
 */
class ProtocolVersionTest {
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

  private VssClient client(RetryPolicy retries, boolean acceptMissing) {
    return VssClient.builder(server.baseUrl())
        .retryPolicy(retries)
        .acceptMissingProtocolVersion(acceptMissing)
        .build();
  }

  private static ScriptedServer.Action withoutHeader(int status, byte[] body) {
    return respondWithVersion(List.of(), status, body);
  }

  private static byte[] errorBody(ErrorCode code) {
    return ErrorResponse.newBuilder().setErrorCode(code).setMessage("m").build().toByteArray();
  }

  @Test
  void theHeaderIsWhatTheDeployedClientChecks() {
    assertThat(VssClient.PROTOCOL_VERSION_HEADER).isEqualTo("vss-protocol-version");
    assertThat(VssClient.PROTOCOL_VERSION).isEqualTo("0");
    assertThat(VssClient.builder("http://h/vss").build().acceptsMissingProtocolVersion()).isFalse();
  }

  @Test
  void aSuccessWithoutTheHeaderIsAMismatch() {
    server.then(withoutHeader(200, FOUND.toByteArray()));

    Throwable thrown = catchThrowable(() -> client(QUICK_RETRIES, false).getObject(GET));

    assertThat(thrown)
        .isInstanceOf(ProtocolVersionMismatchException.class)
        .hasMessageContaining("did not send the vss-protocol-version header");
    ProtocolVersionMismatchException mismatch = (ProtocolVersionMismatchException) thrown;
    assertThat(mismatch.servedVersion()).isEmpty();
    assertThat(mismatch.expectedVersion()).isEqualTo("0");
    assertThat(mismatch.httpStatus()).isEqualTo(200);
    assertThat(mismatch.isRetryable()).isFalse();
  }

  /** The check comes before the status: a retryable status without the header is not retried. */
  @ParameterizedTest
  @ValueSource(ints = {500, 503, 429})
  void isCheckedBeforeTheStatusAndNeverRetried(int status) {
    server.then(withoutHeader(status, errorBody(ErrorCode.INTERNAL_SERVER_EXCEPTION)), ok(FOUND));

    assertThatThrownBy(() -> client(QUICK_RETRIES, false).getObject(GET))
        .isInstanceOf(ProtocolVersionMismatchException.class)
        .satisfies(
            e -> assertThat(((ProtocolVersionMismatchException) e).httpStatus()).isEqualTo(status));
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void errorAnswersWithoutTheHeaderAreMismatchesNotTheirErrorCode() {
    VssClient client = client(QUICK_RETRIES, false);
    server.then(withoutHeader(409, errorBody(ErrorCode.CONFLICT_EXCEPTION)));
    assertThatThrownBy(() -> client.getObject(GET))
        .isInstanceOf(ProtocolVersionMismatchException.class);
    server.then(withoutHeader(404, "Not Found".getBytes(StandardCharsets.UTF_8)));
    assertThatThrownBy(() -> client.getObject(GET))
        .isInstanceOf(ProtocolVersionMismatchException.class);
  }

  @Test
  void aDifferentVersionIsAMismatchNamingIt() {
    server.then(respondWithVersion(List.of("1"), 200, FOUND.toByteArray()), ok(FOUND));

    assertThatThrownBy(() -> client(QUICK_RETRIES, false).getObject(GET))
        .isInstanceOf(ProtocolVersionMismatchException.class)
        .hasMessageContaining("speaks VSS protocol version '1'")
        .satisfies(
            e -> assertThat(((ProtocolVersionMismatchException) e).servedVersion()).hasValue("1"));
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void everyValueOfARepeatedHeaderMustMatch() {
    server.then(respondWithVersion(List.of("0", "1"), 200, FOUND.toByteArray()));

    assertThatThrownBy(() -> client(QUICK_RETRIES, false).getObject(GET))
        .isInstanceOf(ProtocolVersionMismatchException.class)
        .satisfies(
            e ->
                assertThat(((ProtocolVersionMismatchException) e).servedVersion())
                    .hasValue("0, 1"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"00", "0.1", " 1", "", "v0"})
  void onlyTheExactStringZeroMatches(String served) {
    server.then(respondWithVersion(List.of(served), 200, FOUND.toByteArray()));

    assertThatThrownBy(() -> client(QUICK_RETRIES, false).getObject(GET))
        .isInstanceOf(ProtocolVersionMismatchException.class);
  }

  @Test
  void theHeaderNameIsCaseInsensitive() {
    server.then(
        (exchange, closing) -> {
          exchange.getResponseHeaders().add("VSS-Protocol-Version", "0");
          byte[] body = FOUND.toByteArray();
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });

    assertThat(client(QUICK_RETRIES, false).getObject(GET)).isEqualTo(FOUND);
  }

  @Test
  void asyncCallsFailTheSameWayWithoutRetrying() {
    server.then(withoutHeader(500, errorBody(ErrorCode.INTERNAL_SERVER_EXCEPTION)), ok(FOUND));

    assertThatThrownBy(
            () -> client(QUICK_RETRIES, false).getObjectAsync(GET).get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(ProtocolVersionMismatchException.class);
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void theLdkNodePresetNeverRetriesAMismatch() {
    server.then(withoutHeader(503, new byte[0]), ok(FOUND));

    assertThatThrownBy(() -> client(RetryPolicy.ldkNode(), false).getObject(GET))
        .isInstanceOf(ProtocolVersionMismatchException.class);
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void optInAcceptsAMissingHeaderAndThenReadsTheStatusAsUsual() throws Exception {
    VssClient client = client(QUICK_RETRIES, true);
    assertThat(client.acceptsMissingProtocolVersion()).isTrue();

    server.then(withoutHeader(200, FOUND.toByteArray()));
    assertThat(client.getObject(GET)).isEqualTo(FOUND);

    server.then(withoutHeader(409, errorBody(ErrorCode.CONFLICT_EXCEPTION)));
    assertThatThrownBy(() -> client.getObject(GET)).isInstanceOf(ConflictException.class);

    server.then(
        withoutHeader(500, errorBody(ErrorCode.INTERNAL_SERVER_EXCEPTION)),
        withoutHeader(200, FOUND.toByteArray()));
    assertThat(client.getObjectAsync(GET).get(30, TimeUnit.SECONDS)).isEqualTo(FOUND);
    assertThat(server.requests()).hasSize(4);
  }

  @Test
  void optInStillRefusesADifferentVersion() {
    server.then(respondWithVersion(List.of("1"), 200, FOUND.toByteArray()));

    assertThatThrownBy(() -> client(QUICK_RETRIES, true).getObject(GET))
        .isInstanceOf(ProtocolVersionMismatchException.class);
  }

  @Test
  void aServerSendingTheHeaderIsServedAsBefore() {
    server.then(error(500, ErrorCode.INTERNAL_SERVER_EXCEPTION, "busy"), ok(FOUND));

    assertThat(client(QUICK_RETRIES, false).getObject(GET)).isEqualTo(FOUND);
    assertThat(server.requests()).hasSize(2);
  }
}
