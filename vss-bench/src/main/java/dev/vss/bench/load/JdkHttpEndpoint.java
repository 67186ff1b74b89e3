package dev.vss.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Sends calls with the JDK's {@link HttpClient} (HTTP/1.1). One client is shared by every worker of
 * a measurement, as an application would share it; it keeps one pooled connection per worker busy.
 * Kept to compare with {@link RawHttpConnection}: on two cores the JDK client's own CPU cost lowers
 * what the server can be shown to do (see BENCHMARKS.md).
 */
final class JdkHttpEndpoint implements Endpoint {
  private final HttpClient client;
  private final Map<Method, URI> uris;

  private JdkHttpEndpoint(HttpClient client, Map<Method, URI> uris) {
    this.client = client;
    this.uris = uris;
  }

  /**
   * A factory whose endpoints share one client.
   *
   * @param address the server
   * @param basePath the API base path, such as {@code /vss}, without a trailing slash
   */
  static Endpoint.Factory factory(HttpClient client, InetSocketAddress address, String basePath) {
    Map<Method, URI> uris = new EnumMap<>(Method.class);
    for (Method method : Method.values()) {
      uris.put(
          method,
          URI.create(
              "http://"
                  + address.getAddress().getHostAddress()
                  + ":"
                  + address.getPort()
                  + basePath
                  + "/"
                  + method.wireName()));
    }
    return () -> new JdkHttpEndpoint(client, uris);
  }

  /** A client for the benchmark: HTTP/1.1, no redirects. */
  static HttpClient newClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  @Override
  public int call(Call call) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(uris.get(call.method()))
            .header("Content-Type", "application/octet-stream")
            .header("Authorization", LoadShape.userToken(call.user()))
            .POST(HttpRequest.BodyPublishers.ofByteArray(call.request().toByteArray()))
            .build();
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofByteArray()).statusCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  @Override
  public void close() {}
}
