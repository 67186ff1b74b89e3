package dev.vss.testkit.runner;

import dev.vss.testkit.Capability;
import dev.vss.testkit.VssConcurrencySuite;
import dev.vss.testkit.VssEndpoint;
import java.util.Set;

/**
 * The concurrency races against the runner's {@link WireTarget}; 5 rounds per race rather than 20,
 * as each round is 16 concurrent HTTP requests.
 */
public class WireConcurrencyRaces extends VssConcurrencySuite {
  @Override
  protected VssEndpoint newEndpoint() {
    return WireTarget.current().endpoint();
  }

  @Override
  protected int rounds() {
    return 5;
  }

  @Override
  protected Set<Capability> capabilities() {
    return WireTarget.current().capabilities();
  }
}
