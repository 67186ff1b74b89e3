package dev.vss.core.spi;

/**
 * The pure function a storage adapter runs inside its write: given a consistent {@link WriteView},
 * it either aborts with a result or asks for mutations to be applied.
 *
 * <p>Decisions come from the core. They have no side effects, so an adapter may call one more than
 * once (for instance when it retries an optimistic transaction); only the plan returned by the last
 * call may be applied.
 *
 * <p>The result type is opaque to adapters, which hand {@link WritePlan#result()} back from {@link
 * Storage#write} without looking at it. The core's own decisions (putObjects, deleteObject) return
 * a {@code dev.vss.core.rules.WriteOutcome}; other callers (tests, operator tools) may use any
 * type.
 *
 * @param <R> the result handed back to the caller of {@link Storage#write}, opaque to the adapter
 */
@FunctionalInterface
public interface WriteDecision<R> {
  /** Decides what to do given the current state. */
  WritePlan<R> decide(WriteView view);

  /**
   * Whether {@link #decide} may read usage ({@link WriteView#keyspaceUsage()}, {@link
   * WriteView#userUsage()}): quotas are on. A store that tracks usage then serializes this write
   * against the user's other usage-reading writes, on every store id; a store may skip reading
   * usage, and that serialization, for decisions that do not. False by default.
   */
  default boolean readsUsage() {
    return false;
  }
}
