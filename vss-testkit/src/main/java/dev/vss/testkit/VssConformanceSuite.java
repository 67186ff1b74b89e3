package dev.vss.testkit;

import dev.vss.core.Limits;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The VSS conformance scenarios of SPEC section 4, written against a {@link VssEndpoint}: the one
 * class an integrator extends to run every scenario group against any endpoint (a server over HTTP,
 * for example). Storage adapters extend {@link StorageConformanceSuite} instead, which builds the
 * endpoint from a {@code Storage}.
 *
 * <p>The scenarios live in groups, interfaces whose default {@code @Test} methods run over the
 * {@link ConformanceFixture}: {@link PutScenarios}, {@link PutWithDeleteItemsScenarios}, {@link
 * CreationOrderScenarios}, {@link DeleteScenarios}, {@link GetScenarios}, {@link
 * GlobalVersionKeyScenarios}, {@link ListScenarios}, {@link LimitScenarios}, {@link
 * IsolationScenarios} and {@link ValueAndKeyScenarios}. This class implements all of them and holds
 * the lifecycle, written once: a fresh endpoint and fresh user tokens before each test, the
 * endpoint released after it.
 *
 * <p>A subclass supplies a fresh endpoint per test ({@link #newEndpoint()}), releases it in {@link
 * #closeEndpoint(VssEndpoint)}, and returns from {@link #limits()} the limits that endpoint
 * enforces and from {@link #capabilities()} what it supports (both public: they are part of the
 * fixture the scenario interfaces read).
 *
 * <p><b>Fresh state.</b> Every test uses two user tokens drawn at random for that test ({@link
 * #alice}, {@link #bob}), so each test starts from empty keyspaces even on an endpoint that cannot
 * be reset, such as a long-running server. An endpoint that maps every token to one user (a server
 * with the development {@code NoAuthorizer}) declares no {@link Capability#SEVERAL_USERS}, and the
 * isolation scenarios are skipped.
 *
 * <p><b>Reading back.</b> Every scenario whose request must fail takes a {@link KeyspaceSnapshot}
 * before and after the request and requires them to be equal: a failed request changes nothing, not
 * even creation order.
 */
public abstract class VssConformanceSuite
    implements PutScenarios,
        PutWithDeleteItemsScenarios,
        CreationOrderScenarios,
        DeleteScenarios,
        GetScenarios,
        GlobalVersionKeyScenarios,
        ListScenarios,
        LimitScenarios,
        IsolationScenarios,
        ValueAndKeyScenarios {
  /** The limits {@link #limits()} answers unless overridden: SPEC defaults, values up to 2 MiB. */
  public static final Limits CONFORMANCE_LIMITS =
      Limits.DEFAULTS.withMaxValueBytes(2 * 1024 * 1024);

  /** A user token drawn at random for the current test. */
  protected String alice;

  /** A second user token drawn at random for the current test, distinct from {@link #alice}. */
  protected String bob;

  private VssEndpoint endpoint;

  /**
   * A fresh endpoint for one test. Its keyspaces for the suite's random user tokens must be empty.
   *
   * @throws Exception if the endpoint cannot be set up; the test then fails
   */
  protected abstract VssEndpoint newEndpoint() throws Exception;

  /**
   * Releases an endpoint made by {@link #newEndpoint()}; called after each test, also a failed one.
   * Does nothing unless overridden.
   *
   * @throws Exception if releasing fails; the test then fails
   */
  protected void closeEndpoint(VssEndpoint endpoint) throws Exception {}

  /**
   * The limits the endpoint enforces; limit scenarios derive their boundaries from it. Defaults to
   * {@link #CONFORMANCE_LIMITS}.
   */
  @Override
  public Limits limits() {
    return CONFORMANCE_LIMITS;
  }

  /**
   * What the endpoint supports; scenarios needing a capability it lacks are skipped with a reason
   * naming it. Defaults to {@link Capability#endpointDefaults()} ({@link
   * Capability#SEVERAL_USERS}).
   */
  @Override
  public Set<Capability> capabilities() {
    return Capability.endpointDefaults();
  }

  @Override
  public final String alice() {
    return alice;
  }

  @Override
  public final String bob() {
    return bob;
  }

  /** The endpoint of the current test. */
  @Override
  public final VssEndpoint endpoint() {
    if (endpoint == null) {
      throw new IllegalStateException("no endpoint: the test has not been set up");
    }
    return endpoint;
  }

  /** Opens a fresh endpoint and draws the test's user tokens. */
  @BeforeEach
  public final void openEndpoint() throws Exception {
    alice = "alice-" + UUID.randomUUID();
    bob = "bob-" + UUID.randomUUID();
    endpoint = newEndpoint();
  }

  /** Releases the test's endpoint. */
  @AfterEach
  public final void releaseEndpoint() throws Exception {
    VssEndpoint used = endpoint;
    endpoint = null;
    if (used != null) {
      closeEndpoint(used);
    }
  }
}
