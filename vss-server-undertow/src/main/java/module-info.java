/**
 * The embeddable VSS HTTP server on Undertow: {@code VssHttpHandler}, {@code VssServer} and their
 * settings.
 */
module dev.vss.server {
  requires transitive dev.vss.core;
  // Undertow 2.3 has neither a module descriptor nor an Automatic-Module-Name: these are the names
  // derived from the jar file names (javac warns about them). VssHttpHandler implements Undertow's
  // HttpHandler, but a file-name-derived name is not one to make transitive: an embedder that
  // mounts the handler requires undertow.core itself.
  requires undertow.core;
  requires xnio.api;
  requires org.slf4j;
  requires micrometer.core;
  requires micrometer.registry.prometheus;
  requires io.github.bucket4j.core;
  requires com.github.benmanes.caffeine;
  requires org.bouncycastle.provider;

  // Nullness annotations: needed to compile, not at run time.
  requires static org.jspecify;

  exports dev.vss.server;
}
