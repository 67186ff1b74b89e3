package dev.vss.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vss.core.Keyspace;
import dev.vss.core.Limits;
import dev.vss.core.VssException;
import dev.vss.core.VssService;
import dev.vss.core.auth.Authorizer;
import dev.vss.core.auth.NoAuthorizer;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.core.spi.StorageException;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.GetObjectResponse;
import dev.vss.proto.KeyValue;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.ListKeyVersionsResponse;
import dev.vss.proto.PutObjectRequest;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SPEC section 1 over real HTTP: routing, status codes, ErrorResponse bodies, limits. */
class VssHttpProtocolTest {
  private static final long LIMIT = 4096;
  private static final String USER = NoAuthorizer.DEFAULT_USER_TOKEN;

  private final InMemoryStorage memory = new InMemoryStorage();
  private final AtomicReference<RuntimeException> storageFault = new AtomicReference<>();
  private final AtomicReference<RuntimeException> authFault = new AtomicReference<>();
  private VssServer server;
  private HttpCalls http;

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
        };
    Authorizer authorizer =
        headers -> {
          RuntimeException fault = authFault.get();
          if (fault != null) {
            throw fault;
          }
          return USER;
        };
    server =
        VssServer.builder(new VssService(storage, Limits.DEFAULTS))
            .authorizer(authorizer)
            .bind("127.0.0.1", 0)
            .maxBodyBytes(LIMIT)
            .start();
    http = new HttpCalls(server.rootUri());
  }

  @AfterEach
  void stop() {
    server.stop();
    memory.close();
  }

  private static KeyValue kv(String key, long version, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setVersion(version)
        .setValue(ByteString.copyFromUtf8(value))
        .build();
  }

  private HttpCalls.Reply put(KeyValue... items) {
    return http.post(
        "/vss/putObjects",
        PutObjectRequest.newBuilder()
            .setStoreId("s")
            .addAllTransactionItems(Arrays.asList(items))
            .build(),
        Map.of());
  }

  private Optional<Long> storedVersion(String key) {
    return memory.get(new Keyspace(USER, "s"), key).map(r -> r.version());
  }

  @Test
  void servesTheFourMethods() throws Exception {
    assertThat(put(kv("a", 0, "one")).status()).isEqualTo(200);

    HttpCalls.Reply get =
        http.post(
            "/vss/getObject",
            GetObjectRequest.newBuilder().setStoreId("s").setKey("a").build(),
            Map.of());
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.headers().firstValue("Content-Type")).contains("application/octet-stream");
    assertThat(GetObjectResponse.parseFrom(get.body()).getValue()).isEqualTo(kv("a", 1, "one"));

    HttpCalls.Reply list =
        http.post(
            "/vss/listKeyVersions",
            ListKeyVersionsRequest.newBuilder().setStoreId("s").build(),
            Map.of());
    assertThat(list.status()).isEqualTo(200);
    assertThat(ListKeyVersionsResponse.parseFrom(list.body()).getKeyVersionsList())
        .extracting(KeyValue::getKey, KeyValue::getVersion)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("a", 1L));

    HttpCalls.Reply delete =
        http.post(
            "/vss/deleteObject",
            DeleteObjectRequest.newBuilder().setStoreId("s").setKeyValue(kv("a", 1, "")).build(),
            Map.of());
    assertThat(delete.status()).isEqualTo(200);
    assertThat(delete.body()).isEmpty();
    assertThat(storedVersion("a")).isEmpty();
  }

  @Test
  void acceptsAnyContentType() {
    HttpCalls.Reply reply =
        http.send(
            http.request("/vss/putObjects", Map.of())
                .setHeader("Content-Type", "text/plain")
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofByteArray(
                        PutObjectRequest.newBuilder()
                            .setStoreId("s")
                            .addTransactionItems(kv("a", 0, "v"))
                            .build()
                            .toByteArray())));
    assertThat(reply.status()).isEqualTo(200);
    assertThat(storedVersion("a")).contains(1L);
  }

  @Test
  void missingKeyIs404WithNoSuchKey() {
    HttpCalls.Reply reply =
        http.post(
            "/vss/getObject",
            GetObjectRequest.newBuilder().setStoreId("s").setKey("missing").build(),
            Map.of());
    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.error().getErrorCode()).isEqualTo(ErrorCode.NO_SUCH_KEY_EXCEPTION);
  }

  @Test
  void conflictIs409AndChangesNothing() {
    put(kv("a", 0, "one"));
    HttpCalls.Reply reply = put(kv("a", 0, "two"), kv("b", 0, "new"));
    assertThat(reply.status()).isEqualTo(409);
    assertThat(reply.error().getErrorCode()).isEqualTo(ErrorCode.CONFLICT_EXCEPTION);
    assertThat(reply.error().getMessage()).isNotEmpty();
    assertThat(storedVersion("a")).contains(1L);
    assertThat(memory.get(new Keyspace(USER, "s"), "a").orElseThrow().value().toStringUtf8())
        .isEqualTo("one");
    assertThat(storedVersion("b")).isEmpty();
  }

  @Test
  void invalidRequestIs400AndChangesNothing() {
    HttpCalls.Reply reply = put(kv("ok", 0, "v"), kv("", 0, "empty key"));
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.error().getErrorCode()).isEqualTo(ErrorCode.INVALID_REQUEST_EXCEPTION);
    assertThat(storedVersion("ok")).isEmpty();
  }

  @Test
  void malformedBodyIs400WithDecodableErrorResponse() {
    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x02};
    for (String method :
        new String[] {"getObject", "putObjects", "deleteObject", "listKeyVersions"}) {
      HttpCalls.Reply reply = http.post("/vss/" + method, garbage, Map.of());
      assertThat(reply.status()).as(method).isEqualTo(400);
      assertThat(reply.error().getErrorCode()).isEqualTo(ErrorCode.INVALID_REQUEST_EXCEPTION);
      assertThat(reply.error().getMessage()).contains("not a valid");
    }
    assertThat(memory.globalVersion(new Keyspace(USER, "s"))).isZero();
    assertThat(memory.list(new Keyspace(USER, ""), "", Long.MAX_VALUE, 10)).isEmpty();
  }

  @Test
  void unknownPathsAre404WithErrorResponse() {
    for (String path :
        new String[] {
          "/vss/getObjects",
          "/vss",
          "/vss/",
          "/other",
          "/vssx/getObject",
          "/vss/getObject/extra",
          "/"
        }) {
      HttpCalls.Reply reply = http.post(path, new byte[0], Map.of());
      assertThat(reply.status()).as(path).isEqualTo(404);
      assertThat(reply.error().getErrorCode())
          .as(path)
          .isEqualTo(ErrorCode.INVALID_REQUEST_EXCEPTION);
    }
  }

  @Test
  void otherMethodsOnApiPathsAre405() {
    for (String method : new String[] {"GET", "PUT", "DELETE"}) {
      HttpCalls.Reply reply = http.call(method, "/vss/putObjects");
      assertThat(reply.status()).as(method).isEqualTo(405);
      assertThat(reply.headers().firstValue("Allow")).contains("POST");
      assertThat(reply.error().getErrorCode()).isEqualTo(ErrorCode.INVALID_REQUEST_EXCEPTION);
    }
  }

  @Test
  void bodyAtTheLimitIsServed() {
    byte[] body = paddedPut("a", (int) LIMIT);
    assertThat(body).hasSize((int) LIMIT);
    assertThat(http.post("/vss/putObjects", body, Map.of()).status()).isEqualTo(200);
    assertThat(storedVersion("a")).contains(1L);
  }

  @Test
  void declaredBodyOverTheLimitIs413() {
    HttpCalls.Reply reply = http.post("/vss/putObjects", paddedPut("a", (int) LIMIT + 1), Map.of());
    assertThat(reply.status()).isEqualTo(413);
    assertThat(reply.error().getErrorCode()).isEqualTo(ErrorCode.INVALID_REQUEST_EXCEPTION);
    assertThat(reply.error().getMessage()).contains(Long.toString(LIMIT));
    assertThat(storedVersion("a")).isEmpty();
  }

  @Test
  void streamedBodyOverTheLimitIs413() {
    HttpCalls.Reply reply =
        http.postChunked("/vss/putObjects", paddedPut("a", (int) LIMIT * 4), Map.of());
    assertThat(reply.status()).isEqualTo(413);
    assertThat(reply.error().getErrorCode()).isEqualTo(ErrorCode.INVALID_REQUEST_EXCEPTION);
    assertThat(storedVersion("a")).isEmpty();
  }

  @Test
  void streamedBodyWithinTheLimitIsServed() {
    HttpCalls.Reply reply = http.postChunked("/vss/putObjects", paddedPut("a", 1000), Map.of());
    assertThat(reply.status()).isEqualTo(200);
    assertThat(storedVersion("a")).contains(1L);
  }

  @Test
  void expectContinueIsAnswered() {
    byte[] body = paddedPut("a", 1000);
    HttpCalls.Reply reply =
        http.send(
            http.request("/vss/putObjects", Map.of())
                .expectContinue(true)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)));
    assertThat(reply.status()).isEqualTo(200);
    assertThat(storedVersion("a")).contains(1L);
  }

  @Test
  void expectContinueOverTheLimitIsRefusedBeforeTheBodyIsSent() throws Exception {
    // Raw socket: the JDK 17 client waits forever when the answer to Expect is not 100.
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.address().getPort())) {
      socket.setSoTimeout(30_000);
      socket
          .getOutputStream()
          .write(
              ("POST /vss/putObjects HTTP/1.1\r\nHost: localhost\r\n"
                      + "Content-Length: 1000000000\r\nExpect: 100-continue\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      String head = readHead(socket.getInputStream());
      assertThat(head).startsWith("HTTP/1.1 413 ").doesNotContain("100 Continue");
    }
    assertThat(storedVersion("b")).isEmpty();
  }

  private static String readHead(java.io.InputStream in) throws java.io.IOException {
    StringBuilder head = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      head.append((char) c);
      if (head.toString().endsWith("\r\n\r\n")) {
        break;
      }
    }
    return head.toString();
  }

  @Test
  void authFailureIs401AndChangesNothing() {
    authFault.set(VssException.auth("missing Authorization header"));
    HttpCalls.Reply reply = put(kv("a", 0, "v"));
    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.error().getErrorCode()).isEqualTo(ErrorCode.AUTH_EXCEPTION);
    assertThat(reply.error().getMessage()).isEqualTo("missing Authorization header");
    authFault.set(null);
    assertThat(storedVersion("a")).isEmpty();
  }

  @Test
  void storageFaultIs500WithAGenericMessage() {
    storageFault.set(new StorageException("disk I/O error in /secret/path/vss.db: SELECT *"));
    HttpCalls.Reply reply = put(kv("a", 0, "v"));
    assertThat(reply.status()).isEqualTo(500);
    assertThat(reply.error().getErrorCode()).isEqualTo(ErrorCode.INTERNAL_SERVER_EXCEPTION);
    assertThat(reply.error().getMessage()).doesNotContain("secret", "SELECT", "disk");
    storageFault.set(null);
    assertThat(storedVersion("a")).isEmpty();
  }

  @Test
  void authorizerBugIs500WithAGenericMessage() {
    authFault.set(new IllegalStateException("bug at /secret/path"));
    HttpCalls.Reply reply = put(kv("a", 0, "v"));
    assertThat(reply.status()).isEqualTo(500);
    assertThat(reply.error().getErrorCode()).isEqualTo(ErrorCode.INTERNAL_SERVER_EXCEPTION);
    assertThat(reply.error().getMessage()).doesNotContain("secret", "bug");
    authFault.set(null);
    assertThat(storedVersion("a")).isEmpty();
  }

  @Test
  void emptyBodyIsAnEmptyRequest() {
    HttpCalls.Reply reply = http.post("/vss/getObject", new byte[0], Map.of());
    // An empty body decodes to a request with an empty key, which the core rejects.
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.error().getErrorCode()).isEqualTo(ErrorCode.INVALID_REQUEST_EXCEPTION);
  }

  /** A putObjects body of exactly {@code size} bytes: one item whose value pads it out. */
  static byte[] paddedPut(String key, int size) {
    for (int valueSize = size; valueSize >= 0; valueSize--) {
      byte[] body =
          PutObjectRequest.newBuilder()
              .setStoreId("s")
              .addTransactionItems(kv(key, 0, "x".repeat(valueSize)))
              .build()
              .toByteArray();
      if (body.length == size) {
        return body;
      }
    }
    throw new IllegalArgumentException("no body of exactly " + size + " bytes");
  }
}
