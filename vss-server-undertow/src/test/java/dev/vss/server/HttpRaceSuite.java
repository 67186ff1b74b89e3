package dev.vss.server;

import dev.vss.core.Limits;
import dev.vss.testkit.Capability;
import dev.vss.testkit.VssConcurrencySuite;
import dev.vss.testkit.VssEndpoint;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/** The testkit's concurrency races over real HTTP against one store kind. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HttpRaceSuite extends VssConcurrencySuite {
  private HttpServerFixture fixture;

  /** The store kind behind the server. */
  abstract TestStore store();

  /** Our server answers with vss-core's messages, so they are compared too. */
  @Override
  protected Set<Capability> capabilities() {
    return EnumSet.of(Capability.SEVERAL_USERS, Capability.EXACT_MESSAGES);
  }

  @Override
  protected VssEndpoint newEndpoint() {
    if (fixture == null) {
      fixture = new HttpServerFixture(store(), Limits.DEFAULTS);
    }
    return fixture.endpoint();
  }

  /** Each round is 16 concurrent HTTP requests; 5 rounds still race every scenario. */
  @Override
  protected int rounds() {
    return 5;
  }

  @AfterAll
  void stopServer() {
    if (fixture != null) {
      fixture.close();
    }
  }
}
