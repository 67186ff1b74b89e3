package dev.vss.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.auth.NoAuthorizer;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.GetObjectResponse;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A getObject response over {@value VssHttpHandler#STREAMED_RESPONSE_BYTES} bytes is streamed and
 * counted against the in-flight body budget while it is sent: over the budget it gets 503 with
 * {@code Retry-After}, so concurrent reads of large values cannot exhaust the heap (BodyMemoryIT
 * shows it in the packaged jar).
 */
class LargeResponseBudgetTest {
  private static final int LIMIT = 1024 * 1024;

  private static long metric(HttpCalls calls, String name) {
    Matcher matcher =
        Pattern.compile("(?m)^" + name + " (\\d+)").matcher(calls.call("GET", "/metrics").text());
    assertThat(matcher.find()).as(name).isTrue();
    return Long.parseLong(matcher.group(1));
  }

  @Test
  void aLargeGetIsStreamedAndRefusedWhileTheBudgetIsFull() throws Exception {
    InMemoryStorage memory = new InMemoryStorage();
    VssServer server =
        VssServer.builder(new VssService(memory, Limits.DEFAULTS))
            .authorizer(new NoAuthorizer())
            .bind("127.0.0.1", 0)
            .maxBodyBytes(LIMIT)
            .maxInFlightBodyBytes(LIMIT)
            .bodyReadTimeout(Duration.ofSeconds(60))
            .start();
    try (memory) {
      HttpCalls calls = new HttpCalls(server.rootUri());
      byte[] bytes = new byte[600 * 1024];
      new Random(3).nextBytes(bytes);
      ByteString value = ByteString.copyFrom(bytes);
      assertThat(
              calls
                  .post(
                      "/vss/putObjects",
                      PutObjectRequest.newBuilder()
                          .setStoreId("s")
                          .addTransactionItems(
                              KeyValue.newBuilder().setKey("big").setVersion(0).setValue(value))
                          .build(),
                      Map.of())
                  .status())
          .isEqualTo(200);
      GetObjectRequest get = GetObjectRequest.newBuilder().setStoreId("s").setKey("big").build();

      HttpCalls.Reply streamed = calls.post("/vss/getObject", get, Map.of());
      assertThat(streamed.status()).isEqualTo(200);
      assertThat(streamed.headers().firstValue("vss-protocol-version")).hasValue("0");
      assertThat(GetObjectResponse.parseFrom(streamed.body()).getValue().getValue())
          .isEqualTo(value);
      assertThat(metric(calls, "vss_http_request_body_bytes_in_flight")).isZero();

      // A stalled body holds 900 KiB of the 1 MiB budget: the 600 KiB response cannot be sent.
      try (Socket stalled = new Socket("127.0.0.1", server.address().getPort())) {
        OutputStream out = stalled.getOutputStream();
        out.write(
            ("POST /vss/putObjects HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
                    + 900 * 1024
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[600 * 1024]);
        out.flush();
        long held = 0;
        for (int i = 0; i < 3000 && held < 900 * 1024; i++) {
          Thread.sleep(10);
          held = metric(calls, "vss_http_request_body_bytes_in_flight");
        }
        assertThat(held).isEqualTo(900 * 1024);
        HttpCalls.Reply refused = calls.post("/vss/getObject", get, Map.of());
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
      }
      // The stalled client went away: its reservation is released and the get goes through.
      for (int i = 0;
          i < 3000 && metric(calls, "vss_http_request_body_bytes_in_flight") != 0;
          i++) {
        Thread.sleep(10);
      }
      HttpCalls.Reply again = calls.post("/vss/getObject", get, Map.of());
      assertThat(again.status()).isEqualTo(200);
      assertThat(GetObjectResponse.parseFrom(again.body()).getValue().getValue()).isEqualTo(value);
    } finally {
      server.stop();
    }
  }
}
