package dev.vss.bench.load;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The HTTP ceiling: the Undertow stack of {@code dev.vss.server.VssServer} (default IO and worker
 * threads, the same server options, graceful-shutdown and 100-continue wrappers, a path handler)
 * with a handler that does what the VSS handler does around the service call and nothing else: it
 * moves the exchange to a worker thread, reads the whole request body, and answers 200 with an
 * empty protobuf body. A VSS request can be no faster than this on the same machine.
 *
 * <p>Kept in step with {@code VssServer} by hand: if that server's Undertow configuration changes,
 * change this too.
 */
final class NoOpServer implements AutoCloseable {
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  private final Undertow undertow;
  private final InetSocketAddress address;

  private NoOpServer(String basePath) {
    io.undertow.server.handlers.PathHandler paths = Handlers.path(exchange -> {
      exchange.setStatusCode(StatusCodes.NOT_FOUND);
      exchange.endExchange();
    });
    paths.addPrefixPath(basePath, new NoOpHandler());
    undertow = Undertow.builder()
        .setHandler(Handlers.gracefulShutdown(Handlers.httpContinueRead(paths)))
        .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, Long.MAX_VALUE)
        .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 60_000)
        .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, 30_000)
        .setServerOption(UndertowOptions.SHUTDOWN_TIMEOUT, 2_000)
        .addHttpListener(0, "127.0.0.1")
        .build();
    undertow.start();
    address = (InetSocketAddress) undertow.getListenerInfo().get(0).getAddress();
  }

  /** Starts a no-op server on a free port of 127.0.0.1, answering under {@code basePath}. */
  static NoOpServer start(String basePath) {
    return new NoOpServer(basePath);
  }

  /** Where it listens. */
  InetSocketAddress address() {
    return address;
  }

  @Override
  public void close() {
    undertow.stop();
  }

  /** Worker dispatch, full body read, empty 200: the VSS handler's path minus auth and service. */
  private static final class NoOpHandler implements HttpHandler {
    @Override
    public void handleRequest(HttpServerExchange exchange) {
      if (!Methods.POST.equals(exchange.getRequestMethod())) {
        exchange.setStatusCode(StatusCodes.METHOD_NOT_ALLOWED);
        exchange.endExchange();
        return;
      }
      exchange.dispatch(() -> exchange.getRequestReceiver().receiveFullBytes(
          (ex, body) -> {
            if (ex.isInIoThread()) {
              ex.dispatch(() -> respond(ex));
            } else {
              respond(ex);
            }
          },
          (ex, e) -> {
            ex.setPersistent(false);
            ex.setStatusCode(StatusCodes.BAD_REQUEST);
            ex.endExchange();
          }));
    }

    private static void respond(HttpServerExchange exchange) {
      exchange.setStatusCode(StatusCodes.OK);
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/octet-stream");
      exchange.getResponseSender().send(EMPTY.duplicate());
    }
  }
}
