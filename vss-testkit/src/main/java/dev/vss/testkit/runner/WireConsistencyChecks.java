package dev.vss.testkit.runner;

import dev.vss.core.Limits;
import dev.vss.testkit.Capability;
import dev.vss.testkit.VssConsistencySuite;
import dev.vss.testkit.VssEndpoint;
import java.util.Set;

/** Atomic visibility and linearizability against the runner's {@link WireTarget}. */
public class WireConsistencyChecks extends VssConsistencySuite {
  @Override
  protected VssEndpoint newEndpoint() {
    return WireTarget.current().endpoint();
  }

  @Override
  protected Limits limits() {
    return WireTarget.current().scenarioLimits();
  }

  @Override
  protected Set<Capability> capabilities() {
    return WireTarget.current().capabilities();
  }
}
