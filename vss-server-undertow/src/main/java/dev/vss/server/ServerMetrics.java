package dev.vss.server;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's Prometheus metrics, written in the text exposition format (version 0.0.4) by hand:
 * four series need no metrics library.
 *
 * <ul>
 *   <li>{@code vss_http_requests_total{method,code}}: finished VSS API requests by method and HTTP
 *       status;
 *   <li>{@code vss_http_request_duration_seconds{method}}: a latency histogram per method;
 *   <li>{@code vss_http_requests_in_flight}: API requests started and not yet finished;
 *   <li>{@code vss_http_request_body_bytes_in_flight}: bytes of request-body buffers held now;
 *   <li>{@code vss_store_info{store}}: always 1, naming the storage engine.
 * </ul>
 *
 * <p>Label values come from fixed sets (the four methods plus {@code unknown}, HTTP status codes), so
 * no client can grow the number of series.
 */
final class ServerMetrics {
  /** Upper bounds of the latency buckets in seconds; {@code +Inf} is implied. */
  static final double[] BUCKETS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  private final String storeName;
  private final ConcurrentMap<String, MethodStats> byMethod = new ConcurrentHashMap<>();
  private final AtomicLong inFlight = new AtomicLong();
  private volatile java.util.function.LongSupplier bodyBytesInFlight = () -> 0;

  ServerMetrics(String storeName) {
    this.storeName = storeName;
  }

  /** Where {@code vss_http_request_body_bytes_in_flight} is read from. */
  void bodyBytesInFlightFrom(java.util.function.LongSupplier source) {
    this.bodyBytesInFlight = source;
  }

  /** Counts a request as in flight. */
  void requestStarted() {
    inFlight.incrementAndGet();
  }

  /** Records a finished request and takes it out of flight. */
  void requestFinished(String method, int status, long elapsedNanos) {
    try {
      byMethod.computeIfAbsent(method, m -> new MethodStats()).record(status, elapsedNanos);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  /** Requests started and not yet finished. */
  long inFlight() {
    return inFlight.get();
  }

  /** The metrics in Prometheus text format, series sorted so the output is stable. */
  String exposition() {
    StringBuilder out = new StringBuilder(2048);
    Map<String, MethodStats> methods = new TreeMap<>(byMethod);

    out.append("# HELP vss_http_requests_total VSS API requests by method and HTTP status code.\n")
        .append("# TYPE vss_http_requests_total counter\n");
    methods.forEach((method, stats) -> new TreeMap<>(stats.byStatus).forEach((status, count) ->
        out.append("vss_http_requests_total{method=\"").append(escape(method))
            .append("\",code=\"").append(status).append("\"} ").append(count.sum()).append('\n')));

    out.append("# HELP vss_http_request_duration_seconds Latency of VSS API requests by method.\n")
        .append("# TYPE vss_http_request_duration_seconds histogram\n");
    methods.forEach((method, stats) -> stats.appendHistogram(out, escape(method)));

    out.append("# HELP vss_http_requests_in_flight VSS API requests being served now.\n")
        .append("# TYPE vss_http_requests_in_flight gauge\n")
        .append("vss_http_requests_in_flight ").append(inFlight.get()).append('\n');

    out.append("# HELP vss_http_request_body_bytes_in_flight Bytes of request-body buffers held"
            + " now.\n")
        .append("# TYPE vss_http_request_body_bytes_in_flight gauge\n")
        .append("vss_http_request_body_bytes_in_flight ").append(bodyBytesInFlight.getAsLong())
        .append('\n');

    out.append("# HELP vss_store_info The storage engine behind this server.\n")
        .append("# TYPE vss_store_info gauge\n")
        .append("vss_store_info{store=\"").append(escape(storeName)).append("\"} 1\n");
    return out.toString();
  }

  /** Escapes a label value as the exposition format requires. */
  static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static String formatBound(double bound) {
    // Prometheus client libraries write bounds as Go's %g would; plain decimals parse the same.
    String text = String.format(Locale.ROOT, "%s", bound);
    return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
  }

  private static final class MethodStats {
    final ConcurrentMap<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
    /** Non-cumulative counts; index {@code BUCKETS.length} is the overflow past the last bound. */
    final LongAdder[] buckets = new LongAdder[BUCKETS.length + 1];
    final LongAdder sumNanos = new LongAdder();

    MethodStats() {
      for (int i = 0; i < buckets.length; i++) {
        buckets[i] = new LongAdder();
      }
    }

    void record(int status, long elapsedNanos) {
      byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
      double seconds = elapsedNanos / 1e9;
      int bucket = 0;
      while (bucket < BUCKETS.length && seconds > BUCKETS[bucket]) {
        bucket++;
      }
      buckets[bucket].increment();
      sumNanos.add(elapsedNanos);
    }

    void appendHistogram(StringBuilder out, String method) {
      long cumulative = 0;
      for (int i = 0; i <= BUCKETS.length; i++) {
        cumulative += buckets[i].sum();
        String le = i < BUCKETS.length ? formatBound(BUCKETS[i]) : "+Inf";
        out.append("vss_http_request_duration_seconds_bucket{method=\"").append(method)
            .append("\",le=\"").append(le).append("\"} ").append(cumulative).append('\n');
      }
      // _count equals the +Inf bucket of this same snapshot, as the format requires.
      out.append("vss_http_request_duration_seconds_sum{method=\"").append(method).append("\"} ")
          .append(sumNanos.sum() / 1e9).append('\n')
          .append("vss_http_request_duration_seconds_count{method=\"").append(method).append("\"} ")
          .append(cumulative).append('\n');
    }
  }
}
