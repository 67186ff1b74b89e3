package dev.vss.core.spi;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The outcome of a {@link WriteDecision}: either abort (write nothing) or apply a set of mutations
 * atomically. Either way the adapter returns {@link #result()} from {@link Storage#write}.
 *
 * <p>On apply, the adapter must make every upsert, every delete and the new global version (when
 * present) durable in one atomic step before returning. An upsert of a key that exists keeps its
 * creation sequence; an upsert of a key that does not exist assigns the next store-wide sequence.
 *
 * <p>The result is opaque to adapters: an adapter hands it back unchanged and never inspects it,
 * since whether a request succeeded is the core's business (the core's decisions return a {@code
 * dev.vss.core.rules.WriteOutcome}). Whether it applies anything depends on {@link #isAbort()} and
 * the mutations alone.
 *
 * @param <R> the result type, opaque to the adapter
 */
public final class WritePlan<R> {
  /**
   * A record to create or replace.
   *
   * @param key the key
   * @param version the version to store
   * @param value the value to store
   */
  public record Upsert(String key, long version, ByteString value) {
    /** Validates the components. */
    public Upsert {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }
  }

  private final boolean abort;
  private final List<Upsert> upserts;
  private final List<String> deletes;
  private final OptionalLong newGlobalVersion;
  private final R result;

  private WritePlan(
      boolean abort,
      List<Upsert> upserts,
      List<String> deletes,
      OptionalLong newGlobalVersion,
      R result) {
    this.abort = abort;
    this.upserts = List.copyOf(upserts);
    this.deletes = List.copyOf(deletes);
    this.newGlobalVersion = Objects.requireNonNull(newGlobalVersion, "newGlobalVersion");
    this.result = result;
  }

  /** A plan that writes nothing and returns {@code result}. */
  public static <R> WritePlan<R> abort(R result) {
    return new WritePlan<>(true, List.of(), List.of(), OptionalLong.empty(), result);
  }

  /**
   * A plan that applies {@code upserts}, {@code deletes} and, if present, {@code newGlobalVersion}
   * atomically, then returns {@code result}. Keys across upserts and deletes must be distinct.
   */
  public static <R> WritePlan<R> apply(
      List<Upsert> upserts, List<String> deletes, OptionalLong newGlobalVersion, R result) {
    return new WritePlan<>(false, upserts, deletes, newGlobalVersion, result);
  }

  /** Whether the adapter must write nothing. */
  public boolean isAbort() {
    return abort;
  }

  /** Whether applying the plan changes nothing (an abort, or an apply with no mutation). */
  public boolean isEmpty() {
    return abort || (upserts.isEmpty() && deletes.isEmpty() && newGlobalVersion.isEmpty());
  }

  /** Records to create or replace; empty for an abort. */
  public List<Upsert> upserts() {
    return upserts;
  }

  /** Keys to delete; empty for an abort. */
  public List<String> deletes() {
    return deletes;
  }

  /** The global version to store, when the plan changes it. */
  public OptionalLong newGlobalVersion() {
    return newGlobalVersion;
  }

  /** What {@link Storage#write} returns, unchanged; opaque to the adapter. */
  public R result() {
    return result;
  }
}
