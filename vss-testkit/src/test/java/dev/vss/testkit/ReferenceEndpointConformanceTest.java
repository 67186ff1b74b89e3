package dev.vss.testkit;

/**
 * The conformance scenarios against the reference model itself: the model properties compare
 * adapters with it, so it must pass every scenario too.
 */
class ReferenceEndpointConformanceTest extends VssConformanceSuite {
  @Override
  protected VssEndpoint newEndpoint() {
    return new ReferenceEndpoint(limits());
  }
}
