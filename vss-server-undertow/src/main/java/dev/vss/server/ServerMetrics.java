package dev.vss.server;

import dev.vss.core.spi.CommitObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

/**
 * The server's metrics, kept in a Micrometer {@link PrometheusMeterRegistry} of its own (one per
 * {@link VssServer}) and scraped in the Prometheus text format.
 *
 * <ul>
 *   <li>{@code vss_http_requests_total{method,code}}: finished VSS API requests by method and HTTP
 *       status;
 *   <li>{@code vss_http_request_duration_seconds{method}}: a latency histogram per method;
 *   <li>{@code vss_http_requests_in_flight}: API requests started and not yet finished;
 *   <li>{@code vss_http_request_body_bytes_in_flight}: bytes of request-body buffers held now;
 *   <li>{@code vss_store_info{store}} and {@code vss_build_info{version}}: always 1;
 *   <li>{@code vss_http_requests_rate_limited_total{kind}}: requests answered 429 by a per-user
 *       rate limit, by {@code kind} ({@code requests} or {@code bytes});
 *   <li>{@code vss_http_requests_shed_total{reason}}: requests answered 503 because the server was
 *       too busy, by {@code reason} ({@code concurrency}: the concurrent request limit; {@code
 *       body_budget}: the request bodies in memory);
 *   <li>{@code vss_rate_limit_users}: users whose rate-limit buckets are kept now;
 *   <li>{@code vss_store_commit_batch_writes} and {@code vss_store_commit_duration_seconds}: the
 *       size and latency of each transaction a group-committing store commits;
 *   <li>the JVM and the process: {@code jvm_memory_*}, {@code jvm_gc_*}, {@code jvm_threads_*},
 *       {@code jvm_classes_*}, {@code process_files_open_files}, {@code process_cpu_usage}, {@code
 *       process_uptime_seconds} and more (Micrometer's binders).
 * </ul>
 *
 * <p>Label values come from fixed sets (the four methods plus {@code unknown}, HTTP status codes),
 * so no client can grow the number of series. The request path allocates nothing: each method's
 * meters are made once, and counters per status are looked up in an array.
 */
final class ServerMetrics implements AutoCloseable {
  /** Upper bounds of the request latency buckets in seconds; {@code +Inf} is implied. */
  static final double[] BUCKETS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  /** Upper bounds of the commit batch size buckets (writes per transaction). */
  static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, MethodMeters> byMethod = new ConcurrentHashMap<>();
  private final AtomicLong inFlight = new AtomicLong();
  private volatile LongSupplier bodyBytesInFlight = () -> 0;
  private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
  private final Timer commitDuration;
  private final DistributionSummary commitBatchWrites;
  private final Counter[] rateLimited = new Counter[LoadRejections.RateLimitKind.values().length];
  private final Counter[] shed = new Counter[LoadRejections.ShedReason.values().length];
  private volatile LongSupplier rateLimitUsers = () -> 0;

