package dev.vss.testkit.runner;

import dev.vss.core.Limits;
import dev.vss.testkit.Capability;
import dev.vss.testkit.VssConformanceSuite;
import dev.vss.testkit.VssEndpoint;
import java.util.Set;

/** The conformance scenarios against the runner's {@link WireTarget}. */
public class WireConformanceScenarios extends VssConformanceSuite {
  @Override
  protected VssEndpoint newEndpoint() {
    return WireTarget.current().endpoint();
  }

  @Override
  public Limits limits() {
    return WireTarget.current().scenarioLimits();
  }

  @Override
  public Set<Capability> capabilities() {
    return WireTarget.current().capabilities();
  }
}
