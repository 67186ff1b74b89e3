package dev.vss.server.app;

import dev.vss.server.RateLimits;
import dev.vss.store.postgres.PostgresOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The resolved settings of a standalone server, each already validated. Built by {@link
 * ServerConfigLoader}; {@link #sourceOf} says where each value came from, so start-up errors can
 * name the setting the way the user wrote it.
 *
 * @param bindHost the listen host (an IP literal or a name)
 * @param bindPort the listen port; 0 picks a free one
 * @param store the storage engine
 * @param dataDir where a durable store keeps its files
 * @param auth how callers are authenticated
 * @param jwtPublicKeyPem the RSA public key (PEM text) for JWT auth, if configured
 * @param signatureMaxSkew how far a signature auth header's time may be from the server clock
 * @param maxInFlightBodyBytes the most bytes of request-body buffers held at once; empty for the
 *     default (a quarter of the heap, at least the largest request body)
 * @param bodyReadTimeout how long a request body may take to arrive
 * @param tlsCert the PEM certificate chain for HTTPS, if configured
 * @param tlsKey the PEM private key for HTTPS, if configured
 * @param basePath the path the VSS API is served under
 * @param shutdownTimeout how long shutdown waits for in-flight requests
 * @param workerThreads how many worker threads serve requests (and may wait on a commit at once)
 * @param maxConcurrentRequests the most API requests served at once (more are shed with 503); 0 for
 *     no limit
 * @param rateLimits the per-user rate limits ({@link RateLimits#OFF} by default)
 * @param logLevel the log level (trace, debug, info, warn, error, off)
 * @param logFile the log file, if logs go to one rather than standard error
 * @param logFormat text or JSON lines
 * @param accessLog whether each API request is logged on {@code vss.access}
 * @param postgres where the postgres store connects; present exactly when the store is postgres
 * @param configFile the config file read, if any
 * @param sources where each setting came from: a flag, an environment variable, a file key, or
 *     {@code default}
 * @param warnings things worth a warning once logging is up, such as ignored config file keys
 * @param quotas the per-user quotas; {@code Quotas.NONE} (all off) by default
 * @param limits the request limits of SPEC section 6, with the largest request body the HTTP server
 *     accepts ({@link dev.vss.core.Limits#maxRequestBodyBytes()}, {@code --max-body-bytes})
 */
record ServerConfig(
    String bindHost,
    int bindPort,
    StoreKind store,
    Path dataDir,
    AuthMode auth,
    Optional<String> jwtPublicKeyPem,
    Duration signatureMaxSkew,
    java.util.OptionalLong maxInFlightBodyBytes,
    Duration bodyReadTimeout,
    Optional<Path> tlsCert,
    Optional<Path> tlsKey,
    String basePath,
    Duration shutdownTimeout,
    int workerThreads,
    int maxConcurrentRequests,
    RateLimits rateLimits,
    String logLevel,
    Optional<Path> logFile,
    Logging.Format logFormat,
    boolean accessLog,
    Optional<PostgresOptions> postgres,
    Optional<Path> configFile,
    Map<Setting, String> sources,
    List<String> warnings,
    dev.vss.core.Quotas quotas,
    dev.vss.core.Limits limits) {

  /** Copies the collections so the record stays immutable. */
  ServerConfig {
    sources = Map.copyOf(sources);
    warnings = List.copyOf(warnings);
  }

  /** Where {@code setting}'s value came from, such as {@code --bind} or {@code default}. */
  String sourceOf(Setting setting) {
    return sources.getOrDefault(setting, "default");
  }

  /** {@code HOST:PORT} as configured, with brackets around an IPv6 literal. */
  String bindAddress() {
    return (bindHost.indexOf(':') >= 0 ? "[" + bindHost + "]" : bindHost) + ":" + bindPort;
  }
}