  ServerMetrics(String storeName) {
    Gauge.builder("vss.http.requests.in.flight", inFlight, AtomicLong::get)
        .description("VSS API requests being served now.")
        .register(registry);
    Gauge.builder(
            "vss.http.request.body.bytes.in.flight",
            this,
            metrics -> metrics.bodyBytesInFlight.getAsLong())
        .description("Bytes of request-body buffers held now.")
        .register(registry);
    Gauge.builder("vss.store.info", () -> 1)
        .tag("store", storeName)
        .description("The storage engine behind this server.")
        .register(registry);
    Gauge.builder("vss.build.info", () -> 1)
        .tag("version", ServerVersion.get())
        .description("The version of this server.")
        .register(registry);
    commitDuration =
        Timer.builder("vss.store.commit.duration")
            .description(
                "Time from the start of a store's write transaction until its commit"
                    + " returned (group commit: one per batch).")
            .serviceLevelObjectives(durations(BUCKETS))
            .register(registry);
    commitBatchWrites =
        DistributionSummary.builder("vss.store.commit.batch.writes")
            .description("Write requests committed together in one store transaction.")
            .serviceLevelObjectives(BATCH_BUCKETS)
            .register(registry);
    for (LoadRejections.RateLimitKind kind : LoadRejections.RateLimitKind.values()) {
      rateLimited[kind.ordinal()] =
          Counter.builder("vss.http.requests.rate.limited")
              .tag("kind", kind.label())
              .description("VSS API requests answered 429 by a per-user rate limit.")
              .register(registry);
    }
    for (LoadRejections.ShedReason reason : LoadRejections.ShedReason.values()) {
      shed[reason.ordinal()] =
          Counter.builder("vss.http.requests.shed")
              .tag("reason", reason.label())
              .description("VSS API requests answered 503 because the server was too busy.")
              .register(registry);
    }
    Gauge.builder("vss.rate.limit.users", this, metrics -> metrics.rateLimitUsers.getAsLong())
        .description("Users whose rate-limit buckets are kept now.")
        .register(registry);
    for (Operation operation : Operation.values()) {
      byMethod.put(operation.methodName(), new MethodMeters(operation.methodName()));
    }
    byMethod.put(VssHttpHandler.UNKNOWN_METHOD, new MethodMeters(VssHttpHandler.UNKNOWN_METHOD));
    new JvmMemoryMetrics().bindTo(registry);
    gcMetrics.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /** Where {@code vss_http_request_body_bytes_in_flight} is read from. */
  void bodyBytesInFlightFrom(LongSupplier source) {
    this.bodyBytesInFlight = source;
  }

  /** Where {@code vss_rate_limit_users} is read from. */
  void rateLimitUsersFrom(LongSupplier source) {
    this.rateLimitUsers = source;
  }

  /** Counts the requests the handler turns away. */
  LoadRejections loadRejections() {
    return new LoadRejections() {
      @Override
      public void rateLimited(RateLimitKind kind) {
        rateLimited[kind.ordinal()].increment();
      }

      @Override
      public void shed(ShedReason reason) {
        shed[reason.ordinal()].increment();
      }
    };
  }

  /** The observer a store reports its commits to. */
  CommitObserver commitObserver() {
    return (writes, elapsedNanos) -> {
      commitBatchWrites.record(writes);
      commitDuration.record(elapsedNanos, TimeUnit.NANOSECONDS);
    };
  }

  /** Counts a write refused by a quota, by the quota's kind. */
  void quotaRefused(dev.vss.core.Quotas.Kind kind) {
    Counter.builder("vss.quota.refusals")
        .tag("quota", kind.label())
        .description("Writes refused because they would exceed a quota, by quota.")
        .register(registry)
        .increment();
  }

  /** Counts a request as in flight. */
  void requestStarted() {
    inFlight.incrementAndGet();
  }

  /** Records a finished request and takes it out of flight. */
  void requestFinished(String method, int status, long elapsedNanos) {
    try {
      MethodMeters meters = byMethod.get(method);
      if (meters == null) { // not one of the fixed names: never expected, kept bounded anyway
        meters = byMethod.get(VssHttpHandler.UNKNOWN_METHOD);
      }
      meters.record(status, elapsedNanos);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  /** Requests started and not yet finished. */
  long inFlight() {
    return inFlight.get();
  }

  /** The metrics in the Prometheus text format (version 0.0.4). */
  String exposition() {
    return registry.scrape();
  }

  /** Stops listening for garbage collections. */
  @Override
  public void close() {
    gcMetrics.close();
    registry.close();
  }

  private static Duration[] durations(double[] seconds) {
    Duration[] out = new Duration[seconds.length];
    for (int i = 0; i < seconds.length; i++) {
      out[i] = Duration.ofNanos(Math.round(seconds[i] * 1e9));
    }
    return out;
  }

  /** One method's meters; a counter per status code is made the first time that status occurs. */
  private final class MethodMeters {
    private final String method;
    private final Timer duration;
    private final AtomicReferenceArray<Counter> byStatus = new AtomicReferenceArray<>(600);

    MethodMeters(String method) {
      this.method = method;
      this.duration =
          Timer.builder("vss.http.request.duration")
              .tag("method", method)
              .description("Latency of VSS API requests by method.")
              .serviceLevelObjectives(durations(BUCKETS))
              .register(registry);
    }

    void record(int status, long elapsedNanos) {
      int index = status >= 100 && status < 600 ? status : 0;
      Counter counter = byStatus.get(index);
      if (counter == null) {
        counter =
            Counter.builder("vss.http.requests")
                .tag("method", method)
                .tag("code", index == 0 ? "other" : Integer.toString(status))
                .description("VSS API requests by method and HTTP status code.")
                .register(registry);
        byStatus.set(index, counter); // the registry returns the same counter to a racing thread
      }
      counter.increment();
      duration.record(elapsedNanos, TimeUnit.NANOSECONDS);
    }
  }
}
