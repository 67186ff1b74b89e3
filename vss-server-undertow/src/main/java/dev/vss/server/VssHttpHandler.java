package dev.vss.server;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import dev.vss.core.VssException;
import dev.vss.core.VssService;
import dev.vss.core.auth.Authorizer;
import dev.vss.proto.ErrorCode;
import io.undertow.io.Receiver;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VSS protocol over HTTP (SPEC section 1) as an Undertow {@link HttpHandler}: {@code POST
 * /getObject}, {@code /putObjects}, {@code /deleteObject} and {@code /listKeyVersions} relative to
 * wherever it is mounted, protobuf bodies in and out.
 *
 * <p>It is deliberately thin: route, enforce the body limit, authorize, parse, call {@link
 * VssService}, map the outcome to a status. Every VSS rule lives in the service.
 *
 * <ol>
 *   <li>An unknown path answers 404 and a method other than POST on a VSS path answers 405, both with
 *       a decodable {@code ErrorResponse}.
 *   <li>A body larger than {@code maxBodyBytes} answers 413 ({@code INVALID_REQUEST_EXCEPTION}); a
 *       declared {@code Content-Length} over the limit is refused before any byte is read, and a
 *       body without one is cut off as soon as it passes the limit, so the handler never buffers
 *       more than the limit.
 *   <li>Authorization, parsing and the storage call run on a worker executor, never on an IO thread.
 *       Authorization happens before the body is read, so an unauthenticated client cannot make the
 *       server buffer a body.
 *   <li>A {@link VssException} maps to its status (409, 400, 500, 404, 401); anything else is logged
 *       and answers 500 with a generic message.
 * </ol>
 *
 * <p>Embedding: mount it under a path of your own, for example {@code Handlers.path().addPrefixPath(
 * "/backup", new VssHttpHandler(service, authorizer, limit))}, and on the Undertow builder
 *
 * <ul>
 *   <li>set {@code UndertowOptions.MAX_ENTITY_SIZE} above {@code maxBodyBytes} (for example {@code
 *       Long.MAX_VALUE}): Undertow's default of 2 MiB refuses larger declared bodies with a bare
 *       400 before this handler runs, and a body just over the handler's limit should get 413;
 *   <li>wrap the root handler in {@code Handlers.httpContinueRead(...)} so clients sending {@code
 *       Expect: 100-continue} are answered.
 * </ul>
 */
public final class VssHttpHandler implements HttpHandler {
  /**
   * The VSS method an exchange asked for ({@code getObject}, ...), or {@code unknown} for a path that
   * names none; set before any response is sent, read by metrics and access logs.
   */
  public static final AttachmentKey<String> METHOD = AttachmentKey.create(String.class);

  /** The {@link #METHOD} value of a request whose path names no VSS method. */
  public static final String UNKNOWN_METHOD = "unknown";

  /** The largest body a byte array can hold, less the JVM's array header slack. */
  static final int MAX_BODY_LIMIT = Integer.MAX_VALUE - 8;

  private static final Logger LOG = LoggerFactory.getLogger(VssHttpHandler.class);

  private final VssService service;
  private final Authorizer authorizer;
  private final int maxBodyBytes;
  private final Executor executor;
  /** Benign race: at worst the warning is logged a few times. */
  private volatile boolean warnedAboutEntityLimit;

  /**
   * A handler that runs its work on Undertow's worker pool.
   *
   * @param service the VSS service every request is handed to
   * @param authorizer maps request headers to the caller's user token
   * @param maxBodyBytes the largest request body accepted, in bytes; larger bodies get 413
   * @throws IllegalArgumentException if {@code maxBodyBytes} is not between 1 and 2147483639
   */
  public VssHttpHandler(VssService service, Authorizer authorizer, long maxBodyBytes) {
    this(service, authorizer, maxBodyBytes, null);
  }

  /**
   * A handler that runs authorization and storage calls on {@code executor}.
   *
   * @param executor where blocking work runs; null for the worker pool of the Undertow connection
   * @throws IllegalArgumentException if {@code maxBodyBytes} is not between 1 and 2147483639
   */
  public VssHttpHandler(
      VssService service, Authorizer authorizer, long maxBodyBytes, Executor executor) {
    this.service = Objects.requireNonNull(service, "service");
    this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
    this.maxBodyBytes = checkedBodyLimit(maxBodyBytes);
    this.executor = executor;
  }

  private static int checkedBodyLimit(long maxBodyBytes) {
    if (maxBodyBytes <= 0 || maxBodyBytes > MAX_BODY_LIMIT) {
      throw new IllegalArgumentException(
          "maxBodyBytes must be between 1 and " + MAX_BODY_LIMIT + ", was " + maxBodyBytes);
    }
    return (int) maxBodyBytes;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    // First of all: whatever ends this exchange, even a response Undertow makes after a throw,
    // carries the protocol version header the client checks before anything else.
    ErrorResponses.answerInProtocol(exchange);
    Operation operation = Operation.forPath(exchange.getRelativePath());
    if (operation == null) {
      exchange.putAttachment(METHOD, UNKNOWN_METHOD);
      ErrorResponses.send(exchange, StatusCodes.NOT_FOUND, ErrorCode.INVALID_REQUEST_EXCEPTION,
          "no VSS method at this path; use POST .../getObject, .../putObjects,"
              + " .../deleteObject or .../listKeyVersions");
      return;
    }
    exchange.putAttachment(METHOD, operation.methodName());
    if (!Methods.POST.equals(exchange.getRequestMethod())) {
      exchange.getResponseHeaders().put(Headers.ALLOW, Methods.POST_STRING);
      ErrorResponses.send(exchange, StatusCodes.METHOD_NOT_ALLOWED,
          ErrorCode.INVALID_REQUEST_EXCEPTION, operation.methodName() + " accepts only POST");
      return;
    }
    warnIfUndertowLimitIsLower(exchange);
    String contentLength = exchange.getRequestHeaders().getFirst(Headers.CONTENT_LENGTH);
    if (contentLength != null && declaredLengthExceedsLimit(contentLength)) {
      rejectTooLarge(exchange);
      return;
    }
    dispatch(exchange, () -> authorizeThenReceive(exchange, operation));
  }

