package dev.vss.server;

import dev.vss.testkit.AbstractVssModelProperties;
import dev.vss.testkit.VssEndpoint;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.PropertyDefaults;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The testkit's model property over real HTTP against one store kind: random request chains get
 * the same answers as the reference model. One server per store kind for the container; each try
 * gets a salted endpoint whose keyspaces start empty. Fewer tries than the adapters run directly:
 * this checks that the HTTP shell changes no answer, the adapters' own runs cover the storage.
 */
@PropertyDefaults(tries = 20)
abstract class HttpModelProperties extends AbstractVssModelProperties {
  private static final Map<StoreKind, HttpServerFixture> SERVERS = new ConcurrentHashMap<>();

  /** The store kind behind the server. */
  abstract StoreKind store();

  @Override
  protected VssEndpoint newEndpoint() {
    return SERVERS.computeIfAbsent(store(), kind -> new HttpServerFixture(kind, limits()))
        .saltedEndpoint();
  }

  @AfterContainer
  static void stopServers() {
    SERVERS.values().forEach(HttpServerFixture::close);
    SERVERS.clear();
  }
}
