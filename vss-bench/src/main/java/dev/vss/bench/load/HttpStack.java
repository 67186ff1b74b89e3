package dev.vss.bench.load;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.PathHandler;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The Undertow stack of {@code dev.vss.server.VssServer} around any API handler: the same server
 * options, graceful-shutdown and 100-continue wrappers and path handler, Undertow's default IO
 * threads, and the worker threads it is given.
 *
 * <p>With {@link #noOp()} it is the HTTP ceiling; with {@code VssHttpHandler} it is the server with
 * another worker pool size (see {@code --workers}). Kept in step with {@code VssServer} by hand: if
 * that server's Undertow configuration changes, change this too.
 */
final class HttpStack implements AutoCloseable {
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  private final Undertow undertow;
  private final InetSocketAddress address;

  private HttpStack(String basePath, HttpHandler api, int workerThreads) {
    PathHandler paths =
        Handlers.path(
            exchange -> {
              exchange.setStatusCode(StatusCodes.NOT_FOUND);
              exchange.endExchange();
            });
    paths.addPrefixPath(basePath, api);
    Undertow.Builder builder =
        Undertow.builder()
            .setHandler(Handlers.gracefulShutdown(Handlers.httpContinueRead(paths)))
            .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, Long.MAX_VALUE)
            .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 60_000)
            .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, 30_000)
            .setServerOption(UndertowOptions.SHUTDOWN_TIMEOUT, 2_000)
            .addHttpListener(0, "127.0.0.1");
    if (workerThreads > 0) {
      builder.setWorkerThreads(workerThreads);
    }
    undertow = builder.build();
    undertow.start();
    address = (InetSocketAddress) undertow.getListenerInfo().get(0).getAddress();
  }

  /**
   * Starts the stack on a free port of 127.0.0.1 with {@code api} under {@code basePath}.
   *
   * @param workerThreads the worker pool size; 0 for Undertow's default (8 per IO thread)
   */
  static HttpStack start(String basePath, HttpHandler api, int workerThreads) {
    return new HttpStack(basePath, api, workerThreads);
  }

  /**
   * A handler that does what the VSS handler does around the service call and nothing else: it
   * moves the exchange to a worker thread, reads the whole request body, and answers 200 with an
   * empty protobuf body. A VSS request can be no faster than this on the same stack.
   */
  static HttpHandler noOp() {
    return new NoOpHandler();
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
      exchange.dispatch(
          () ->
              exchange
                  .getRequestReceiver()
                  .receiveFullBytes(
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
