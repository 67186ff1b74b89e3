package dev.vss.server;

import dev.vss.core.VssService;
import dev.vss.core.auth.Authorizer;
import dev.vss.proto.ErrorCode;
import io.undertow.Handlers;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import io.undertow.server.handlers.PathHandler;
import io.undertow.util.StatusCodes;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.OptionMap;

/**
 * A standalone VSS HTTP server: the {@link VssHttpHandler} under a base path (default {@code
 * /vss}), plus {@code GET /health}, {@code GET /ready} and {@code GET /metrics}, over HTTP or
 * HTTPS.
 *
 * <p>The server does not own the {@link VssService} or its storage: {@link #stop()} stops serving
 * and lets in-flight requests finish, and the caller closes the storage afterwards.
 *
 * <pre>{@code
 * try (Storage storage = new InMemoryStorage()) {
 *   VssServer server = VssServer.builder(new VssService(storage, Limits.DEFAULTS))
 *       .authorizer(new NoAuthorizer()).bind("127.0.0.1", 0).start();
 *   URI api = server.baseUri();   // http://127.0.0.1:<port>/vss
 *   ...
 *   server.stop();
 * }
 * }</pre>
 */
@NullMarked
public final class VssServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VssServer.class);

  /** The path of the liveness endpoint ({@code GET /health}: 200 while the process serves). */
  public static final String HEALTH_PATH = "/health";

  /**
   * The slf4j logger the access log writes to, one line per API request at INFO; an application
   * turns the access log off there or with {@link Builder#accessLog(boolean)}.
   */
  public static final String ACCESS_LOGGER = AccessLog.LOGGER_NAME;

  /** The base path of the VSS API unless configured otherwise, as the reference server uses. */
  public static final String DEFAULT_BASE_PATH = "/vss";

  /**
   * Worker threads unless configured otherwise. A durable put holds its worker until its commit (an
   * fsync) returns (except a small write on a store that {@linkplain
   * dev.vss.core.VssService#writesWithoutBlocking() writes without blocking}, which waits for it
   * without a thread), so the pool bounds how many writes can wait on one group commit: with
   * Undertow's default (8 per IO thread, 16 on two cores) 64 connections of durable puts reached
   * 51-64% of the rate they reach with 128 workers (see BENCHMARKS.md). Idle workers are not
   * started, so a large pool costs nothing until the load needs it.
   */
  public static final int DEFAULT_WORKER_THREADS = 128;

  /** How long {@link #stop()} waits for in-flight requests unless configured otherwise. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

  private final HttpListener listener;
  private final GracefulShutdownHandler graceful;
  private final ServerMetrics metrics;
  private final dev.vss.core.spi.Storage storage;
  private final InetSocketAddress address;
  private final String basePath;
  private final boolean tls;
  private final Duration shutdownTimeout;
  private boolean stopped;

  private VssServer(Builder builder) {
    VssService service = builder.service;
    this.basePath = builder.basePath;
    this.tls = builder.sslContext != null;
    this.shutdownTimeout = builder.shutdownTimeout;
    this.metrics = new ServerMetrics(service.storage().name());

    VssHttpHandler vss =
        new VssHttpHandler(
            service,
            Objects.requireNonNull(builder.authorizer, "authorizer"), // checked by start()
            builder.maxBodyBytes,
            null,
            builder.maxInFlightBodyBytes > 0
                ? builder.maxInFlightBodyBytes
                : VssHttpHandler.defaultMaxInFlightBodyBytes(builder.maxBodyBytes),
            builder.bodyReadTimeout,
            builder.maxConcurrentRequests >= 0
                ? builder.maxConcurrentRequests
                : defaultMaxConcurrentRequests(builder.workerThreads),
            builder.rateLimits,
            metrics.loadRejections(),
            builder.nanoTime);
    metrics.bodyBytesInFlightFrom(vss::bodyBytesInFlight);
    metrics.rateLimitUsersFrom(vss::rateLimitedUsersTracked);
    // Store commit batches and latency: a store without group commit ignores the observer.
    service.storage().observeCommits(metrics.commitObserver());
    this.storage = service.storage();
    HttpHandler api = new MetricsHandler(metrics, builder.accessLog, vss);
    PathHandler paths =
        new PathHandler(
            exchange ->
                ErrorResponses.send(
                    exchange,
                    StatusCodes.NOT_FOUND,
                    ErrorCode.INVALID_REQUEST_EXCEPTION,
                    "unknown path"));
    paths.addExactPath(HEALTH_PATH, OperationsHandlers.health());
    paths.addExactPath("/ready", OperationsHandlers.ready(service.storage()));
    paths.addExactPath("/metrics", OperationsHandlers.metrics(metrics));
    paths.addPrefixPath(basePath, api);
    this.graceful = Handlers.gracefulShutdown(Handlers.httpContinueRead(paths));
    // Outermost: every response, including the draining 503 and Undertow's own 500s, carries the
    // protocol version header and, for an error status, an ErrorResponse body.
    HttpHandler root =
        exchange -> {
          ErrorResponses.answerInProtocol(exchange);
          graceful.handleRequest(exchange);
        };

    OptionMap options =
        OptionMap.builder()
            // The VSS handler enforces the body limit itself (413 with an ErrorResponse);
            // Undertow's own limit would answer a bare 400 first. Paths that never read a body
            // close the connection instead of draining it (ErrorResponses.closeIfBodyUnread).
            .set(UndertowOptions.MAX_ENTITY_SIZE, Long.MAX_VALUE)
            // Idle keep-alive connections and slow request headers do not hold resources forever.
            .set(UndertowOptions.NO_REQUEST_TIMEOUT, 60_000)
            .set(UndertowOptions.REQUEST_PARSE_TIMEOUT, 30_000)
            .getMap();
    // stop() has already waited the graceful timeout; a worker still busy 2 s after it is
    // interrupted rather than holding shutdown (and the store's close) forever.
    this.listener =
        HttpListener.start(
            builder.host,
            builder.port,
            builder.sslContext,
            root,
            options,
            builder.workerThreads,
            2_000);
    this.address = listener.address();
  }

  /**
   * The concurrent request limit unless configured otherwise: four requests per worker thread.
   * Every worker busy (a durable put waits for its commit, on most stores) and three times as many
   * queued behind them is far more than a healthy server has in progress (the benchmarks' 64
   * connections never reach it), yet it bounds the queue a stalled store or a flood builds up
   * instead of letting it grow until clients time out and memory runs short.
   */
  public static int defaultMaxConcurrentRequests(int workerThreads) {
    return (int) Math.min(Integer.MAX_VALUE, 4L * workerThreads);
  }

  /**
   * The version of this library, such as {@code 0.1.0}: the jar's {@code Implementation-Version},
   * else the one the build recorded, else {@code unknown}. It is the {@code version} tag of the
   * {@code vss_build_info} metric.
   */
  public static String version() {
    return ServerVersion.get();
  }

  /**
   * Checks and normalizes a base path as {@link Builder#basePath} does, so an application can
   * reject a bad setting before it starts anything: it must start with {@code /}, have no empty
   * segment and none of {@code ? # %} or whitespace, and not be an operator path ({@code /health},
   * {@code /ready}, {@code /metrics}); a trailing {@code /} is dropped.
   *
   * @throws IllegalArgumentException saying which rule is broken
   */
  public static String normalizeBasePath(String basePath) {
    return BasePath.normalize(basePath);
  }

  /** Starts configuring a server for {@code service}. */
  public static Builder builder(VssService service) {
    return new Builder(service);
  }

  /** The address the server listens on (with the real port when port 0 was asked for). */
  public InetSocketAddress address() {
    return address;
  }

  /** The URI of the VSS API, such as {@code http://127.0.0.1:8080/vss}. */
  public URI baseUri() {
    return URI.create(rootUri() + (basePath.equals("/") ? "" : basePath));
  }

  /** The URI of the server root, such as {@code https://127.0.0.1:8443}. */
  public URI rootUri() {
    String host = address.getAddress().getHostAddress();
    if (host.indexOf(':') >= 0) {
      host = "[" + host + "]";
    }
    return URI.create((tls ? "https" : "http") + "://" + host + ":" + address.getPort());
  }

  /** Whether the server speaks HTTPS. */
  public boolean isTls() {
    return tls;
  }

  /**
   * Stops the server gracefully: answers every new request with 503, waits up to the shutdown
   * timeout for in-flight requests to finish and send their responses, then closes the listener and
   * every connection. Calling it again does nothing.
   *
   * @return true if every in-flight request finished within the timeout
   */
  public synchronized boolean stop() {
    if (stopped) {
      return true;
    }
    stopped = true;
    // Not ListenerInfo.suspend(): it also closes open connections, cutting off in-flight requests.
    // New requests get 503 until every in-flight one has finished; then the listener closes.
    graceful.shutdown();
    boolean drained;
    try {
      drained = graceful.awaitShutdown(shutdownTimeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      drained = false;
    }
    if (!drained) {
      LOG.warn(
          "{} request(s) still in flight after {} s; closing their connections",
          metrics.inFlight(),
          shutdownTimeout.toSeconds());
    }
    listener.stop();
    storage.observeCommits(dev.vss.core.spi.CommitObserver.NONE);
    metrics.close();
    return drained;
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  /** Configures and starts a {@link VssServer}. */
  public static final class Builder {
    private final VssService service;
    private @Nullable Authorizer authorizer;
    private String host = "127.0.0.1";
    private int port = 8080;
    private long maxBodyBytes;
    private String basePath = DEFAULT_BASE_PATH;
    private @Nullable SSLContext sslContext;
    private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
    private int workerThreads = DEFAULT_WORKER_THREADS;

    /** 0: {@link VssHttpHandler#defaultMaxInFlightBodyBytes} of the body limit. */
    private long maxInFlightBodyBytes;

    private Duration bodyReadTimeout = VssHttpHandler.DEFAULT_BODY_READ_TIMEOUT;
    private boolean accessLog = true;

    /** Negative: {@link #defaultMaxConcurrentRequests} of the worker threads. */
    private int maxConcurrentRequests = -1;

    private RateLimits rateLimits = RateLimits.OFF;
    private java.util.function.LongSupplier nanoTime = System::nanoTime;

    private Builder(VssService service) {
      this.service = Objects.requireNonNull(service, "service");
      this.maxBodyBytes = service.limits().maxRequestBodyBytes();
    }

    /** Who callers are (required). */
    public Builder authorizer(Authorizer authorizer) {
      this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
      return this;
    }

    /** The listen address; port 0 picks a free port. Default {@code 127.0.0.1:8080}. */
    public Builder bind(String host, int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, was " + port);
      }
      this.host = Objects.requireNonNull(host, "host");
      this.port = port;
      return this;
    }

    /** The largest request body; default the service's {@code Limits.maxRequestBodyBytes()}. */
    public Builder maxBodyBytes(long maxBodyBytes) {
      if (maxBodyBytes <= 0 || maxBodyBytes > VssHttpHandler.MAX_BODY_LIMIT) {
        throw new IllegalArgumentException(
            "maxBodyBytes must be between 1 and "
                + VssHttpHandler.MAX_BODY_LIMIT
                + ", was "
                + maxBodyBytes);
      }
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    /**
     * The path the VSS API is served under, such as {@code /vss} (the default) or {@code /}; it
     * must start with {@code /} and must not be one of the operator paths.
     */
    public Builder basePath(String basePath) {
      this.basePath = BasePath.normalize(basePath);
      return this;
    }

    /** Serve HTTPS with {@code sslContext} instead of plain HTTP. */
    public Builder tls(SSLContext sslContext) {
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      return this;
    }

    /** How long {@link VssServer#stop()} waits for in-flight requests; default 30 s. */
    public Builder shutdownTimeout(Duration shutdownTimeout) {
      if (shutdownTimeout.isNegative()) {
        throw new IllegalArgumentException("shutdownTimeout must not be negative");
      }
      this.shutdownTimeout = shutdownTimeout;
      return this;
    }

    /**
     * How many worker threads run authorization, parsing and storage calls; default {@link
     * #DEFAULT_WORKER_THREADS}. At most this many requests are in the store at once.
     */
    public Builder workerThreads(int workerThreads) {
      if (workerThreads < 1) {
        throw new IllegalArgumentException(
            "workerThreads must be at least 1, was " + workerThreads);
      }
      this.workerThreads = workerThreads;
      return this;
    }

    /**
     * The most bytes of request-body buffers all requests may hold at once; a request that would go
     * over it gets 503 with {@code Retry-After}. Default: a quarter of the maximum heap, at least
     * the body limit. Must not be below the body limit.
     */
    public Builder maxInFlightBodyBytes(long maxInFlightBodyBytes) {
      if (maxInFlightBodyBytes <= 0) {
        throw new IllegalArgumentException(
            "maxInFlightBodyBytes must be positive, was " + maxInFlightBodyBytes);
      }
      this.maxInFlightBodyBytes = maxInFlightBodyBytes;
      return this;
    }

    /** How long a request body may take to arrive; a slower one gets 408. Default 30 s. */
    public Builder bodyReadTimeout(Duration bodyReadTimeout) {
      if (bodyReadTimeout.isNegative() || bodyReadTimeout.isZero()) {
        throw new IllegalArgumentException("bodyReadTimeout must be positive");
      }
      this.bodyReadTimeout = bodyReadTimeout;
      return this;
    }

    /**
     * Whether each API request is logged as one line at INFO on the logger {@code vss.access}
     * (method, status, latency, bytes and a hash of the user token; never the token); default on.
     */
    public Builder accessLog(boolean accessLog) {
      this.accessLog = accessLog;
      return this;
    }

    /**
     * The most VSS API requests served at once, from routing until the response is sent; more get
     * 503 with {@code Retry-After: 1} at once instead of waiting in a queue. {@code /health},
     * {@code /ready} and {@code /metrics} are never counted nor refused. 0 for no limit. Default
     * {@link #defaultMaxConcurrentRequests} (4 per worker thread).
     */
    public Builder maxConcurrentRequests(int maxConcurrentRequests) {
      if (maxConcurrentRequests < 0) {
        throw new IllegalArgumentException(
            "maxConcurrentRequests must not be negative, was " + maxConcurrentRequests);
      }
      this.maxConcurrentRequests = maxConcurrentRequests;
      return this;
    }

    /**
     * Per-user rate limits (429 with {@code Retry-After} over them); default {@link
     * RateLimits#OFF}. A written-bytes burst must be at least the body limit.
     */
    public Builder rateLimits(RateLimits rateLimits) {
      this.rateLimits = Objects.requireNonNull(rateLimits, "rateLimits");
      return this;
    }

    /** The clock of the rate limits' token buckets, for tests. */
    Builder rateLimitClock(java.util.function.LongSupplier nanoTime) {
      this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
      return this;
    }

    /** Binds the listener and starts serving. */
    public VssServer start() {
      if (authorizer == null) {
        throw new IllegalStateException("an authorizer is required");
      }
      return new VssServer(this);
    }
  }
}
