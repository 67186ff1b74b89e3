package dev.vss.server;

/**
 * Told when the {@link VssHttpHandler} turns a request away to protect the server: for the metrics.
 * Implementations must be cheap and must not throw: they run on the request path.
 */
interface LoadRejections {
  /** Counts nothing. */
  LoadRejections NONE =
      new LoadRejections() {
        @Override
        public void rateLimited(RateLimitKind kind) {}

        @Override
        public void shed(ShedReason reason) {}
      };

  /** Which per-user limit refused a request with 429. */
  enum RateLimitKind {
    /** Requests per second. */
    REQUESTS("requests"),
    /** Written bytes per second. */
    BYTES("bytes");

    private final String label;

    RateLimitKind(String label) {
      this.label = label;
    }

    /** The metric label value. */
    String label() {
      return label;
    }
  }

  /** Why a request was shed with 503. */
  enum ShedReason {
    /** The server already served its most concurrent requests. */
    CONCURRENCY("concurrency"),
    /** The request bodies in memory reached their budget. */
    BODY_BUDGET("body_budget");

    private final String label;

    ShedReason(String label) {
      this.label = label;
    }

    /** The metric label value. */
    String label() {
      return label;
    }
  }

  /** A request got 429 from a per-user rate limit. */
  void rateLimited(RateLimitKind kind);

  /** A request got 503 because the server was too busy to take it. */
  void shed(ShedReason reason);
}
