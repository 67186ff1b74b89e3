package dev.vss.testkit;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;

/**
 * What a store or server under test supports, declared by the integrator through the suites' {@code
 * capabilities()} method. The kit runs the checks that apply and skips the others with a JUnit
 * assumption that names the missing capability, so a report says what was not checked and why (as
 * Guava's testlib does with its features).
 *
 * <p>The {@code Storage...} suites run the store behind this project's {@code VssService} and
 * declare every capability by default; a store held in memory removes {@link #DURABLE} and {@link
 * #REOPENABLE}. The endpoint suites ({@code Vss...}) declare only {@link #SEVERAL_USERS} by
 * default, so another implementation is held to error <em>codes</em>, not to our message texts, and
 * is not sent strings that a wire encoding would change ({@link #IN_PROCESS}).
 */
public enum Capability {
  /**
   * Distinct user tokens reach distinct keyspaces. Without it the isolation scenarios between users
   * are skipped, and the model property treats every token as one user.
   */
  SEVERAL_USERS("distinct user tokens reach distinct keyspaces"),
  /**
   * Error messages are word for word those of this project's {@code vss-core}. Without it failures
   * are compared by error code only.
   */
  EXACT_MESSAGES("error messages are exactly vss-core's"),
  /**
   * The store can be closed and opened again over the same data, keeping every acknowledged write,
   * the creation order and the page-token secret ({@code reopenStorage} must be overridden).
   */
  REOPENABLE("the store can be closed and reopened over the same data"),
  /**
   * Acknowledged writes survive a SIGKILL of the process that wrote them (the kill test of {@code
   * StorageConsistencySuite}).
   */
  DURABLE("acknowledged writes survive a process kill"),
  /**
   * Requests reach the VSS rules in the same JVM exactly as the test built them, with no wire
   * encoding in between; so a string holding an unpaired UTF-16 surrogate arrives unchanged and
   * must be refused as INVALID_REQUEST. Over HTTP it cannot arrive: protobuf-java's encoder writes
   * a lone surrogate as {@code '?'} before the request leaves the client, so the server sees
   * another, valid string. The {@code Storage...} suites declare it (their endpoint calls {@code
   * VssService} directly); an endpoint over HTTP must not.
   */
  IN_PROCESS("requests reach the rules unencoded, in the same JVM, so lone surrogates arrive");

  private final String meaning;

  Capability(String meaning) {
    this.meaning = meaning;
  }

  /** What the capability promises, in an integrator's words. */
  public String meaning() {
    return meaning;
  }

  /** Every capability: what a {@code Storage} behind {@code VssService} declares by default. */
  public static Set<Capability> all() {
    return Collections.unmodifiableSet(EnumSet.allOf(Capability.class));
  }

  /** What an endpoint of another implementation declares by default: {@link #SEVERAL_USERS}. */
  public static Set<Capability> endpointDefaults() {
    return Collections.unmodifiableSet(EnumSet.of(SEVERAL_USERS));
  }

  /**
   * Skips the current JUnit test unless {@code declared} contains {@code needed}; the reason names
   * the capability and what it means.
   */
  static void assume(Set<Capability> declared, Capability needed) {
    Assumptions.assumeTrue(declared.contains(needed), () -> skipReason(needed));
  }

  /** The reason a check needing {@code needed} is skipped. */
  static String skipReason(Capability needed) {
    return "needs capability "
        + needed
        + " ("
        + needed.meaning
        + "), which the store under test does not declare in capabilities()";
  }

  @Override
  public String toString() {
    return name();
  }
}