  /**
   * Undertow refuses a declared body over its own {@code MAX_ENTITY_SIZE} (2 MiB by default) with a
   * bare 400 before any handler runs; the application must raise it above this handler's limit.
   * Said once in the log, since the handler cannot change it for the connection.
   */
  private void warnIfUndertowLimitIsLower(HttpServerExchange exchange) {
    long undertowLimit = exchange.getMaxEntitySize();
    if (undertowLimit > 0 && undertowLimit <= maxBodyBytes && !warnedAboutEntityLimit) {
      warnedAboutEntityLimit = true;
      LOG.warn("Undertow's MAX_ENTITY_SIZE ({} bytes) is not above the VSS body limit ({} bytes):"
          + " Undertow answers larger bodies with a bare 400 instead of the VSS 413. Set"
          + " UndertowOptions.MAX_ENTITY_SIZE to Long.MAX_VALUE on the Undertow builder.",
          undertowLimit, maxBodyBytes);
    }
  }

  private boolean declaredLengthExceedsLimit(String contentLength) {
    try {
      return Long.parseLong(contentLength.trim()) > maxBodyBytes;
    } catch (NumberFormatException e) {
      // Undertow rejects malformed Content-Length before handlers run; a huge one overflows long.
      return true;
    }
  }

  private void authorizeThenReceive(HttpServerExchange exchange, Operation operation) {
    String userToken;
    try {
      userToken = authorizer.authorize(headersOf(exchange));
    } catch (VssException e) {
      LOG.debug("{} refused: {}", operation.methodName(), e.getMessage());
      sendFailure(exchange, e);
      return;
    } catch (RuntimeException e) {
      LOG.error("{}: the authorizer failed", operation.methodName(), e);
      sendFailure(exchange, VssException.internal());
      return;
    }
    Receiver receiver = exchange.getRequestReceiver();
    receiver.setMaxBufferSize(maxBodyBytes);
    receiver.receiveFullBytes(
        (ex, body) -> onWorker(ex, () -> respond(ex, operation, userToken, body)),
        this::onReceiveFailure);
  }

  private void respond(
      HttpServerExchange exchange, Operation operation, String userToken, byte[] body) {
    MessageLite response;
    try {
      response = operation.call(service, userToken, body);
    } catch (InvalidProtocolBufferException e) {
      LOG.debug("{}: malformed body: {}", operation.methodName(), e.getMessage());
      ErrorResponses.send(exchange, StatusCodes.BAD_REQUEST, ErrorCode.INVALID_REQUEST_EXCEPTION,
          "request body is not a valid " + operation.requestType());
      return;
    } catch (VssException e) {
      LOG.debug("{} failed: {}", operation.methodName(), e);
      sendFailure(exchange, e);
      return;
    } catch (RuntimeException e) {
      LOG.error("{} failed unexpectedly", operation.methodName(), e);
      sendFailure(exchange, VssException.internal());
      return;
    }
    ErrorResponses.sendBody(exchange, StatusCodes.OK, response.toByteArray());
  }

  private void onReceiveFailure(HttpServerExchange exchange, IOException e) {
    if (e instanceof Receiver.RequestToLargeException || e instanceof RequestTooBigException) {
      rejectTooLarge(exchange);
      return;
    }
    // The client went away or broke the framing mid-body: the connection is not reusable.
    LOG.debug("reading a request body failed: {}", e.toString());
    exchange.setPersistent(false);
    ErrorResponses.send(exchange, StatusCodes.BAD_REQUEST, ErrorCode.INVALID_REQUEST_EXCEPTION,
        "could not read the request body");
  }

  private void rejectTooLarge(HttpServerExchange exchange) {
    // The rest of the body is never read, so this connection cannot carry another request.
    exchange.setPersistent(false);
    ErrorResponses.send(exchange, StatusCodes.REQUEST_ENTITY_TOO_LARGE,
        ErrorCode.INVALID_REQUEST_EXCEPTION,
        "request body exceeds the limit of " + maxBodyBytes + " bytes");
  }

  private static void sendFailure(HttpServerExchange exchange, VssException e) {
    ErrorResponses.send(exchange, ErrorResponses.statusOf(e.errorCode()), e.errorCode(),
        e.getMessage());
  }

  /** Runs {@code task} off the IO threads: on the executor from an IO thread, else right here. */
  private void onWorker(HttpServerExchange exchange, Runnable task) {
    if (exchange.isInIoThread()) {
      dispatch(exchange, task);
    } else {
      task.run();
    }
  }

  private void dispatch(HttpServerExchange exchange, Runnable task) {
    if (executor == null) {
      exchange.dispatch(task);
    } else {
      exchange.dispatch(executor, task);
    }
  }

  /** The request headers for the authorizer: first value per name, names case-insensitive. */
  private static Map<String, String> headersOf(HttpServerExchange exchange) {
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (HeaderValues values : exchange.getRequestHeaders()) {
      headers.putIfAbsent(values.getHeaderName().toString(), values.getFirst());
    }
    return Collections.unmodifiableMap(headers);
  }
}
