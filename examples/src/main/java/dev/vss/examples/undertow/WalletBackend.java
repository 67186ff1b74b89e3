package dev.vss.examples.undertow;

import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.auth.Authorizer;
import dev.vss.core.auth.SignatureAuthorizer;
import dev.vss.core.spi.Storage;
import dev.vss.server.VssHttpHandler;
import dev.vss.store.sqlite.SqliteStorage;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.handlers.PathHandler;
import io.undertow.util.Headers;
import java.nio.file.Path;

/**
 * An existing Undertow application (a wallet backend with routes of its own) that also serves VSS
 * backups, under a path it chooses ({@code /api/backup}) and with a {@link VssService} it owns.
 *
 * <p>LDK Node, or any VSS client, then points at {@code http://host:8080/api/backup}.
 *
 * <p>Run it with {@code mvn -B -q -pl examples -am package -DskipTests
 * -Dexample=undertow.WalletBackend} (see examples/README.md).
 */
public final class WalletBackend {
  /** The largest VSS request body this application accepts. */
  static final long MAX_BACKUP_BODY_BYTES = 16L * 1024 * 1024;

  private WalletBackend() {}

  /**
   * Starts the application on {@code host:port} (port 0 picks a free one).
   *
   * @param vss the service behind the backup routes; the application owns its storage
   * @param authorizer who the backup callers are
   */
  public static Undertow start(String host, int port, VssService vss, Authorizer authorizer) {
    PathHandler routes =
        Handlers.path()
            // The application's own routes stay as they were.
            .addExactPath(
                "/status",
                exchange -> {
                  exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
                  exchange.getResponseSender().send("wallet backend up\n");
                })
            // VSS under a prefix: POST /api/backup/getObject, /putObjects, /deleteObject,
            // /listKeyVersions. Storage calls run on Undertow's worker threads, never the IO
            // threads.
            .addPrefixPath(
                "/api/backup", new VssHttpHandler(vss, authorizer, MAX_BACKUP_BODY_BYTES));

    Undertow server =
        Undertow.builder()
            .addHttpListener(port, host)
            // Undertow refuses declared bodies over its own limit (2 MiB by default) with a bare
            // 400 before any handler runs. Lift it so the VSS handler applies its own limit and
            // answers 413 with an ErrorResponse; routes that read bodies of their own enforce their
            // limits.
            .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, Long.MAX_VALUE)
            // Answer "Expect: 100-continue" when the VSS handler starts reading a body.
            .setHandler(Handlers.httpContinueRead(routes))
            .build();
    server.start();
    return server;
  }

  /** Runs the backend on 127.0.0.1:8080 until the JVM is stopped. */
  public static void main(String[] args) {
    // Durable: a write is acknowledged only once it is on disk. InMemoryStorage is for tests.
    Storage storage = SqliteStorage.open(Path.of("wallet-backups"));
    VssService vss = new VssService(storage, Limits.DEFAULTS);
    Undertow server = start("127.0.0.1", 8080, vss, new SignatureAuthorizer());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.stop(); // stop serving first, so no acknowledged write races the close
                  storage.close();
                }));
    System.out.println("wallet backend on http://127.0.0.1:8080, VSS at /api/backup");
  }
}
