package dev.vss.server;

import dev.vss.testkit.Capability;
import dev.vss.testkit.VssConformanceSuite;
import dev.vss.testkit.VssEndpoint;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The testkit's conformance scenarios over real HTTP against one store kind: one server for the
 * class (every scenario draws fresh user tokens, so it starts from empty keyspaces).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HttpScenarioSuite extends VssConformanceSuite {
  private HttpServerFixture fixture;

  /** The store kind behind the server. */
  abstract TestStore store();

  /** Our server answers with vss-core's messages, so they are compared too. */
  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.SEVERAL_USERS, Capability.EXACT_MESSAGES);
  }

  @Override
  protected VssEndpoint newEndpoint() {
    if (fixture == null) {
      fixture = new HttpServerFixture(store(), limits());
    }
    return fixture.endpoint();
  }

  @AfterAll
  void stopServer() {
    if (fixture != null) {
      fixture.close();
    }
  }
}
