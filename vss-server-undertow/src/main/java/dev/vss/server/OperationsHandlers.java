package dev.vss.server;

import dev.vss.core.spi.Storage;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The operator endpoints: {@code GET /health}, {@code GET /ready} and {@code GET /metrics}. */
final class OperationsHandlers {
  private static final Logger LOG = LoggerFactory.getLogger(OperationsHandlers.class);
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private OperationsHandlers() {}

  /** Liveness: answers 200 from the IO thread without touching storage. */
  static HttpHandler health() {
    return exchange -> {
      if (allowsGetOnly(exchange)) {
        send(exchange, StatusCodes.OK, TEXT, "ok\n");
      }
    };
  }

  /** Readiness: 200 only when {@link Storage#checkHealth()} passes; checked on a worker thread. */
  static HttpHandler ready(Storage storage) {
    return exchange -> {
      if (!allowsGetOnly(exchange)) {
        return;
      }
      exchange.dispatch(
          () -> {
            try {
              storage.checkHealth();
            } catch (RuntimeException e) {
              LOG.warn("readiness check failed: storage '{}' does not answer", storage.name(), e);
              send(exchange, StatusCodes.SERVICE_UNAVAILABLE, TEXT, "not ready\n");
              return;
            }
            send(exchange, StatusCodes.OK, TEXT, "ready\n");
          });
    };
  }

  /** The Prometheus scrape endpoint. */
  static HttpHandler metrics(ServerMetrics metrics) {
    return exchange -> {
      if (allowsGetOnly(exchange)) {
        send(exchange, StatusCodes.OK, PROMETHEUS_TEXT, metrics.exposition());
      }
    };
  }

  private static boolean allowsGetOnly(HttpServerExchange exchange) {
    if (Methods.GET.equals(exchange.getRequestMethod())
        || Methods.HEAD.equals(exchange.getRequestMethod())) {
      return true;
    }
    exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
    send(exchange, StatusCodes.METHOD_NOT_ALLOWED, TEXT, "use GET\n");
    return false;
  }

  private static void send(HttpServerExchange exchange, int status, String type, String body) {
    ErrorResponses.closeIfBodyUnread(exchange);
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, type);
    exchange.getResponseSender().send(body);
  }
}
