package dev.vss.core.rules;

import dev.vss.core.VssException;
import java.util.Objects;

/**
 * How the core decided a putObjects or deleteObject: the result its {@link
 * dev.vss.core.spi.WriteDecision}s hand to {@link dev.vss.core.spi.Storage#write}, which the store
 * returns unchanged once it has done what the plan asks.
 *
 * <ul>
 *   <li>{@link Applied}: the request succeeds. Its plan's mutations are applied, and there may be
 *       none: a deleteObject of a missing key, or of another version, succeeds and changes nothing.
 *   <li>{@link Rejected}: the request fails with {@link Rejected#reason()} (a CONFLICT, or the
 *       INVALID_REQUEST of a quota); its plan is an abort, so the keyspace is unchanged.
 * </ul>
 *
 * <p>An explicit value rather than a nullable exception, so that success is a case a reader can see
 * and no caller has to know that an absent result means the write went through.
 */
public sealed interface WriteOutcome permits WriteOutcome.Applied, WriteOutcome.Rejected {
  /** The outcome of every write that succeeds. */
  WriteOutcome APPLIED = new Applied();

  /** The outcome of a write refused with {@code reason}. */
  static WriteOutcome rejected(VssException reason) {
    return new Rejected(reason);
  }

  /** Whether the request succeeded. */
  default boolean isApplied() {
    return this instanceof Applied;
  }

  /**
   * Returns normally when the request succeeded.
   *
   * @throws VssException the reason, when it was rejected
   */
  default void throwIfRejected() {
    if (this instanceof Rejected rejected) {
      throw rejected.reason();
    }
  }

  /** The request succeeded; whatever its plan changes (perhaps nothing) is applied. */
  record Applied() implements WriteOutcome {}

  /**
   * The request is refused and nothing of it is applied.
   *
   * @param reason the error the client gets
   */
  record Rejected(VssException reason) implements WriteOutcome {
    /** Validates the reason. */
    public Rejected {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
