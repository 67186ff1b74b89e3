package dev.vss.server;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.UnsafeByteOperations;
import dev.vss.core.VssException;
import dev.vss.core.VssService;
import dev.vss.core.auth.Authorizer;
import dev.vss.proto.ErrorCode;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;

/**
 * The VSS protocol over HTTP (SPEC section 1) as an Undertow {@link HttpHandler}: {@code POST
 * /getObject}, {@code /putObjects}, {@code /deleteObject} and {@code /listKeyVersions} relative to
 * wherever it is mounted, protobuf bodies in and out.
 *
 * <p>It is deliberately thin: route, enforce the body limit, authorize, parse, call {@link
 * VssService}, map the outcome to a status. Every VSS rule lives in the service.
 *
 * <ol>
 *   <li>An unknown path answers 404 and a method other than POST on a VSS path answers 405, both
 *       with a decodable {@code ErrorResponse}.
 *   <li>A body larger than {@code maxBodyBytes} answers 413 ({@code INVALID_REQUEST_EXCEPTION}); a
 *       declared {@code Content-Length} over the limit is refused before any byte is read, and a
 *       body without one is cut off as soon as it passes the limit, so the handler never buffers
 *       more than the limit.
 *   <li>Parsing and the storage call run on a worker executor, never blocking an IO thread; so does
 *       authorization when the authorizer {@linkplain Authorizer#mayBlock may block}, otherwise it
 *       runs on the IO thread (saving two thread hand-offs per request). A write of at most {@link
 *       #INLINE_WRITE_BYTES} on a store that {@linkplain VssService#writesWithoutBlocking() writes
 *       without blocking} is parsed and queued on the IO thread instead and answered when the store
 *       completes it, so no worker waits for its commit. Authorization happens before the body is
 *       read, so an unauthenticated client cannot make the server buffer a body.
 *   <li>A {@link VssException} maps to its status (409, 400, 500, 404, 401); anything else is
 *       logged and answers 500 with a generic message.
 *   <li>Load limits, when configured: more than {@code maxConcurrentRequests} API requests at once
 *       are shed at once with 503 and {@code Retry-After}, never queued; a user over a {@link
 *       RateLimits} limit gets 429 with {@code Retry-After} (checked after authorization, so the
 *       limit is per authenticated user; a write's body bytes are taken from its written-bytes
 *       bucket before the body is read when its length is declared). Both answers carry an {@code
 *       ErrorResponse} with {@code INTERNAL_SERVER_EXCEPTION}, which deployed clients retry.
 * </ol>
 *
 * <p>Embedding: mount it under a path of your own, for example {@code
 * Handlers.path().addPrefixPath( "/backup", new VssHttpHandler(service, authorizer, limit))}, and
 * on the Undertow builder
 *
 * <ul>
 *   <li>set {@code UndertowOptions.MAX_ENTITY_SIZE} above {@code maxBodyBytes} (for example {@code
 *       Long.MAX_VALUE}): Undertow's default of 2 MiB refuses larger declared bodies with a bare
 *       400 before this handler runs, and a body just over the handler's limit should get 413;
 *   <li>wrap the root handler in {@code Handlers.httpContinueRead(...)} so clients sending {@code
 *       Expect: 100-continue} are answered.
 * </ul>
 */
@NullMarked
public final class VssHttpHandler implements HttpHandler {
  /**
   * The VSS method an exchange asked for ({@code getObject}, ...), or {@code unknown} for a path
   * that names none; set before any response is sent, read by metrics and access logs.
   */
  public static final AttachmentKey<String> METHOD = AttachmentKey.create(String.class);

  /**
   * The caller's user token, attached once the authorizer has accepted the request, for the access
   * log (which logs only a hash of it). Never sent anywhere.
   */
  static final AttachmentKey<String> USER_TOKEN = AttachmentKey.create(String.class);

  /** The quota a write was refused for, attached before its response is sent, for the metrics. */
  static final AttachmentKey<dev.vss.core.Quotas.Kind> QUOTA_REFUSED =
      AttachmentKey.create(dev.vss.core.Quotas.Kind.class);

  /** The {@link #METHOD} value of a request whose path names no VSS method. */
  public static final String UNKNOWN_METHOD = "unknown";

  /**
   * The largest body limit that can be configured: the largest byte array, less the JVM's array
   * header slack.
   */
  public static final int MAX_BODY_LIMIT = Integer.MAX_VALUE - 8;

