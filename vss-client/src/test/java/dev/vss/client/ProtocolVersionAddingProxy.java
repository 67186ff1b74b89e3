package dev.vss.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * TEMPORARY, until vss-server-undertow sends the {@code vss-protocol-version} header itself (the
 * server half of the protocol-version change): a pass-through HTTP proxy in front of the real
 * server that adds {@code vss-protocol-version: 0} to every answer, so that the end-to-end tests
 * keep exercising the real server with a client that checks the header. Remove it, and point the
 * tests at the server directly, once the server sends the header.
 */
final class ProtocolVersionAddingProxy implements AutoCloseable {
  /** Headers the JDK HTTP client sets itself and refuses to be given. */
  private static final Set<String> RESTRICTED =
      Set.of("connection", "content-length", "expect", "host", "upgrade");

  private final URI target;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(16);
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** Starts a proxy forwarding to {@code target} (scheme, host and port; paths are kept). */
  ProtocolVersionAddingProxy(URI target) throws IOException {
    this.target = target;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::forward);
    server.start();
  }

  /** {@code baseUri} with the proxy's host and port instead of the server's. */
  String proxied(URI baseUri) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + baseUri.getRawPath();
  }

  private void forward(HttpExchange exchange) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(
            target.resolve(exchange.getRequestURI().getRawPath()))
        .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
    for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
      if (!RESTRICTED.contains(header.getKey().toLowerCase(java.util.Locale.ROOT))) {
        header.getValue().forEach(value -> request.header(header.getKey(), value));
      }
    }
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exchange.close();
      return;
    } catch (IOException e) {
      exchange.close();
      return;
    }
    response.headers().map().forEach((name, values) -> {
      if (!RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))
          && !name.equalsIgnoreCase("transfer-encoding") && !name.startsWith(":")) {
        exchange.getResponseHeaders().put(name, values);
      }
    });
    exchange.getResponseHeaders().set(VssClient.PROTOCOL_VERSION_HEADER, VssClient.PROTOCOL_VERSION);
    byte[] answer = response.body();
    exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(answer);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
