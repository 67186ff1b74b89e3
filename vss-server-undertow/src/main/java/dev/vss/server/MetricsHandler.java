package dev.vss.server;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.time.Instant;

/**
 * Wraps the {@link VssHttpHandler} and records each exchange in {@link ServerMetrics} (and, when
 * enabled, the {@link AccessLog}) when it completes, however it completes (response sent, error,
 * client gone), so the in-flight gauge never drifts.
 */
final class MetricsHandler implements HttpHandler {
  private final ServerMetrics metrics;
  private final boolean accessLog;
  private final HttpHandler next;

  MetricsHandler(ServerMetrics metrics, boolean accessLog, HttpHandler next) {
    this.metrics = metrics;
    this.accessLog = accessLog;
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    long start = System.nanoTime();
    Instant startTime = accessLog ? Instant.now() : null;
    metrics.requestStarted();
    exchange.addExchangeCompleteListener(
        (completed, nextListener) -> {
          try {
            String method = completed.getAttachment(VssHttpHandler.METHOD);
            metrics.requestFinished(
                method == null ? VssHttpHandler.UNKNOWN_METHOD : method,
                completed.getStatusCode(),
                System.nanoTime() - start);
            dev.vss.core.Quotas.Kind refused =
                completed.getAttachment(VssHttpHandler.QUOTA_REFUSED);
            if (refused != null) {
              metrics.quotaRefused(refused);
            }
            if (accessLog) {
              AccessLog.log(completed, startTime, start);
            }
          } finally {
            nextListener.proceed();
          }
        });
    next.handleRequest(exchange);
  }
}
