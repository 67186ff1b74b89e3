package dev.vss.server.app;

import dev.vss.server.VssServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * A health check for images without curl or wget (the Dockerfile's {@code HEALTHCHECK}): {@code
 * java -cp vss-server.jar dev.vss.server.app.HealthCheck [URL]} exits 0 when {@code GET URL}
 * answers 200 within five seconds, else 1.
 *
 * <p>Without a URL it asks {@code http://127.0.0.1:PORT/health}, the port taken from {@code
 * VSS_BIND_ADDRESS} (default 8080), so the check follows the container's configuration. It loads
 * nothing of the server but {@link ServerConfigLoader}'s address parsing: it starts in well under a
 * second.
 */
public final class HealthCheck {
  private static final int TIMEOUT_MILLIS = 5_000;

  private HealthCheck() {}

  /** Exits 0 if the server is healthy, else 1. */
  public static void main(String[] args) {
    System.exit(check(List.of(args), System.getenv()));
  }

  /**
   * Checks the server; prints one line either way.
   *
   * @return 0 if healthy, 1 if not, 2 for a bad argument
   */
  static int check(List<String> args, Map<String, String> env) {
    URI uri;
    try {
      uri = args.isEmpty() ? defaultUri(env) : URI.create(args.get(0));
    } catch (IllegalArgumentException e) {
      System.err.println("health check: bad URL or VSS_BIND_ADDRESS: " + e.getMessage());
      return 2;
    }
    try {
      HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
      connection.setConnectTimeout(TIMEOUT_MILLIS);
      connection.setReadTimeout(TIMEOUT_MILLIS);
      connection.setRequestMethod("GET");
      int status = connection.getResponseCode();
      try (InputStream body =
          status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
        if (body != null) {
          body.readAllBytes();
        }
      }
      if (status == 200) {
        System.out.println("healthy: " + uri);
        return 0;
      }
      System.err.println("unhealthy: " + uri + " answered " + status);
      return 1;
    } catch (IOException | IllegalArgumentException e) {
      System.err.println("unhealthy: " + uri + ": " + e);
      return 1;
    }
  }

  /** {@code http://127.0.0.1:PORT/health}, PORT from {@code VSS_BIND_ADDRESS}. */
  static URI defaultUri(Map<String, String> env) {
    String bind = env.getOrDefault(Setting.BIND.env(), ServerConfigLoader.DEFAULT_BIND);
    return URI.create("http://127.0.0.1:" + HostPort.parse(bind).port() + VssServer.HEALTH_PATH);
  }
}
