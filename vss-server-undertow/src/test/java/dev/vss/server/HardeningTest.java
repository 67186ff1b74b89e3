package dev.vss.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vss.core.Keyspace;
import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.auth.Authorizer;
import dev.vss.core.auth.NoAuthorizer;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import dev.vss.protocol.ProtocolVersion;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hardening items of the HTTP shell, each reproduced over real sockets: stalled bodies (1),
 * errors thrown while serving (2), framing errors (9).
 */
class HardeningTest {
  private static final int LIMIT = 1024 * 1024;
  private static final long BUDGET = 4L * LIMIT;
  private static final String USER = NoAuthorizer.DEFAULT_USER_TOKEN;

  private final InMemoryStorage memory = new InMemoryStorage();
  private final AtomicReference<Error> storageError = new AtomicReference<>();
  private final AtomicReference<Error> authError = new AtomicReference<>();
  private final List<Socket> sockets = new ArrayList<>();
  private VssServer server;
  private int port;

  private void start(Duration bodyReadTimeout) {
    ForwardingStorage storage =
        new ForwardingStorage(memory) {
          @Override
          void beforeCall(String call) {
            Error error = storageError.get();
            if (error != null) {
              throw error;
            }
          }
        };
    Authorizer authorizer =
        headers -> {
          Error error = authError.get();
          if (error != null) {
            throw error;
          }
          return USER;
        };
    server =
        VssServer.builder(new VssService(storage, Limits.DEFAULTS))
            .authorizer(authorizer)
            .bind("127.0.0.1", 0)
            .maxBodyBytes(LIMIT)
            .maxInFlightBodyBytes(BUDGET)
            .bodyReadTimeout(bodyReadTimeout)
            .start();
    port = server.address().getPort();
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket socket : sockets) {
      socket.close();
    }
    if (server != null) {
      server.stop();
    }
    memory.close();
  }

  private static byte[] put(String key, int valueBytes) {
    return PutObjectRequest.newBuilder()
        .setStoreId("s")
        .addTransactionItems(
            KeyValue.newBuilder()
                .setKey(key)
                .setVersion(0)
                .setValue(ByteString.copyFrom(new byte[valueBytes])))
        .build()
        .toByteArray();
  }

  /** The length of a request's head, up to and including its blank line. */
  private static int headLength(byte[] request) {
    String text = new String(request, StandardCharsets.ISO_8859_1);
    return text.indexOf("\r\n\r\n") + 4;
  }

  private static byte[] post(byte[] body) {
    byte[] head =
        ("POST /vss/putObjects HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] request = new byte[head.length + body.length];
    System.arraycopy(head, 0, request, 0, head.length);
    System.arraycopy(body, 0, request, head.length, body.length);
    return request;
  }

  /** Opens a connection that declares a {@code declared}-byte body, sends {@code sent}, stalls. */
  private Socket stall(int declared, int sent) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    sockets.add(socket);
    socket.setSoTimeout(30_000);
    OutputStream out = socket.getOutputStream();
    out.write(
        ("POST /vss/putObjects HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
                + declared
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(new byte[sent]);
    out.flush();
    return socket;
  }

  private long metric(String name) {
    String text = new HttpCalls(server.rootUri()).call("GET", "/metrics").text();
    Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\d+)").matcher(text);
    assertThat(matcher.find()).as(name).isTrue();
    return Long.parseLong(matcher.group(1));
  }

  /** Waits (bounded) for {@code name} to reach {@code value}; no timing is asserted. */
  private void awaitMetric(String name, long value) throws InterruptedException {
    for (int i = 0; i < 3000 && metric(name) != value; i++) {
      Thread.sleep(10);
    }
    assertThat(metric(name)).as(name).isEqualTo(value);
  }

  /** Item 1: declared-but-unsent bodies hold nothing, and time out. */
  @Test
  void stalledBodiesHoldOnlyWhatArrivedAndAreTimedOut() throws Exception {
    start(Duration.ofSeconds(3));
    // 40 connections declare the largest body (40 MiB declared, ten times the budget) and stall.
    List<Socket> stalled = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      stalled.add(stall(LIMIT, 100));
    }
    // Memory held is what arrived (one 16 KiB first buffer each at most), not what was declared.
    awaitMetric("vss_http_requests_in_flight", 40);
    assertThat(metric("vss_http_request_body_bytes_in_flight"))
        .isLessThanOrEqualTo(40L * BodyReader.INITIAL_CAPACITY);

    // A legitimate put of a large value still succeeds while they stall.
    RawHttp.Response ok = RawHttp.send(port, post(put("legit", LIMIT / 2)));
    assertThat(ok.status()).isEqualTo(200);
    assertThat(memory.get(new Keyspace(USER, "s"), "legit")).isPresent();

    // Each stalled body is answered 408 with an ErrorResponse when the read timeout passes, and
    // everything it held is released.
    for (Socket socket : stalled) {
      RawHttp.Response timedOut = RawHttp.read(socket.getInputStream());
      assertThat(timedOut.status()).isEqualTo(408);
      assertThat(timedOut.values(ProtocolVersion.HEADER)).containsExactly("0");
      assertThat(timedOut.error().getErrorCode()).isEqualTo(ErrorCode.INVALID_REQUEST_EXCEPTION);
      assertThat(socket.getInputStream().read()).as("connection closed").isEqualTo(-1);
    }
    awaitMetric("vss_http_requests_in_flight", 0);
    awaitMetric("vss_http_request_body_bytes_in_flight", 0);
  }

  /** Item 1: bodies that did arrive count against the budget; over it, 503 before reading. */
  @Test
  void overTheBodyBudgetIs503WithRetryAfterUntilTheStalledBodiesTimeOut() throws Exception {
    // Long enough that the stalled bodies are still held when the refused put arrives.
    start(Duration.ofSeconds(15));
    // Four bodies three-quarters sent: each holds a buffer of the full 1 MiB, the whole budget.
    List<Socket> stalled = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      stalled.add(stall(LIMIT, LIMIT * 3 / 4));
    }
    awaitMetric("vss_http_request_body_bytes_in_flight", BUDGET);

    // Only the head is sent: the server answers before reading any body, and closing a connection
    // with unread bytes would reset it under a client still writing (a broken pipe, not a 503).
    byte[] refused = post(put("refused", LIMIT / 2));
    RawHttp.Response busy = RawHttp.send(port, Arrays.copyOf(refused, headLength(refused)));
    assertThat(busy.status()).isEqualTo(503);
    assertThat(busy.values("Retry-After")).containsExactly(VssHttpHandler.RETRY_AFTER_SECONDS);
    assertThat(busy.values(ProtocolVersion.HEADER)).containsExactly("0");
    assertThat(busy.error().getErrorCode()).isEqualTo(ErrorCode.INTERNAL_SERVER_EXCEPTION);
    assertThat(memory.get(new Keyspace(USER, "s"), "refused")).isEmpty();
    awaitMetric("vss_http_requests_shed_total{reason=\"body_budget\"}", 1);

    for (Socket socket : stalled) {
      assertThat(RawHttp.read(socket.getInputStream()).status()).isEqualTo(408);
    }
    awaitMetric("vss_http_request_body_bytes_in_flight", 0);
    assertThat(RawHttp.send(port, post(put("later", LIMIT / 2))).status()).isEqualTo(200);
    awaitMetric("vss_http_requests_in_flight", 0);
  }

  /** Item 2: an Error thrown while serving still gets a 500 ErrorResponse; nothing leaks. */
  @Test
  void errorsThrownWhileServingAreAnswered() throws Exception {
    start(Duration.ofSeconds(30));
    Error[] errors = {
      new OutOfMemoryError("Java heap space"), new StackOverflowError(), new AssertionError("bug")
    };
    for (Error error : errors) {
      storageError.set(error);
      RawHttp.Response fromStorage = RawHttp.send(port, post(put("a", 10)));
      storageError.set(null);
      authError.set(error);
      RawHttp.Response fromAuthorizer = RawHttp.send(port, post(put("a", 10)));
      authError.set(null);
      for (RawHttp.Response response : List.of(fromStorage, fromAuthorizer)) {
        assertThat(response.status()).as(error.toString()).isEqualTo(500);
        assertThat(response.values(ProtocolVersion.HEADER)).containsExactly("0");
        assertThat(response.error().getErrorCode()).isEqualTo(ErrorCode.INTERNAL_SERVER_EXCEPTION);
        assertThat(response.error().getMessage()).isEqualTo("internal server error");
      }
    }
    awaitMetric("vss_http_requests_in_flight", 0);
    awaitMetric("vss_http_request_body_bytes_in_flight", 0);
    assertThat(memory.get(new Keyspace(USER, "s"), "a")).isEmpty();
    // and the server still works, and stops without waiting on a leaked request
    assertThat(RawHttp.send(port, post(put("a", 10))).status()).isEqualTo(200);
    assertThat(server.stop()).isTrue();
  }

  /**
   * Item 9: Undertow's chunk decoder would close the connection by itself on a malformed chunk size
   * or trailer ({@link ChunkFraming} stops it), so the answer is a 400 with an ErrorResponse and
   * the protocol version, then the connection closes. Nothing is stored, no request leaks (the
   * in-flight gauge and the body budget return to zero), and the server keeps serving. A chunk that
   * never ends is answered by the body timeout.
   */
  @Test
  void malformedChunkedBodiesAreAnsweredAndChangeNothing() throws Exception {
    start(Duration.ofSeconds(2));
    String head =
        "POST /vss/putObjects HTTP/1.1\r\nHost: localhost\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n";
    // "zz" reads as a last chunk, then "hello" fails as a trailer; the huge size overflows; a
    // bad size after a good chunk fails mid-body.
    for (String body :
        new String[] {
          "zz\r\nhello\r\n0\r\n\r\n",
          "fffffffffffffffffffff\r\nhello\r\n0\r\n\r\n",
          "5\r\nhello\r\nfffffffffffffffffffff\r\nhello\r\n0\r\n\r\n"
        }) {
      RawHttp.Response answer = tryRead(head + body);
      assertThat(answer).as(body).isNotNull();
      assertThat(answer.status()).as(body).isEqualTo(400);
      assertThat(answer.values(ProtocolVersion.HEADER)).as(body).containsExactly("0");
      assertThat(answer.values("Connection")).as(body).containsExactly("close");
      assertThat(answer.error().getErrorCode())
          .as(body)
          .isEqualTo(ErrorCode.INVALID_REQUEST_EXCEPTION);
      assertThat(answer.error().getMessage()).as(body).isEqualTo("could not read the request body");
    }
    // Undertow skips junk after a chunk's data up to the next line end, then waits for a size
    // that never comes: the body read timeout answers.
    RawHttp.Response stuck = tryRead(head + "5\r\nhelloXX0\r\n\r\n");
    assertThat(stuck).isNotNull();
    assertThat(stuck.status()).isEqualTo(408);
    assertThat(stuck.values(ProtocolVersion.HEADER)).containsExactly("0");
    assertThat(stuck.error().getErrorCode()).isEqualTo(ErrorCode.INVALID_REQUEST_EXCEPTION);

    awaitMetric("vss_http_requests_in_flight", 0);
    awaitMetric("vss_http_request_body_bytes_in_flight", 0);
    assertThat(memory.globalVersion(new Keyspace(USER, ""))).isZero();
    assertThat(
            new HttpCalls(server.rootUri())
                .postChunked("/vss/putObjects", put("ok", 100), Map.of())
                .status())
        .isEqualTo(200);
  }

  /** The response to {@code request}, or null when the server closed without one. */
  private RawHttp.Response tryRead(String request) {
    try {
      return RawHttp.send(port, request);
    } catch (java.io.UncheckedIOException e) {
      assertThat(e.getCause().getMessage()).contains("connection closed before");
      return null;
    }
  }
}
