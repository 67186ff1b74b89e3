package dev.vss.client;

import com.google.protobuf.Message;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.ErrorResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A tiny HTTP server on the JDK's {@code com.sun.net.httpserver} whose answers a test scripts one
 * by one (status and body, a dropped connection, an answer that never comes), recording every
 * request it receives. It knows nothing of VSS: it tests the client's HTTP layer alone.
 */
final class ScriptedServer implements AutoCloseable {
  /** One scripted answer. */
  @FunctionalInterface
  interface Action {
    void perform(HttpExchange exchange, CountDownLatch closing) throws IOException;
  }

  /** A request as the server received it. */
  record Recorded(String method, String path, Map<String, String> headers, byte[] body) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final ConcurrentLinkedQueue<Action> script = new ConcurrentLinkedQueue<>();
  private final List<Recorded> requests = Collections.synchronizedList(new ArrayList<>());
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile Action whenScriptIsEmpty =
      respond(599, "script exhausted".getBytes(StandardCharsets.UTF_8));

  ScriptedServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext(
        "/",
        exchange -> {
          Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
          exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
          byte[] body;
          try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
          }
          requests.add(
              new Recorded(
                  exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers, body));
          Action action = script.poll();
          (action == null ? whenScriptIsEmpty : action).perform(exchange, closing);
        });
    server.start();
  }

  /** The base URL a client should use: {@code http://127.0.0.1:<port>/vss}. */
  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/vss";
  }

  /** Appends answers to the script, in order. */
  ScriptedServer then(Action... actions) {
    script.addAll(List.of(actions));
    return this;
  }

  /** The answer once the script is used up (default: HTTP 599, which no test expects). */
  ScriptedServer otherwise(Action action) {
    whenScriptIsEmpty = action;
    return this;
  }

  /** The requests received so far. */
  List<Recorded> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /** Answers with a status and body and the protocol version header a VSS server sends. */
  static Action respond(int status, byte[] body) {
    return respondWithVersion(List.of(VssClient.PROTOCOL_VERSION), status, body);
  }

  /**
   * Answers with a status and body and the protocol version header carrying {@code versions}, one
   * header line per value; no header at all when the list is empty.
   */
  static Action respondWithVersion(List<String> versions, int status, byte[] body) {
    return (exchange, closing) -> {
      for (String version : versions) {
        exchange.getResponseHeaders().add(VssClient.PROTOCOL_VERSION_HEADER, version);
      }
      exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    };
  }

  /** Answers {@code status} with a retryable ErrorResponse and {@code Retry-After: value}. */
  static Action retryAfter(int status, String value) {
    Action answer = error(status, ErrorCode.INTERNAL_SERVER_EXCEPTION, "come back later");
    return (exchange, closing) -> {
      exchange.getResponseHeaders().add("Retry-After", value);
      answer.perform(exchange, closing);
    };
  }

  static Action ok(Message response) {
    return respond(200, response.toByteArray());
  }

  static Action error(int status, ErrorCode code, String message) {
    return respond(
        status,
        ErrorResponse.newBuilder().setErrorCode(code).setMessage(message).build().toByteArray());
  }

  static Action text(int status, String text) {
    return respond(status, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Closes the connection without answering. */
  static Action dropConnection() {
    return (exchange, closing) -> exchange.close();
  }

  /** Never answers (until the server closes): the client's timeout must fire. */
  static Action noAnswer() {
    return (exchange, closing) -> {
      try {
        closing.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
    };
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
