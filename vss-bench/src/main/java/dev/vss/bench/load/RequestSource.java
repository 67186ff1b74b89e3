package dev.vss.bench.load;

/** Where a closed-loop worker takes its requests from ({@link ClosedLoop}); one per worker. */
interface RequestSource {
  /** The next request. */
  Call next();

  /**
   * Takes note of a call's outcome; nothing by default.
   *
   * @param call a call this source made
   * @param status its HTTP status (or the status its outcome maps to)
   */
  default void completed(Call call, int status) {}
}
