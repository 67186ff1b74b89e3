package dev.vss.server;

import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.spi.Storage;
import dev.vss.testkit.VssEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A real server on a loopback port over one store kind, with JWT auth, for the testkit suites: the
 * store is opened through {@link TestStore}.
 */
final class HttpServerFixture implements AutoCloseable {
  private final TestStore kind;
  private final Path dataDir;
  private final Storage storage;
  private final VssServer server;
  private final JwtCredentials credentials = new JwtCredentials();
  private final HttpClient client = HttpVssEndpoint.newClient();

  HttpServerFixture(TestStore kind, Limits limits) {
    this.kind = kind;
    try {
      this.dataDir = Files.createTempDirectory("vss-http-" + kind.configName());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.storage = kind.open(dataDir.resolve("data"));
    this.server =
        VssServer.builder(new VssService(storage, limits))
            .authorizer(credentials.authorizer())
            .bind("127.0.0.1", 0)
            .start();
  }

  /** An endpoint whose user tokens reach the server as JWT subjects, unchanged. */
  VssEndpoint endpoint() {
    return new HttpVssEndpoint(
        client,
        server.baseUri(),
        credentials::authorization,
        "HTTP " + server.baseUri() + " on " + kind.configName());
  }

  /**
   * An endpoint that prefixes every user token with a fresh salt, so its keyspaces for any token
   * start empty on this long-running server.
   */
  VssEndpoint saltedEndpoint() {
    String salt = UUID.randomUUID().toString().substring(0, 8) + "-";
    return new HttpVssEndpoint(
        client,
        server.baseUri(),
        user -> credentials.authorization(salt + user),
        "HTTP " + server.baseUri() + " on " + kind.configName() + ", users " + salt + "*");
  }

  @Override
  public void close() {
    try {
      server.stop();
    } finally {
      storage.close();
      deleteRecursively(dataDir);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
