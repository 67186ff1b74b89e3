package dev.vss.server;

import dev.vss.testkit.Capability;
import dev.vss.testkit.VssEndpoint;
import dev.vss.testkit.VssModelPropertySuite;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.PropertyDefaults;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The testkit's model property over real HTTP against one store kind: random request chains get the
 * same answers as the reference model. One server per store kind for the container; each try gets a
 * salted endpoint whose keyspaces start empty.
 *
 * <p>Ten tries, not the kit's hundred: after every step the property reads every keyspace back, so
 * one try is about a thousand HTTP calls. This run checks that the HTTP shell changes no answer;
 * the adapters' own direct runs cover the storage with the full count.
 */
@PropertyDefaults(tries = 10)
abstract class HttpModelProperties extends VssModelPropertySuite {
  private static final Map<TestStore, HttpServerFixture> SERVERS = new ConcurrentHashMap<>();

  /** The store kind behind the server. */
  abstract TestStore store();

  /** Our server answers with vss-core's messages, so they are compared too. */
  @Override
  protected Set<Capability> capabilities() {
    return EnumSet.of(Capability.SEVERAL_USERS, Capability.EXACT_MESSAGES);
  }

  @Override
  protected VssEndpoint newEndpoint() {
    return SERVERS
        .computeIfAbsent(store(), kind -> new HttpServerFixture(kind, limits()))
        .saltedEndpoint();
  }

  @AfterContainer
  static void stopServers() {
    SERVERS.values().forEach(HttpServerFixture::close);
    SERVERS.clear();
  }
}
