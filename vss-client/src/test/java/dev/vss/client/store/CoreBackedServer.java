package dev.vss.client.store;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vss.client.VssClient;
import dev.vss.core.Limits;
import dev.vss.core.VssException;
import dev.vss.core.VssService;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.ErrorResponse;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.PutObjectRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real VSS rules ({@link VssService} over {@link InMemoryStorage}) behind a minimal HTTP shell
 * on the JDK's HTTP server, for exercising {@link EncryptedStore} with true conflict, paging and
 * version semantics without the production server. Every request belongs to one user.
 */
final class CoreBackedServer implements AutoCloseable {
  private static final String USER = "test-user";

  private final InMemoryStorage storage = new InMemoryStorage();
  private final VssService vss;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(16);
  private final AtomicInteger getsInFlight = new AtomicInteger();
  private final AtomicInteger maxGetsInFlight = new AtomicInteger();
  private volatile Runnable beforeGet = () -> {};

  CoreBackedServer(Limits limits) throws IOException {
    vss = new VssService(storage, limits);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/vss/", this::handle);
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/vss";
  }

  /** The service itself, for reading the store back behind the client's back. */
  VssService service() {
    return vss;
  }

  /** The user token every request is served as. */
  String user() {
    return USER;
  }

  /** Runs {@code hook} before serving each getObject. */
  void beforeEachGet(Runnable hook) {
    beforeGet = hook;
  }

  /** The most getObject requests served at the same time so far. */
  int maxConcurrentGets() {
    return maxGetsInFlight.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    String path = exchange.getRequestURI().getPath();
    boolean isGet = path.equals("/vss/getObject");
    Answer answer;
    if (isGet) {
      maxGetsInFlight.accumulateAndGet(getsInFlight.incrementAndGet(), Math::max);
      try {
        beforeGet.run();
        // Hold the read a moment so that concurrent reads overlap and the bound is exercised.
        Thread.sleep(2);
        answer = answer(path, body);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        answer = new Answer(500, error(ErrorCode.INTERNAL_SERVER_EXCEPTION, "interrupted"));
      } finally {
        // Before the answer leaves: the client may start its next read as soon as it arrives.
        getsInFlight.decrementAndGet();
      }
    } else {
      answer = answer(path, body);
    }
    byte[] bytes = answer.message().toByteArray();
    // The header every VSS answer carries (SPEC section 1); the client refuses answers without it.
    exchange
        .getResponseHeaders()
        .set(VssClient.PROTOCOL_VERSION_HEADER, VssClient.PROTOCOL_VERSION);
    exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private record Answer(int status, Message message) {}

  private Answer answer(String path, byte[] body) {
    try {
      return new Answer(
          200,
          switch (path) {
            case "/vss/getObject" -> vss.getObject(USER, GetObjectRequest.parseFrom(body));
            case "/vss/putObjects" -> vss.putObjects(USER, PutObjectRequest.parseFrom(body));
            case "/vss/deleteObject" -> vss.deleteObject(USER, DeleteObjectRequest.parseFrom(body));
            case "/vss/listKeyVersions" ->
                vss.listKeyVersions(USER, ListKeyVersionsRequest.parseFrom(body));
            default -> throw VssException.invalidRequest("unknown path " + path);
          });
    } catch (InvalidProtocolBufferException e) {
      return new Answer(400, error(ErrorCode.INVALID_REQUEST_EXCEPTION, "malformed request"));
    } catch (VssException e) {
      int status =
          switch (e.errorCode()) {
            case CONFLICT_EXCEPTION -> 409;
            case INVALID_REQUEST_EXCEPTION -> 400;
            case NO_SUCH_KEY_EXCEPTION -> 404;
            case AUTH_EXCEPTION -> 401;
            default -> 500;
          };
      return new Answer(status, error(e.errorCode(), e.getMessage()));
    }
  }

  private static ErrorResponse error(ErrorCode code, String message) {
    return ErrorResponse.newBuilder().setErrorCode(code).setMessage(message).build();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    storage.close();
  }
}
