package dev.vss.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.protobuf.ByteString;
import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The access log: its line format, and one line per request over real HTTP. */
class AccessLogTest {
  private static final String TOKEN = "user-token-that-must-never-be-logged";
  private final Logger accessLogger = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER_NAME);
  private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
  private VssServer server;

  @AfterEach
  void stop() {
    accessLogger.detachAppender(captured);
    if (server != null) {
      server.stop();
    }
  }

  @Test
  void lineFormat() {
    Instant at = Instant.parse("2026-12-01T17:20:00.123456Z");
    assertThat(AccessLog.line(at, "putObjects", 200, 1_234_567, 312, 2, "5f0c2e1ab7d94c33"))
        .isEqualTo(
            "time=2026-12-01T17:20:00.123Z method=putObjects status=200 ms=1.235 in=312"
                + " out=2 user=5f0c2e1ab7d94c33");
    assertThat(AccessLog.line(at, "/a b\n\"x", 404, 0, -1, 0, null))
        .as("a client-chosen path cannot split or forge a line")
        .isEqualTo(
            "time=2026-12-01T17:20:00.123Z method=/a?b??x status=404 ms=0.000 in=-"
                + " out=0 user=-");
    assertThat(AccessLog.line(at, "/" + "p".repeat(500), 404, 0, 0, 0, null))
        .contains("method=/" + "p".repeat(119) + "... ");
    assertThat(AccessLog.line(at, "", 200, 0, 0, 0, null)).contains(" method=/ ");
  }

  @Test
  void elapsedMillisecondsHaveThreeDecimalsRoundedHalfUp() {
    Instant at = Instant.parse("2026-12-01T17:20:00Z");
    long[][] cases = {
      {5_000, 5}, {499, 0}, {500, 1}, {10_050_000, 10_050}, {12_345_678_901L, 12_345_679}
    };
    for (long[] c : cases) {
      String expected =
          String.format(java.util.Locale.ROOT, "ms=%d.%03d ", c[1] / 1000, c[1] % 1000);
      assertThat(AccessLog.line(at, "getObject", 200, c[0], 1, 1, null))
          .as("%d ns", c[0])
          .contains(expected);
    }
  }

  @Test
  void userIdIsAShortHashOfTheToken() {
    // printf 'abc' | sha256sum -> ba7816bf8f01cfea414140de5dae2223...
    assertThat(AccessLog.userId("abc")).isEqualTo("ba7816bf8f01cfea");
    assertThat(AccessLog.userId(TOKEN)).hasSize(16).doesNotContain(TOKEN);
    assertThat(AccessLog.userId("abc")).as("remembered, the same").isEqualTo("ba7816bf8f01cfea");
  }

  @Test
  void oneLinePerRequestWithTheHashedUserAndNeverTheToken() {
    server = start(true);
    HttpCalls http = new HttpCalls(server.rootUri());
    PutObjectRequest put =
        PutObjectRequest.newBuilder()
            .addTransactionItems(
                KeyValue.newBuilder()
                    .setKey("k")
                    .setVersion(0)
                    .setValue(ByteString.copyFromUtf8("v")))
            .build();
    assertThat(http.post("/vss/putObjects", put, Map.of()).status()).isEqualTo(200);
    assertThat(http.post("/vss/nowhere", new byte[3], Map.of()).status()).isEqualTo(404);

    List<String> lines = awaitLines(2);
    assertThat(lines.get(0))
        .matches(
            "time=\\S+Z method=putObjects status=200 ms=[0-9.]+ in="
                + put.getSerializedSize()
                + " out=\\d+ user="
                + AccessLog.userId(TOKEN));
    assertThat(lines.get(1))
        .matches("time=\\S+Z method=/vss/nowhere status=404 ms=[0-9.]+ in=3 out=\\d+ user=-");
    assertThat(String.join("\n", lines)).doesNotContain(TOKEN);
    assertThat(captured.list).allMatch(e -> e.getLevel() == ch.qos.logback.classic.Level.INFO);
  }

  @Test
  void offWritesNothing() {
    server = start(false);
    HttpCalls http = new HttpCalls(server.rootUri());
    http.post("/vss/nowhere", new byte[0], Map.of());
    assertThat(http.call("GET", "/health").status()).isEqualTo(200);
    assertThat(captured.list).isEmpty();
  }

  private VssServer start(boolean accessLog) {
    captured.start();
    // Other tests in this JVM may have configured logging with the access log off; the server's
    // own switch is what this test is about, so the logger itself is open here.
    accessLogger.setLevel(ch.qos.logback.classic.Level.INFO);
    accessLogger.addAppender(captured);
    return VssServer.builder(new VssService(new InMemoryStorage(), Limits.DEFAULTS))
        .authorizer(headers -> TOKEN)
        .bind("127.0.0.1", 0)
        .accessLog(accessLog)
        .start();
  }

  /** The line is written as the exchange completes, just after the client has its response. */
  private List<String> awaitLines(int count) {
    for (int i = 0; i < 1000 && captured.list.size() < count; i++) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    assertThat(captured.list).hasSize(count);
    return captured.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }
}
