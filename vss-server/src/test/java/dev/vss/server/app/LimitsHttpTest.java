package dev.vss.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import dev.vss.server.HttpCalls;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Request limits over real HTTP, configured as an operator does (flags and environment through the
 * config loader): a lowered limit is enforced by the running server with a 400 INVALID_REQUEST, and
 * a request within it still succeeds.
 */
class LimitsHttpTest {
  private static PutObjectRequest put(String storeId, int items, int keyLength) {
    PutObjectRequest.Builder request = PutObjectRequest.newBuilder().setStoreId(storeId);
    for (int i = 0; i < items; i++) {
      request.addTransactionItems(
          KeyValue.newBuilder()
              .setKey(i + "k".repeat(keyLength - 1))
              .setVersion(-1)
              .setValue(ByteString.copyFromUtf8("v")));
    }
    return request.build();
  }

  @Test
  void loweredLimitsAreEnforcedWithInvalidRequest() {
    ServerConfig config =
        ServerConfigLoader.load(
            List.of(
                "--store",
                "memory",
                "--auth",
                "none",
                "--bind",
                "127.0.0.1:0",
                "--max-items-per-put",
                "2"),
            Map.of("VSS_MAX_KEY_LENGTH", "8"));
    ServerLauncher.Running running = ServerLauncher.start(config);
    try {
      HttpCalls http = new HttpCalls(running.server().rootUri());
      assertThat(http.post("/vss/putObjects", put("wallet", 2, 8), Map.of()).status())
          .as("at both limits")
          .isEqualTo(200);

      HttpCalls.Reply tooMany = http.post("/vss/putObjects", put("wallet", 3, 1), Map.of());
      assertThat(tooMany.status()).isEqualTo(400);
      assertThat(tooMany.error().getErrorCode()).isEqualTo(ErrorCode.INVALID_REQUEST_EXCEPTION);
      assertThat(tooMany.error().getMessage()).contains("the limit is 2");

      HttpCalls.Reply tooLong = http.post("/vss/putObjects", put("wallet", 1, 9), Map.of());
      assertThat(tooLong.status()).isEqualTo(400);
      assertThat(tooLong.error().getErrorCode()).isEqualTo(ErrorCode.INVALID_REQUEST_EXCEPTION);
    } finally {
      running.shutdown();
    }
  }
}
