package dev.vss.examples.embedder;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedder's program serves over SQLite: health and readiness answer, its store file exists,
 * and an unsigned API call is refused by the signature authorizer.
 */
class EmbeddedHttpServerTest {
  @TempDir Path dir;

  @Test
  void servesVssOverSqlite() throws Exception {
    EmbeddedHttpServer running = EmbeddedHttpServer.start(dir, "127.0.0.1", 0);
    try {
      HttpClient http = HttpClient.newHttpClient();
      URI root = running.server().rootUri();
      assertThat(
              http.send(
                      HttpRequest.newBuilder(root.resolve("/health")).build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode())
          .isEqualTo(200);
      assertThat(
              http.send(
                      HttpRequest.newBuilder(root.resolve("/ready")).build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode())
          .isEqualTo(200);
      HttpResponse<byte[]> unsigned =
          http.send(
              HttpRequest.newBuilder(URI.create(running.server().baseUri() + "/getObject"))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[0]))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(unsigned.statusCode()).as("no Authorization header").isEqualTo(401);
      try (var files = Files.list(dir)) {
        assertThat(files).as("the SQLite store's files").isNotEmpty();
      }
    } finally {
      running.stop();
    }
  }
}
