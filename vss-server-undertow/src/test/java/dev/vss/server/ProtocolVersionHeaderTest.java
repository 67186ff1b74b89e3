package dev.vss.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vss.core.Limits;
import dev.vss.core.VssException;
import dev.vss.core.VssService;
import dev.vss.core.auth.Authorizer;
import dev.vss.core.auth.NoAuthorizer;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.core.spi.StorageException;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import dev.vss.protocol.ProtocolVersion;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC section 1, protocol version header: every response carries exactly {@code
 * vss-protocol-version: 0}, whatever its status and whoever produced it (our handler, Undertow's
 * parser, its Host check, the draining server), as {@code vss-client-ng} 0.6.0 checks before it
 * looks at anything else. Raw sockets, so the bytes on the wire are what is asserted.
 */
class ProtocolVersionHeaderTest {
  private static final long LIMIT = 4096;

  private final InMemoryStorage memory = new InMemoryStorage();
  private final AtomicReference<RuntimeException> storageFault = new AtomicReference<>();
  private final AtomicReference<RuntimeException> authFault = new AtomicReference<>();
  private final CountDownLatch slowEntered = new CountDownLatch(1);
  private final CountDownLatch slowRelease = new CountDownLatch(1);
  private VssServer server;
  private int port;

  @BeforeEach
  void start() {
    ForwardingStorage storage =
        new ForwardingStorage(memory) {
          @Override
          void beforeCall(String call) {
            RuntimeException fault = storageFault.get();
            if (fault != null) {
              throw fault;
            }
          }

          @Override
          public <R> R write(
              dev.vss.core.Keyspace keyspace,
              java.util.Set<String> keys,
              dev.vss.core.spi.WriteDecision<R> decision) {
            if (keys.contains("slow")) {
              slowEntered.countDown();
              try {
                slowRelease.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            return super.write(keyspace, keys, decision);
          }
        };
    Authorizer authorizer =
        headers -> {
          RuntimeException fault = authFault.get();
          if (fault != null) {
            throw fault;
          }
          return NoAuthorizer.DEFAULT_USER_TOKEN;
        };
    server =
        VssServer.builder(new VssService(storage, Limits.DEFAULTS))
            .authorizer(authorizer)
            .bind("127.0.0.1", 0)
            .maxBodyBytes(LIMIT)
            .start();
    port = server.address().getPort();
  }

  @AfterEach
  void stop() {
    slowRelease.countDown();
    server.stop();
    memory.close();
  }

  private static byte[] put(String key, long version) {
    return PutObjectRequest.newBuilder()
        .setStoreId("s")
        .addTransactionItems(
            KeyValue.newBuilder()
                .setKey(key)
                .setVersion(version)
                .setValue(ByteString.copyFromUtf8("v")))
        .build()
        .toByteArray();
  }

  /** A POST with a Content-Length body and no protocol version header (older clients). */
  private static byte[] post(String path, byte[] body) {
    byte[] head =
        ("POST "
                + path
                + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/octet-stream\r\nContent-Length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] request = new byte[head.length + body.length];
    System.arraycopy(head, 0, request, 0, head.length);
    System.arraycopy(body, 0, request, head.length, body.length);
    return request;
  }

  /** Asserts the header (exactly once, exactly "0") and, for errors, a decodable ErrorResponse. */
  private static void assertProtocol(RawHttp.Response response, int status, ErrorCode code) {
    assertThat(response.status()).isEqualTo(status);
    assertThat(response.values(ProtocolVersion.HEADER)).as("status " + status).containsExactly("0");
    if (code != null) {
      assertThat(response.error().getErrorCode()).isEqualTo(code);
      assertThat(response.error().getMessage()).isNotEmpty();
    }
  }

  @Test
  void everyStatusOfTheHandlerCarriesTheHeader() {
    assertProtocol(RawHttp.send(port, post("/vss/putObjects", put("a", 0))), 200, null);
    assertProtocol(
        RawHttp.send(port, post("/vss/putObjects", put("a", 0))),
        409,
        ErrorCode.CONFLICT_EXCEPTION);
    assertProtocol(
        RawHttp.send(port, post("/vss/putObjects", new byte[] {(byte) 0xff, 1})),
        400,
        ErrorCode.INVALID_REQUEST_EXCEPTION);
    assertProtocol(
        RawHttp.send(
            port,
            post(
                "/vss/getObject",
                GetObjectRequest.newBuilder()
                    .setStoreId("s")
                    .setKey("missing")
                    .build()
                    .toByteArray())),
        404,
        ErrorCode.NO_SUCH_KEY_EXCEPTION);
    assertProtocol(
        RawHttp.send(port, post("/vss/nothing", new byte[0])),
        404,
        ErrorCode.INVALID_REQUEST_EXCEPTION);
    assertProtocol(
        RawHttp.send(port, post("/elsewhere", new byte[0])),
        404,
        ErrorCode.INVALID_REQUEST_EXCEPTION);
    assertProtocol(
        RawHttp.send(port, "GET /vss/getObject HTTP/1.1\r\nHost: localhost\r\n\r\n"),
        405,
        ErrorCode.INVALID_REQUEST_EXCEPTION);
    assertProtocol(
        RawHttp.send(
            port, "BREW /vss/getObject HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n"),
        405,
        ErrorCode.INVALID_REQUEST_EXCEPTION);
    assertProtocol(
        RawHttp.send(
            port, post("/vss/putObjects", VssHttpProtocolTest.paddedPut("big", (int) LIMIT + 1))),
        413,
        ErrorCode.INVALID_REQUEST_EXCEPTION);
    assertProtocol(
        RawHttp.send(
            port,
            "POST /vss/putObjects HTTP/1.1\r\nHost: localhost\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString((int) LIMIT + 10)
                + "\r\n"
                + "x".repeat((int) LIMIT + 10)
                + "\r\n0\r\n\r\n"),
        413,
        ErrorCode.INVALID_REQUEST_EXCEPTION);

    authFault.set(VssException.auth("no credentials"));
    assertProtocol(
        RawHttp.send(port, post("/vss/putObjects", put("b", 0))), 401, ErrorCode.AUTH_EXCEPTION);
    authFault.set(null);

    storageFault.set(new StorageException("disk on fire"));
    assertProtocol(
        RawHttp.send(port, post("/vss/putObjects", put("b", 0))),
        500,
        ErrorCode.INTERNAL_SERVER_EXCEPTION);
    storageFault.set(null);
  }

  @Test
  void operatorEndpointsCarryTheHeaderToo() {
    assertProtocol(
        RawHttp.send(port, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"), 200, null);
    assertProtocol(
        RawHttp.send(port, "GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n"), 200, null);
  }

  /** Requests Undertow refuses before any handler of ours runs: the answer is still ours. */
  @Test
  void responsesOfTheHttpStackCarryTheHeaderAndAnErrorResponse() {
    String[] malformed = {
      // a Content-Length that is not a number
      "POST /vss/putObjects HTTP/1.1\r\nHost: localhost\r\nContent-Length: abc\r\n\r\n",
      // a negative one
      "POST /vss/putObjects HTTP/1.1\r\nHost: localhost\r\nContent-Length: -1\r\n\r\n",
      // two Content-Length headers
      "POST /vss/putObjects HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n"
          + "Content-Length: 4\r\n\r\nabcd",
      // Content-Length and Transfer-Encoding together (request smuggling)
      "POST /vss/putObjects HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      // a bare % in the target
      "POST /vss/put%Objects HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n",
      // not HTTP at all
      "HELLO\r\n\r\n",
      // an unknown protocol version
      "POST /vss/putObjects HTTP/7.0\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n",
      // headers over Undertow's MAX_HEADER_SIZE (1 MiB)
      "POST /vss/putObjects HTTP/1.1\r\nHost: localhost\r\nX-Pad: "
          + "p".repeat(1100 * 1024)
          + "\r\nContent-Length: 0\r\n\r\n",
      // no Host header (HTTP/1.1 requires one; Undertow's HostHeaderHandler answers)
      "POST /vss/putObjects HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
      // two Host headers
      "POST /vss/putObjects HTTP/1.1\r\nHost: a\r\nHost: b\r\nContent-Length: 0\r\n\r\n",
      // a malformed port in Host
      "POST /vss/putObjects HTTP/1.1\r\nHost: localhost:99999\r\nContent-Length: 0\r\n\r\n",
    };
    for (String request : malformed) {
      RawHttp.Response response = RawHttp.send(port, request);
      String shown = request.length() > 120 ? request.substring(0, 120) + "..." : request;
      assertThat(response.status()).as(shown).isEqualTo(400);
      assertThat(response.values(ProtocolVersion.HEADER)).as(shown).containsExactly("0");
      assertThat(response.error().getErrorCode())
          .as(shown)
          .isEqualTo(ErrorCode.INVALID_REQUEST_EXCEPTION);
      assertThat(response.values("Connection")).as(shown).containsExactly("close");
    }
    // and the server still serves after all that
    assertProtocol(RawHttp.send(port, post("/vss/putObjects", put("after", 0))), 200, null);
  }

  @Test
  void theDrainingServersAnswerCarriesTheHeader() throws Exception {
    CompletableFuture<RawHttp.Response> slow =
        CompletableFuture.supplyAsync(
            () -> RawHttp.send(port, post("/vss/putObjects", put("slow", 0))));
    assertThat(slowEntered.await(30, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(server::stop);
    RawHttp.Response refused = null;
    for (int i = 0; i < 500 && refused == null; i++) {
      RawHttp.Response response = RawHttp.send(port, post("/vss/putObjects", put("new", 0)));
      if (response.status() == 503) {
        refused = response;
      } else {
        Thread.sleep(10);
      }
    }
    assertThat(refused).as("a 503 while draining").isNotNull();
    assertProtocol(refused, 503, ErrorCode.INTERNAL_SERVER_EXCEPTION);
    slowRelease.countDown();
    assertProtocol(slow.get(30, TimeUnit.SECONDS), 200, null);
    assertThat(stopped.get(30, TimeUnit.SECONDS)).isTrue();
  }

  /** The handler mounted in someone else's Undertow server answers the same way. */
  @Test
  void theEmbeddedHandlerSendsTheHeader() {
    InMemoryStorage other = new InMemoryStorage();
    Undertow undertow =
        Undertow.builder()
            .addHttpListener(0, "127.0.0.1")
            .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, Long.MAX_VALUE)
            .setHandler(
                Handlers.httpContinueRead(
                    Handlers.path()
                        .addPrefixPath(
                            "/backup",
                            new VssHttpHandler(
                                new VssService(other, Limits.DEFAULTS),
                                headers -> {
                                  if (headers.containsKey("X-Crash")) {
                                    throw new IllegalStateException("authorizer bug");
                                  }
                                  return "u";
                                },
                                LIMIT))))
            .build();
    undertow.start();
    try {
      int embedded = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
      assertProtocol(RawHttp.send(embedded, post("/backup/putObjects", put("a", 0))), 200, null);
      assertProtocol(
          RawHttp.send(embedded, post("/backup/putObjects", put("a", 0))),
          409,
          ErrorCode.CONFLICT_EXCEPTION);
      assertProtocol(
          RawHttp.send(embedded, post("/backup/nothing", new byte[0])),
          404,
          ErrorCode.INVALID_REQUEST_EXCEPTION);
      assertProtocol(
          RawHttp.send(embedded, "GET /backup/getObject HTTP/1.1\r\nHost: localhost\r\n\r\n"),
          405,
          ErrorCode.INVALID_REQUEST_EXCEPTION);
      assertProtocol(
          RawHttp.send(
              embedded,
              post("/backup/putObjects", VssHttpProtocolTest.paddedPut("big", (int) LIMIT + 1))),
          413,
          ErrorCode.INVALID_REQUEST_EXCEPTION);
      byte[] crash = post("/backup/putObjects", put("b", 0));
      String crashing =
          new String(crash, StandardCharsets.ISO_8859_1)
              .replace("Host: localhost\r\n", "Host: localhost\r\nX-Crash: 1\r\n");
      assertProtocol(RawHttp.send(embedded, crashing), 500, ErrorCode.INTERNAL_SERVER_EXCEPTION);
    } finally {
      undertow.stop();
      other.close();
    }
  }
}
