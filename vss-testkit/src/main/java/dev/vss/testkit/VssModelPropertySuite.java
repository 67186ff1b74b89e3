package dev.vss.testkit;

import dev.vss.core.Limits;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.PropertyDefaults;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.ActionChainArbitrary;

/**
 * The stateful model property: random sequences of VSS requests are sent both to an endpoint under
 * test and to the pure reference model ({@link ReferenceEndpoint}); every response and error code
 * must be identical (and every error message, if the endpoint declares {@link
 * Capability#EXACT_MESSAGES}), and after every step every keyspace must read back identically.
 *
 * <p>A subclass supplies a fresh endpoint per try ({@link #newEndpoint()}) whose keyspaces of the
 * user tokens {@code alice} and {@code bob} (store ids {@code "w"} and {@code ""}) are empty, and
 * must enforce {@link #limits()}. Storage adapters extend {@link StorageModelPropertySuite}.
 *
 * <p>Each try runs one chain of up to {@link #maxActionsPerChain()} weighted actions: puts
 * (conditional, unconditional, creates, with delete items, with and without a matching global
 * version), deleteObject, getObject, full paginated listings with random prefixes and page sizes,
 * and invalid requests (with {@link Capability#IN_PROCESS}, also strings holding a lone surrogate).
 * A failing chain is shrunk and printed as readable steps such as {@code put alice/"w"
 * ["a"@stored="x"] del ["ab"@wrong] gv=stored}.
 *
 * <p><b>Tuning.</b> 100 tries by default; annotate the subclass with {@code @PropertyDefaults(tries
 * = N)} to change that, or set {@code jqwik.tries.default} in {@code junit-platform.properties}.
 * Override {@link #maxActionsPerChain()} for longer or shorter chains.
 */
@PropertyDefaults(tries = 100)
public abstract class VssModelPropertySuite {
  /**
   * The limits {@link #limits()} answers unless overridden: small enough that invalid requests are
   * cheap and that listings of the 6-key pool span several pages (default page size 2, maximum 3).
   */
  public static final Limits MODEL_LIMITS =
      Limits.DEFAULTS
          .withMaxItemsPerPut(4)
          .withMaxKeyLength(16)
          .withMaxStoreIdLength(4)
          .withMaxValueBytes(4)
          .withPageSizes(2, 3);

  private final List<ModelComparison> opened = new ArrayList<>();

  /**
   * A fresh endpoint for one try.
   *
   * @throws Exception if it cannot be opened; the try then fails
   */
  protected abstract VssEndpoint newEndpoint() throws Exception;

  /**
   * Releases an endpoint made by {@link #newEndpoint()}; called after each try, also a failed one
   * and those run while shrinking. Does nothing unless overridden.
   *
   * @throws Exception if releasing fails
   */
  protected void closeEndpoint(VssEndpoint endpoint) throws Exception {}

  /**
   * The limits the endpoint enforces, which the reference model enforces too. Defaults to {@link
   * #MODEL_LIMITS}; limits must allow 4 items per put, keys of 14 characters (the reserved {@code
   * global_version} key is read back) and values of 3 bytes.
   */
  protected Limits limits() {
    return MODEL_LIMITS;
  }

  /**
   * What the endpoint supports. Without {@link Capability#EXACT_MESSAGES} errors are compared by
   * code only; without {@link Capability#SEVERAL_USERS} the reference model answers every user
   * token as one user. Defaults to {@link Capability#endpointDefaults()}.
   */
  protected Set<Capability> capabilities() {
    return Capability.endpointDefaults();
  }

  /** The most actions in one chain (one try). Defaults to 30. */
  protected int maxActionsPerChain() {
    return 30;
  }

  /** The endpoint answers every request exactly as the reference model does. */
  @Property
  public void endpointAnswersLikeTheReferenceModel(
      @ForAll("vssActionChains") ActionChain<ModelComparison> chain) {
    runChecked(chain);
  }

  /** The chains the property runs; also usable by subclasses in their own properties. */
  @Provide
  public Arbitrary<ActionChain<ModelComparison>> vssActionChains() {
    Limits limits = limits();
    Set<Capability> capabilities = capabilities();
    ActionChainArbitrary<ModelComparison> chains =
        ActionChain.startWith(this::openComparison)
            .withAction(8, new ModelActions.Put(limits))
            .withAction(2, new ModelActions.Delete())
            .withAction(3, new ModelActions.Get())
            .withAction(3, new ModelActions.ListAll())
            .withAction(1, new ModelActions.Invalid(limits));
    if (capabilities.contains(Capability.IN_PROCESS)) {
      chains =
          chains.withAction(
              1, new ModelActions.LoneSurrogate(capabilities.contains(Capability.SEVERAL_USERS)));
    }
    return chains.withMaxTransformations(maxActionsPerChain());
  }

  /** Releases the endpoints opened during the try that just ended. */
  @AfterTry
  public void closeEndpointsOfTheTry() {
    closeOpened();
  }

  /** Releases anything a failed try left open. */
  @AfterProperty
  public void closeEndpointsOfTheProperty() {
    closeOpened();
  }

  /** Runs {@code chain} with the invariant that every keyspace reads back like the model. */
  static ModelComparison runChecked(ActionChain<ModelComparison> chain) {
    return chain
        .withInvariant(
            "every keyspace reads back like the reference model",
            ModelComparison::requireSameKeyspaces)
        .run();
  }

  private ModelComparison openComparison() {
    VssEndpoint endpoint;
    try {
      endpoint = newEndpoint();
    } catch (Exception e) {
      throw new IllegalStateException("could not open the endpoint under test", e);
    }
    ModelComparison comparison =
        new ModelComparison(
            endpoint,
            new ReferenceEndpoint(limits()),
            () -> {
              try {
                closeEndpoint(endpoint);
              } catch (Exception e) {
                throw new IllegalStateException("could not close the endpoint under test", e);
              }
            },
            capabilities());
    synchronized (opened) {
      opened.add(comparison);
    }
    return comparison;
  }

  private void closeOpened() {
    List<ModelComparison> toClose;
    synchronized (opened) {
      toClose = new ArrayList<>(opened);
      opened.clear();
    }
    RuntimeException failure = null;
    for (ModelComparison comparison : toClose) {
      try {
        comparison.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
