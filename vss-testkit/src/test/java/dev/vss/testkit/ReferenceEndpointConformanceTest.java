package dev.vss.testkit;

import java.util.EnumSet;
import java.util.Set;

/**
 * The conformance scenarios against the reference model itself: the model properties compare
 * adapters with it, so it must pass every scenario too. It runs in this JVM, so it is sent lone
 * surrogates as well ({@link Capability#IN_PROCESS}).
 */
class ReferenceEndpointConformanceTest extends VssConformanceSuite {
  @Override
  protected VssEndpoint newEndpoint() {
    return new ReferenceEndpoint(limits());
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.SEVERAL_USERS, Capability.EXACT_MESSAGES, Capability.IN_PROCESS);
  }
}
