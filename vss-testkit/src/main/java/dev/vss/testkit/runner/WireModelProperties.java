package dev.vss.testkit.runner;

import dev.vss.core.Limits;
import dev.vss.testkit.Capability;
import dev.vss.testkit.VssEndpoint;
import dev.vss.testkit.VssModelPropertySuite;
import java.util.Set;
import net.jqwik.api.PropertyDefaults;

/**
 * The model property against the runner's {@link WireTarget}: each try gets a salted endpoint, so
 * its keyspaces start empty. Ten tries: after every step the property reads every keyspace back, so
 * one try is several hundred HTTP calls.
 */
@PropertyDefaults(tries = 10)
public class WireModelProperties extends VssModelPropertySuite {
  @Override
  protected VssEndpoint newEndpoint() {
    return WireTarget.current().saltedEndpoint();
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
