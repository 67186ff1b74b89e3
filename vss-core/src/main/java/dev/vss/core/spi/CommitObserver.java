package dev.vss.core.spi;

/**
 * Told about every write transaction a store commits, for metrics (batch sizes, commit latency). A
 * store that batches writes (group commit) calls it once per committed batch, from its writer
 * thread, after the commit has returned and before any caller of the batch is answered.
 *
 * <p>Implementations must be cheap and must not throw or block: they run on the write path. {@link
 * #NONE} is the default of every store.
 */
@FunctionalInterface
public interface CommitObserver {
  /** Observes nothing. */
  CommitObserver NONE = (writes, elapsedNanos) -> {};

  /**
   * A transaction committed.
   *
   * @param writes how many write requests (putObjects or deleteObject calls) it carried
   * @param elapsedNanos from the start of the transaction until its commit returned
   */
  void committed(int writes, long elapsedNanos);

  /**
   * Tells {@code observer} of a commit, as every store's writer does: whatever the observer throws
   * is logged at DEBUG and dropped, because metrics must never fail a batch that has committed (its
   * callers are still to be answered).
   */
  static void notifySafely(CommitObserver observer, int writes, long elapsedNanos) {
    try {
      observer.committed(writes, elapsedNanos);
    } catch (RuntimeException e) {
      System.getLogger(CommitObserver.class.getName())
          .log(System.Logger.Level.DEBUG, "the commit observer failed", e);
    }
  }
}
