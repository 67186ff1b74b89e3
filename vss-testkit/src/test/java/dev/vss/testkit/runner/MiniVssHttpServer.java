package dev.vss.testkit.runner;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vss.core.Limits;
import dev.vss.core.VssException;
import dev.vss.core.VssService;
import dev.vss.core.auth.Authorizer;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.ErrorResponse;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.PutObjectRequest;
import dev.vss.protocol.ErrorStatus;
import dev.vss.protocol.ProtocolVersion;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small VSS server for the runner's own tests: the JDK's HTTP server in front of a {@link
 * VssService} over an in-memory store, with any {@link Authorizer} and any {@link Limits} (the
 * project's real server lives in a module that depends on this one, and its jar is tested by {@code
 * ConformanceRunnerIT} there). It follows SPEC section 1: protobuf POSTs to {@code /vss/<method>},
 * errors as {@code ErrorResponse} with the status of {@link ErrorStatus}, and the protocol version
 * header on every answer.
 */
final class MiniVssHttpServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService workers = Executors.newFixedThreadPool(8);
  private final VssService service;
  private final Authorizer authorizer;

  MiniVssHttpServer(Limits limits, Authorizer authorizer) throws IOException {
    this.service = new VssService(new InMemoryStorage(), limits);
    this.authorizer = authorizer;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.createContext("/vss/", this::handle);
    server.setExecutor(workers);
    server.start();
  }

  /** The API base, such as {@code http://127.0.0.1:PORT/vss}. */
  URI api() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/vss");
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestURI().getPath().substring("/vss/".length());
      byte[] body = exchange.getRequestBody().readAllBytes();
      Map<String, String> headers = new HashMap<>();
      exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
      int status;
      byte[] answer;
      try {
        String user = authorizer.authorize(headers);
        Message response =
            switch (method) {
              case "getObject" -> service.getObject(user, GetObjectRequest.parseFrom(body));
              case "putObjects" -> service.putObjects(user, PutObjectRequest.parseFrom(body));
              case "deleteObject" ->
                  service.deleteObject(user, DeleteObjectRequest.parseFrom(body));
              case "listKeyVersions" ->
                  service.listKeyVersions(user, ListKeyVersionsRequest.parseFrom(body));
              default -> throw VssException.invalidRequest("no such method " + method);
            };
        status = 200;
        answer = response.toByteArray();
      } catch (VssException e) {
        status = ErrorStatus.of(e.errorCode());
        answer = error(e.errorCode(), e.getMessage());
      } catch (InvalidProtocolBufferException e) {
        status = ErrorStatus.of(ErrorCode.INVALID_REQUEST_EXCEPTION);
        answer = error(ErrorCode.INVALID_REQUEST_EXCEPTION, "the body is not protobuf");
      } catch (RuntimeException e) {
        // An answer for every request: a request left unanswered would stall the runner.
        status = ErrorStatus.of(ErrorCode.INTERNAL_SERVER_EXCEPTION);
        answer = error(ErrorCode.INTERNAL_SERVER_EXCEPTION, e.toString());
      }
      exchange.getResponseHeaders().add(ProtocolVersion.HEADER, ProtocolVersion.VALUE);
      exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
      // One connection per request: the JDK's HTTP server can drop a request that arrives on a
      // kept-alive connection as it closes it for idleness, and the client then waits for its
      // timeout (seen here as calls stalling 60 s).
      exchange.getResponseHeaders().add("Connection", "close");
      exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
      if (answer.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(answer);
        }
      }
    }
  }

  private static byte[] error(ErrorCode code, String message) {
    return ErrorResponse.newBuilder().setErrorCode(code).setMessage(message).build().toByteArray();
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }
}
