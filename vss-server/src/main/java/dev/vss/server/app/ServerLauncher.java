package dev.vss.server.app;

import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.auth.Authorizer;
import dev.vss.core.spi.Storage;
import dev.vss.server.PemTls;
import dev.vss.server.RateLimits;
import dev.vss.server.VssHttpHandler;
import dev.vss.server.VssServer;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the command-line server from a {@link ServerConfig}: authorizer, TLS, store, then the
 * listener, and stops it in the reverse order. Kept apart from {@link Main} so tests can run the
 * exact start-up path in-process.
 */
final class ServerLauncher {
  private ServerLauncher() {}

  /** A start-up failure that is not a bad setting (a port in use, a store that cannot open). */
  static final class StartupFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StartupFailure(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }

  /** A started server and the store it owns. */
  static final class Running {
    private final Logger log = LoggerFactory.getLogger(ServerLauncher.class);
    private final VssServer server;
    private final Storage storage;
    private boolean stopped;

    private Running(VssServer server, Storage storage) {
      this.server = server;
      this.storage = storage;
    }

    /** The server. */
    VssServer server() {
      return server;
    }

    /**
     * Stops accepting, lets in-flight requests finish (bounded), then closes the store, so every
     * write that was acknowledged is in the store when it closes.
     */
    synchronized void shutdown() {
      if (stopped) {
        return;
      }
      stopped = true;
      log.info("shutting down: no new requests, waiting for in-flight ones");
      boolean drained = server.stop();
      try {
        storage.close();
      } catch (RuntimeException e) {
        log.error("closing the {} store failed", storage.name(), e);
      }
      log.info("stopped{}", drained ? "" : " (some requests were cut off by the shutdown timeout)");
    }
  }

  /**
   * Starts the server.
   *
   * @throws ConfigException for a bad setting found only now (a key or certificate file)
   * @throws StartupFailure if the store cannot open or the address cannot be bound
   */
  static Running start(ServerConfig config) {
    Logger log = LoggerFactory.getLogger(ServerLauncher.class);
    config.warnings().forEach(log::warn);

    Authorizer authorizer = config.auth().create(config);
    SSLContext tls = null;
    if (config.tlsCert().isPresent()) {
      try {
        tls =
            PemTls.serverContext(
                config.tlsCert().get(),
                config.sourceOf(Setting.TLS_CERT),
                config.tlsKey().orElseThrow(),
                config.sourceOf(Setting.TLS_KEY));
      } catch (PemTls.PemException e) {
        throw new ConfigException(e.getMessage(), e);
      }
    }

    String location = config.store().location(config);
    Storage storage;
    try {
      storage = config.store().open(config);
    } catch (RuntimeException e) {
      log.error("cannot open the {} store {}", config.store().configName(), location, e);
      throw new StartupFailure(
          "cannot open the "
              + config.store().configName()
              + " store "
              + location
              + ": "
              + rootMessage(e),
          e);
    }

    VssServer server;
    try {
      // The builder takes the body limit from the service's limits (--max-body-bytes), so the
      // HTTP shell and the service's checks share one number.
      VssService service = new VssService(storage, config.limits(), config.quotas());
      VssServer.Builder builder =
          VssServer.builder(service)
              .authorizer(authorizer)
              .bind(config.bindHost(), config.bindPort())
              .basePath(config.basePath())
              .shutdownTimeout(config.shutdownTimeout())
              .workerThreads(config.workerThreads())
              .maxConcurrentRequests(config.maxConcurrentRequests())
              .rateLimits(config.rateLimits())
              .bodyReadTimeout(config.bodyReadTimeout())
              .accessLog(config.accessLog());
      config.maxInFlightBodyBytes().ifPresent(builder::maxInFlightBodyBytes);
      if (tls != null) {
        builder.tls(tls);
      }
      server = builder.start();
    } catch (RuntimeException e) {
      storage.close();
      log.debug("binding {} failed", config.bindAddress(), e);
      throw new StartupFailure(
          "cannot listen on "
              + config.bindAddress()
              + " ("
              + config.sourceOf(Setting.BIND)
              + "): "
              + rootMessage(e),
          e);
    }

    log.info(
        "vss-server {} listening on {} (store={} {}, auth={}, max-body-bytes={},"
            + " worker-threads={}, max-inflight-body-bytes={}, body-read-timeout={}s,"
            + " max-concurrent-requests={}, rate-limits={})",
        VssServer.version(),
        server.baseUri(),
        config.store().configName(),
        config.store().durable() ? location : "(nothing kept)",
        config.auth().configName(),
        config.limits().maxRequestBodyBytes(),
        config.workerThreads(),
        config
            .maxInFlightBodyBytes()
            .orElse(
                VssHttpHandler.defaultMaxInFlightBodyBytes(config.limits().maxRequestBodyBytes())),
        config.bodyReadTimeout().toSeconds(),
        config.maxConcurrentRequests(),
        describe(config.rateLimits()));
    Limits limits = config.limits();
    log.info(
        "request limits: {} items per put, key {} / store id {} characters, value {} bytes,"
            + " page size {} (at most {})",
        limits.maxItemsPerPut(),
        limits.maxKeyLength(),
        limits.maxStoreIdLength(),
        limits.maxValueBytes(),
        limits.defaultPageSize(),
        limits.maxPageSize());
    if (config.quotas().enabled()) {
      log.info(
          "quotas: {} stored bytes per user, {} records per user, {} stored bytes per store"
              + " id (0: off; stored bytes are value bytes)",
          config.quotas().maxBytesPerUser(),
          config.quotas().maxRecordsPerUser(),
          config.quotas().maxBytesPerStore());
    }
    if (config.auth() == AuthMode.NONE) {
      log.warn(
          "!!! AUTHENTICATION IS DISABLED (auth=none, from {}): every request acts as one"
              + " user, so anyone who can reach {} can read and overwrite all data. Use it for local"
              + " development only. !!!",
          config.sourceOf(Setting.AUTH),
          server.rootUri());
    }
    if (!config.store().durable()) {
      log.warn("the memory store loses every write when the server stops");
    }
    return new Running(server, storage);
  }

  /** The rate limits for the start-up line, such as {@code 10/s burst 20 requests}. */
  static String describe(RateLimits limits) {
    if (!limits.enabled()) {
      return "off";
    }
    StringBuilder text = new StringBuilder();
    if (limits.limitsRequests()) {
      text.append(limits.requestsPerSecond())
          .append("/s burst ")
          .append(limits.requestBurst())
          .append(" requests");
    }
    if (limits.limitsWriteBytes()) {
      text.append(text.length() > 0 ? ", " : "")
          .append(limits.writeBytesPerSecond())
          .append("/s burst ")
          .append(limits.writeBytesBurst())
          .append(" written bytes");
    }
    return text.toString();
  }

  /**
   * The innermost cause of {@code e} as one line. Some exceptions carry only a path as their
   * message (an AccessDeniedException says just "/var/lib/vss"), so a file-system failure names its
   * kind as well: the operator must learn why, not only where.
   */
  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message;
    if (root instanceof java.nio.file.FileSystemException fs && fs.getReason() == null) {
      message = fs.getFile() + ": " + fileProblem(fs);
    } else {
      message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
    return message.replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }

  private static String fileProblem(java.nio.file.FileSystemException e) {
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof java.nio.file.FileAlreadyExistsException) {
      return "already exists";
    }
    if (e instanceof java.nio.file.NotDirectoryException) {
      return "not a directory";
    }
    return e.getClass().getSimpleName();
  }
}
