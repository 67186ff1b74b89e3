package dev.vss.examples.embedder;

import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.auth.SignatureAuthorizer;
import dev.vss.core.spi.Storage;
import dev.vss.server.VssServer;
import dev.vss.store.sqlite.SqliteStorage;
import java.nio.file.Path;

/**
 * An application that serves VSS from its own JVM: the HTTP server of {@code vss-server-undertow}
 * (the API under {@code /vss}, plus {@code /health}, {@code /ready} and {@code /metrics}) over a
 * SQLite store, with the signature authentication LDK Node's clients use.
 *
 * <p>Its project depends on {@code vss-server-undertow} and {@code vss-store-sqlite} only; the
 * build's enforcer rule checks that this brings no other store, no TOML parser and no slf4j binding
 * (the application adds its own binding to see the server's log).
 */
public final class EmbeddedHttpServer {
  private final Storage storage;
  private final VssServer server;

  private EmbeddedHttpServer(Storage storage, VssServer server) {
    this.storage = storage;
    this.server = server;
  }

  /**
   * Opens (creating if needed) the SQLite store in {@code dataDir} and serves it on {@code
   * host:port} (port 0 picks a free one).
   */
  public static EmbeddedHttpServer start(Path dataDir, String host, int port) {
    // Durable: a write is acknowledged only once SQLite has it on disk.
    Storage storage = SqliteStorage.open(dataDir);
    try {
      VssServer server =
          VssServer.builder(new VssService(storage, Limits.DEFAULTS))
              .authorizer(new SignatureAuthorizer())
              .bind(host, port)
              .start();
      return new EmbeddedHttpServer(storage, server);
    } catch (RuntimeException e) {
      storage.close();
      throw e;
    }
  }

  /** The running server (its {@code baseUri()} is what a VSS client points at). */
  public VssServer server() {
    return server;
  }

  /**
   * Stops serving, letting in-flight requests finish, and only then closes the store, so every
   * acknowledged write is in the store when it closes.
   */
  public void stop() {
    try {
      server.stop();
    } finally {
      storage.close();
    }
  }

  /** Serves {@code ./embedder-data} on 127.0.0.1:8080 until the JVM is stopped. */
  public static void main(String[] args) {
    EmbeddedHttpServer running = start(Path.of("embedder-data"), "127.0.0.1", 8080);
    Runtime.getRuntime().addShutdownHook(new Thread(running::stop, "vss-shutdown"));
    System.out.println("VSS at " + running.server().baseUri() + " (Ctrl-C stops it)");
  }
}