  /**
   * How long a request body may take to arrive, from the moment the handler starts reading it,
   * unless configured otherwise. LDK Node's client gives up on a whole call after 10 s, so a body
   * still arriving after this is no client worth waiting for.
   */
  public static final Duration DEFAULT_BODY_READ_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Responses larger than this are streamed and counted against the body budget (see {@link
   * #sendLarge}); smaller ones are serialized into one array, which costs nothing worth counting.
   */
  static final int STREAMED_RESPONSE_BYTES = 64 * 1024;

  /**
   * Writes with bodies up to this size are parsed and queued on the IO thread when the store writes
   * without blocking (see {@link #respondToBody}); larger ones are parsed on a worker, so that no
   * IO thread spends long on one request.
   */
  static final int INLINE_WRITE_BYTES = 64 * 1024;

  /** The {@code Retry-After} seconds of a 503 for a full body budget or too many requests. */
  private static final long RETRY_AFTER = 1;

  /** {@link #RETRY_AFTER} as the header carries it. */
  static final String RETRY_AFTER_SECONDS = Long.toString(RETRY_AFTER);

  /** No limit on concurrent requests. */
  public static final int UNLIMITED_CONCURRENT_REQUESTS = 0;

  private static final Logger LOG = LoggerFactory.getLogger(VssHttpHandler.class);

  private final VssService service;
  private final Authorizer authorizer;
  private final int maxBodyBytes;
  private final @Nullable Executor executor;
  private final BodyBudget budget;
  private final Duration bodyReadTimeout;

  /** Permits for API requests being served; null for no limit. */
  private final @Nullable Semaphore concurrency;

  private final int maxConcurrentRequests;

  /** Null when no rate limit is on. */
  private final @Nullable UserRateLimiter rateLimiter;

  private final LoadRejections rejections;

  /** Benign race: at worst the warning is logged a few times. */
  private volatile boolean warnedAboutEntityLimit;

  /**
   * A handler that runs its work on Undertow's worker pool, with the default in-flight body budget
   * and body read timeout.
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
   * A handler that runs authorization and storage calls on {@code executor}, with the default
   * in-flight body budget ({@link #defaultMaxInFlightBodyBytes}) and body read timeout ({@link
   * #DEFAULT_BODY_READ_TIMEOUT}).
   *
   * @param executor where blocking work runs; null for the worker pool of the Undertow connection
   * @throws IllegalArgumentException if {@code maxBodyBytes} is not between 1 and 2147483639
   */
  public VssHttpHandler(
      VssService service, Authorizer authorizer, long maxBodyBytes, @Nullable Executor executor) {
    this(
        service,
        authorizer,
        maxBodyBytes,
        executor,
        defaultMaxInFlightBodyBytes(maxBodyBytes),
        DEFAULT_BODY_READ_TIMEOUT);
  }

  /**
   * A handler with every setting explicit.
   *
   * @param executor where blocking work runs; null for the worker pool of the Undertow connection
   * @param maxInFlightBodyBytes the most bytes of request-body buffers held at once by all requests
   *     of this handler; a request that would go over it gets 503 with {@code Retry-After}. At
   *     least {@code maxBodyBytes}, so one body of the largest size always fits.
   * @param bodyReadTimeout how long a body may take to arrive; a slower one gets 408
   * @throws IllegalArgumentException for a limit out of range or a non-positive timeout
   */
  public VssHttpHandler(
      VssService service,
      Authorizer authorizer,
      long maxBodyBytes,
      @Nullable Executor executor,
      long maxInFlightBodyBytes,
      Duration bodyReadTimeout) {
    this(
        service,
        authorizer,
        maxBodyBytes,
        executor,
        maxInFlightBodyBytes,
        bodyReadTimeout,
        UNLIMITED_CONCURRENT_REQUESTS,
        RateLimits.OFF);
  }

  /**
   * A handler with every setting explicit, load limits included.
   *
   * @param maxConcurrentRequests the most API requests served at once (from routing until the
   *     response is sent); more get 503 with {@code Retry-After} at once. {@link
   *     #UNLIMITED_CONCURRENT_REQUESTS} (0) for no limit.
   * @param rateLimits per-user rate limits; {@link RateLimits#OFF} for none
   * @throws IllegalArgumentException for a limit out of range, a non-positive timeout, or a
   *     written-bytes burst below {@code maxBodyBytes} (a write of the largest size could never
   *     pass)
   */
  public VssHttpHandler(
      VssService service,
      Authorizer authorizer,
      long maxBodyBytes,
      @Nullable Executor executor,
      long maxInFlightBodyBytes,
      Duration bodyReadTimeout,
      int maxConcurrentRequests,
      RateLimits rateLimits) {
    this(
        service,
        authorizer,
        maxBodyBytes,
        executor,
        maxInFlightBodyBytes,
        bodyReadTimeout,
        maxConcurrentRequests,
        rateLimits,
        LoadRejections.NONE,
        System::nanoTime);
  }

  /** As above, with a listener for the metrics and the rate limiter's clock (tests). */
  VssHttpHandler(
      VssService service,
      Authorizer authorizer,
      long maxBodyBytes,
      @Nullable Executor executor,
      long maxInFlightBodyBytes,
      Duration bodyReadTimeout,
      int maxConcurrentRequests,
      RateLimits rateLimits,
      LoadRejections rejections,
      LongSupplier nanoTime) {
    if (maxConcurrentRequests < 0) {
      throw new IllegalArgumentException(
          "maxConcurrentRequests must not be negative, was " + maxConcurrentRequests);
    }
    Objects.requireNonNull(rateLimits, "rateLimits");
    if (rateLimits.limitsWriteBytes() && rateLimits.writeBytesBurst() < maxBodyBytes) {
      throw new IllegalArgumentException(
          "the written-bytes burst ("
              + rateLimits.writeBytesBurst()
              + ") must be at least maxBodyBytes ("
              + maxBodyBytes
              + "), or a write of the largest size could never pass");
    }
    this.maxConcurrentRequests = maxConcurrentRequests;
    this.concurrency =
        maxConcurrentRequests == UNLIMITED_CONCURRENT_REQUESTS
            ? null
            : new Semaphore(maxConcurrentRequests);
    this.rateLimiter = rateLimits.enabled() ? new UserRateLimiter(rateLimits, nanoTime) : null;
    this.rejections = Objects.requireNonNull(rejections, "rejections");
    this.service = Objects.requireNonNull(service, "service");
    this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
    this.maxBodyBytes = checkedBodyLimit(maxBodyBytes);
    this.executor = executor;
    if (maxInFlightBodyBytes < maxBodyBytes) {
      throw new IllegalArgumentException(
          "maxInFlightBodyBytes ("
              + maxInFlightBodyBytes
              + ") must be at least maxBodyBytes ("
              + maxBodyBytes
              + ")");
    }
    this.budget = new BodyBudget(maxInFlightBodyBytes);
    this.bodyReadTimeout = Objects.requireNonNull(bodyReadTimeout, "bodyReadTimeout");
    if (bodyReadTimeout.isNegative() || bodyReadTimeout.isZero()) {
      throw new IllegalArgumentException("bodyReadTimeout must be positive");
    }
  }

  /**
   * The default in-flight body budget: a quarter of the JVM's maximum heap, and at least one body
   * of the largest size. A put holds its body (which the parsed value aliases) plus at most one
   * copy the store makes, so bodies in flight stay under half the heap.
   */
  public static long defaultMaxInFlightBodyBytes(long maxBodyBytes) {
    return Math.max(maxBodyBytes, Runtime.getRuntime().maxMemory() / 4);
  }

  private static int checkedBodyLimit(long maxBodyBytes) {
    if (maxBodyBytes <= 0 || maxBodyBytes > MAX_BODY_LIMIT) {
      throw new IllegalArgumentException(
          "maxBodyBytes must be between 1 and " + MAX_BODY_LIMIT + ", was " + maxBodyBytes);
    }
    return (int) maxBodyBytes;
  }

  /** Bytes of request-body buffers held now; for tests and metrics. */
  long bodyBytesInFlight() {
    return budget.used();
  }

  /** Users whose rate-limit buckets are kept now; for metrics. */
  long rateLimitedUsersTracked() {
    return rateLimiter == null ? 0 : rateLimiter.trackedUsers();
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    // First of all: whatever ends this exchange, even a response Undertow makes after a throw,
    // carries the protocol version header the client checks before anything else.
    ErrorResponses.answerInProtocol(exchange);
    Operation operation = Operation.forPath(exchange.getRelativePath());
    if (operation == null) {
      exchange.putAttachment(METHOD, UNKNOWN_METHOD);
      ErrorResponses.send(
          exchange,
          StatusCodes.NOT_FOUND,
          ErrorCode.INVALID_REQUEST_EXCEPTION,
          "no VSS method at this path; use POST .../getObject, .../putObjects,"
              + " .../deleteObject or .../listKeyVersions");
      return;
    }
    exchange.putAttachment(METHOD, operation.methodName());
    if (!Methods.POST.equals(exchange.getRequestMethod())) {
      exchange.getResponseHeaders().put(Headers.ALLOW, Methods.POST_STRING);
      ErrorResponses.send(
          exchange,
          StatusCodes.METHOD_NOT_ALLOWED,
          ErrorCode.INVALID_REQUEST_EXCEPTION,
          operation.methodName() + " accepts only POST");
      return;
    }
    warnIfUndertowLimitIsLower(exchange);
    String contentLength = exchange.getRequestHeaders().getFirst(Headers.CONTENT_LENGTH);
    if (contentLength != null && declaredLengthExceedsLimit(contentLength)) {
      rejectTooLarge(exchange);
      return;
    }
    if (!admit(exchange)) {
      return;
    }
    if (!budget.wouldFit(Math.max(0, exchange.getRequestContentLength()))) {
      rejectBusy(exchange);
      return;
    }
    if (authorizer.mayBlock()) {
      dispatch(exchange, () -> authorizeThenReceive(exchange, operation));
    } else {
      guarded(exchange, () -> authorizeThenReceive(exchange, operation));
    }
  }

  /**
   * Takes a permit for the request, released when its exchange completes however it ends; without
   * one left, answers 503 at once (a queue of waiting requests would hold their connections and
   * bodies without bound, and their clients would time out anyway).
   */
  private boolean admit(HttpServerExchange exchange) {
    if (concurrency == null) {
      return true;
    }
    if (!concurrency.tryAcquire()) {
      rejections.shed(LoadRejections.ShedReason.CONCURRENCY);
      LOG.debug("{} requests in progress, the limit; answering 503", maxConcurrentRequests);
      ErrorResponses.sendRetryLater(
          exchange,
          StatusCodes.SERVICE_UNAVAILABLE,
          RETRY_AFTER,
          "server busy: too many requests in progress; retry after " + RETRY_AFTER_SECONDS + " s");
      return false;
    }
    exchange.addExchangeCompleteListener(
        (ex, next) -> {
          concurrency.release();
          next.proceed();
        });
    return true;
  }

  /**
   * Takes the caller's request token and, for a write whose body length is declared, its bytes;
   * answers 429 when the user is over a limit.
   */
  private boolean withinRateLimits(
      HttpServerExchange exchange, Operation operation, String userToken) {
    if (rateLimiter == null) {
      return true;
    }
    long wait = rateLimiter.tryRequest(userToken);
    if (wait > 0) {
      rejectRateLimited(exchange, LoadRejections.RateLimitKind.REQUESTS, wait);
      return false;
    }
    long declared = exchange.getRequestContentLength();
    if (declared >= 0 && operation.writes()) {
      return withinWriteBytes(exchange, userToken, declared);
    }
    return true;
  }

  /** Takes {@code bytes} written bytes of the caller; answers 429 when over the limit. */
  private boolean withinWriteBytes(HttpServerExchange exchange, String userToken, long bytes) {
    UserRateLimiter limiter = rateLimiter;
    if (limiter == null) {
      return true;
    }
    long wait = limiter.tryWriteBytes(userToken, bytes);
    if (wait > 0) {
      rejectRateLimited(exchange, LoadRejections.RateLimitKind.BYTES, wait);
      return false;
    }
    return true;
  }

  private void rejectRateLimited(
      HttpServerExchange exchange, LoadRejections.RateLimitKind kind, long waitNanos) {
    rejections.rateLimited(kind);
    long seconds = retryAfterSeconds(waitNanos);
    LOG.debug("rate limit ({}) reached; answering 429, retry after {} s", kind.label(), seconds);
    ErrorResponses.sendRetryLater(
        exchange,
        dev.vss.protocol.ErrorStatus.TOO_MANY_REQUESTS,
        seconds,
        "rate limit of " + kind.label() + " per second reached; retry after " + seconds + " s");
  }

  /** Whole seconds, rounded up, at least 1 (Retry-After has no fractions). */
  static long retryAfterSeconds(long waitNanos) {
    long seconds = waitNanos / 1_000_000_000L + (waitNanos % 1_000_000_000L == 0 ? 0 : 1);
    return Math.max(1, seconds);
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
      LOG.warn(
          "Undertow's MAX_ENTITY_SIZE ({} bytes) is not above the VSS body limit ({} bytes):"
              + " Undertow answers larger bodies with a bare 400 instead of the VSS 413. Set"
              + " UndertowOptions.MAX_ENTITY_SIZE to Long.MAX_VALUE on the Undertow builder.",
          undertowLimit,
          maxBodyBytes);
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
    exchange.putAttachment(USER_TOKEN, userToken);
    if (!withinRateLimits(exchange, operation, userToken)) {
      return;
    }
    boolean countBytesAfterRead =
        rateLimiter != null
            && rateLimiter.limitsWriteBytes()
            && operation.writes()
            && exchange.getRequestContentLength() < 0;
    // The body is read on the connection's IO thread, where the reader's timeout also runs.
    Runnable receive =
        () ->
            guarded(
                exchange,
                () ->
                    BodyReader.start(
                        exchange,
                        maxBodyBytes,
                        budget,
                        bodyReadTimeout,
                        new BodyReader.Callback() {
                          @Override
                          public void complete(HttpServerExchange ex, byte[] body, int length) {
                            // A chunked body's length is known only now.
                            if (countBytesAfterRead && !withinWriteBytes(ex, userToken, length)) {
                              return;
                            }
                            guarded(
                                ex, () -> respondToBody(ex, operation, userToken, body, length));
                          }

                          @Override
                          public void failed(
                              HttpServerExchange ex,
                              BodyReader.Failure failure,
                              IOException cause) {
                            guarded(ex, () -> onReceiveFailure(ex, failure, cause));
                          }
                        }));
    if (exchange.isInIoThread()) {
      receive.run();
    } else {
      exchange.getIoThread().execute(receive);
    }
  }

  /**
   * Answers a request whose body has arrived, on the IO thread. A write with a small body, on a
   * store that {@linkplain VssService#writesWithoutBlocking() writes without blocking}, is parsed
   * and queued right here and answered from its commit's completion: no worker thread waits for the
   * commit, which saves two thread hand-offs per write. Everything else runs on a worker.
   */
  private void respondToBody(
      HttpServerExchange exchange, Operation operation, String userToken, byte[] body, int length) {
    if (operation.writes() && length <= INLINE_WRITE_BYTES && service.writesWithoutBlocking()) {
      // Dispatching to the same thread keeps the exchange open when the body arrived within the
      // handler's own call (Undertow ends an exchange whose handler returns undispatched) and runs
      // the task at once otherwise.
      exchange.dispatch(
          SameThreadExecutor.INSTANCE,
          () ->
              guarded(
                  exchange,
                  () -> respondWhenWritten(exchange, operation, userToken, body, length)));
    } else {
      dispatch(exchange, () -> respond(exchange, operation, userToken, body, length));
    }
  }

  /** Serves a request on a worker thread, waiting for the service's answer. */
  private void respond(
      HttpServerExchange exchange, Operation operation, String userToken, byte[] body, int length) {
    MessageLite response;
    try {
      response = operation.call(service, userToken, input(body, length));
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      answerFailure(exchange, operation, e);
      return;
    }
    answer(exchange, response, true);
  }

  /**
   * Serves a write without waiting for it: parses it and queues it on the IO thread, and answers
   * from the completion of its commit (on the store's writer thread, which only hands the answer to
   * the IO thread).
   */
  private void respondWhenWritten(
      HttpServerExchange exchange, Operation operation, String userToken, byte[] body, int length) {
    CompletionStage<? extends MessageLite> written;
    try {
      written = operation.callAsync(service, userToken, input(body, length));
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      answerFailure(exchange, operation, e);
      return;
    }
    written.whenComplete(
        (response, failure) -> {
          Runnable reply =
              () ->
                  guarded(
                      exchange,
                      () -> {
                        if (failure == null) {
                          answer(exchange, response, false);
                        } else {
                          answerFailure(exchange, operation, unwrapped(failure));
                        }
                      });
          if (exchange.isInIoThread()) {
            reply.run(); // the stage was complete already
          } else {
            // Only hand over: this runs on the store's writer thread, which has the next batch to
            // commit; the answer is built, logged and sent on the IO thread.
            try {
              exchange.getIoThread().execute(reply);
            } catch (RuntimeException e) { // the IO thread is gone (the server is stopping)
              failInternally(exchange, e);
            }
          }
        });
  }

  /** The body as protobuf input; a value in the request is a view of the array, not a copy. */
  private static CodedInputStream input(byte[] body, int length) {
    CodedInputStream input = UnsafeByteOperations.unsafeWrap(body, 0, length).newCodedInput();
    input.enableAliasing(true);
    return input;
  }

  /** The failure a stage completed with, as the service produced it (see {@link VssService}). */
  private static Throwable unwrapped(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
  }

  /**
   * Sends a successful answer; a large one is streamed from a worker ({@code onWorker} says whether
   * this is one already).
   */
  private void answer(HttpServerExchange exchange, MessageLite response, boolean onWorker) {
    int size = response.getSerializedSize();
    if (size <= STREAMED_RESPONSE_BYTES) {
      answerOnIoThread(exchange, StatusCodes.OK, response.toByteArray());
    } else if (onWorker) {
      sendLarge(exchange, response, size);
    } else {
      dispatch(exchange, () -> sendLarge(exchange, response, size));
    }
  }

  /** Answers a request that failed: a malformed body, a protocol outcome, or a fault. */
  private static void answerFailure(
      HttpServerExchange exchange, Operation operation, Throwable failure) {
    if (failure instanceof InvalidProtocolBufferException malformed) {
      LOG.debug("{}: malformed body: {}", operation.methodName(), malformed.getMessage());
      answerOnIoThread(
          exchange,
          StatusCodes.BAD_REQUEST,
          ErrorResponses.errorBody(
              ErrorCode.INVALID_REQUEST_EXCEPTION,
              "request body is not a valid " + operation.requestType()));
    } else if (failure instanceof VssException e) {
      LOG.debug("{} failed: {}", operation.methodName(), e);
      e.quotaExceeded().ifPresent(kind -> exchange.putAttachment(QUOTA_REFUSED, kind));
      sendFailure(exchange, e);
    } else {
      LOG.error("{} failed unexpectedly", operation.methodName(), failure);
      sendFailure(exchange, VssException.internal());
    }
  }

  /**
   * Sends a serialized answer from the connection's IO thread, so the exchange also completes
   * there. Why not from the worker: completing an exchange off the IO thread makes Undertow hand
   * the connection back with a compare-and-set that the IO thread busy-waits on when the client's
   * next request arrives first (HttpReadListener.handleEvent); on a loaded machine the worker is
   * descheduled inside that window and the IO thread spins for the rest of its time slice. A
   * profile of the benchmark's put and get loads had most of the server's CPU samples there (see
   * BENCHMARKS.md).
   */
  private static void answerOnIoThread(HttpServerExchange exchange, int status, byte[] body) {
    if (exchange.isInIoThread()) {
      ErrorResponses.sendBody(exchange, status, body);
      return;
    }
    exchange
        .getIoThread()
        .execute(() -> guarded(exchange, () -> ErrorResponses.sendBody(exchange, status, body)));
  }

  /**
   * Sends a large response (a getObject of a large value) without a serialized copy: written
   * through Undertow's pooled buffers from the value the store returned. Its size counts against
   * the same budget as request bodies while it is sent, so concurrent reads of large values cannot
   * exhaust the heap either: over the budget the value is dropped and the client gets 503 with
   * {@code Retry-After}. Runs on a worker thread, so the blocking write is allowed.
   */
  private void sendLarge(HttpServerExchange exchange, MessageLite response, int size) {
    // A value stored under a larger body limit than today's still gets served: it takes it all.
    long reservation = Math.min(size, budget.capacity());
    if (!budget.tryReserve(reservation)) {
      LOG.warn(
          "bodies in flight reached the limit of {} bytes; answering a {}-byte response"
              + " with 503",
          budget.capacity(),
          size);
      rejectBusy(exchange);
      return;
    }
    exchange.addExchangeCompleteListener(
        (ex, next) -> {
          budget.release(reservation);
          next.proceed();
        });
    exchange.setStatusCode(StatusCodes.OK);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, ErrorResponses.PROTOBUF_CONTENT_TYPE);
    ErrorResponses.markProtocolVersion(exchange);
    exchange.setResponseContentLength(size);
    exchange.startBlocking();
    try (java.io.OutputStream out = exchange.getOutputStream()) {
      response.writeTo(out);
    } catch (IOException e) {
      // The client went away mid-response; nothing can be said to it.
      LOG.debug("sending a {}-byte response failed: {}", size, String.valueOf(e));
      exchange.setPersistent(false);
      IoUtils.safeClose(exchange.getConnection());
      exchange.endExchange();
    }
  }

  private void onReceiveFailure(
      HttpServerExchange exchange, BodyReader.Failure failure, IOException cause) {
    // The rest of the body is never read, so this connection cannot carry another request.
    exchange.setPersistent(false);
    switch (failure) {
      case TOO_LARGE:
        rejectTooLarge(exchange);
        return;
      case OVER_BUDGET:
        LOG.warn(
            "request bodies in flight reached the limit of {} bytes; answering 503",
            budget.capacity());
        rejectBusy(exchange);
        return;
      case TIMED_OUT:
        LOG.debug("a request body did not arrive within {}", bodyReadTimeout);
        ErrorResponses.send(
            exchange,
            StatusCodes.REQUEST_TIME_OUT,
            ErrorCode.INVALID_REQUEST_EXCEPTION,
            "the request body did not arrive within " + bodyReadTimeout.toSeconds() + " s");
        return;
      case BROKEN:
      default:
        // The client went away or broke the framing mid-body.
        LOG.debug("reading a request body failed: {}", String.valueOf(cause));
        ErrorResponses.send(
            exchange,
            StatusCodes.BAD_REQUEST,
            ErrorCode.INVALID_REQUEST_EXCEPTION,
            "could not read the request body");
    }
  }

  private void rejectTooLarge(HttpServerExchange exchange) {
    // The rest of the body is never read, so this connection cannot carry another request.
    exchange.setPersistent(false);
    ErrorResponses.send(
        exchange,
        StatusCodes.REQUEST_ENTITY_TOO_LARGE,
        ErrorCode.INVALID_REQUEST_EXCEPTION,
        "request body exceeds the limit of " + maxBodyBytes + " bytes");
  }

  private void rejectBusy(HttpServerExchange exchange) {
    rejections.shed(LoadRejections.ShedReason.BODY_BUDGET);
    exchange.setPersistent(false);
    ErrorResponses.sendRetryLater(
        exchange,
        StatusCodes.SERVICE_UNAVAILABLE,
        RETRY_AFTER,
        "too many request bodies in flight; retry after " + RETRY_AFTER_SECONDS + " s");
  }

  private static void sendFailure(HttpServerExchange exchange, VssException e) {
    answerOnIoThread(
        exchange,
        ErrorResponses.statusOf(e.errorCode()),
        ErrorResponses.errorBody(e.errorCode(), e.getMessage()));
  }

  /**
   * Runs {@code task}; whatever it throws, {@code OutOfMemoryError} and {@code StackOverflowError}
   * included, the exchange is answered (a generic 500) or, if even that fails, its connection is
   * closed and the exchange ended, so no client waits forever and the in-flight count returns.
   */
  static void guarded(HttpServerExchange exchange, Runnable task) {
    try {
      task.run();
    } catch (Throwable t) {
      failInternally(exchange, t);
    }
  }

  private static void failInternally(HttpServerExchange exchange, Throwable t) {
    try {
      LOG.error("serving a request failed unexpectedly", t);
    } catch (Throwable logFailed) {
      // Logging needs memory too; the answer below matters more.
    }
    try {
      if (exchange.isResponseStarted()) {
        exchange.setPersistent(false);
        exchange.endExchange();
      } else {
        ErrorResponses.sendBody(
            exchange, StatusCodes.INTERNAL_SERVER_ERROR, ErrorResponses.INTERNAL_ERROR_BODY);
      }
    } catch (Throwable answerFailed) {
      IoUtils.safeClose(exchange.getConnection());
      try {
        exchange.endExchange();
      } catch (Throwable ignored) {
        // The connection is closed; ending the exchange only runs its completion listeners.
      }
    }
  }

  /** Runs {@code task} off the IO threads, guarded: on the executor (or Undertow's workers). */
  private void dispatch(HttpServerExchange exchange, Runnable task) {
    Runnable guardedTask = () -> guarded(exchange, task);
    if (executor == null) {
      exchange.dispatch(guardedTask);
    } else {
      exchange.dispatch(executor, guardedTask);
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
