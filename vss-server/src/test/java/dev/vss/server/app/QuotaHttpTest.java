package dev.vss.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import dev.vss.server.HttpCalls;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quotas over real HTTP, configured as an operator does (flags and environment through the config
 * loader, on the SQLite store): a put over a quota is a 400 INVALID_REQUEST naming the quota, a
 * delete is never refused, and each refusal is counted in {@code /metrics} by quota.
 */
class QuotaHttpTest {
  @TempDir Path dir;

  private static PutObjectRequest put(String storeId, String key, int valueBytes) {
    return PutObjectRequest.newBuilder()
        .setStoreId(storeId)
        .addTransactionItems(
            KeyValue.newBuilder()
                .setKey(key)
                .setVersion(-1)
                .setValue(ByteString.copyFrom(new byte[valueBytes])))
        .build();
  }

  @Test
  void aPutOverAQuotaIsA400NamingTheQuotaAndIsCounted() {
    ServerConfig config =
        ServerConfigLoader.load(
            List.of(
                "--store",
                "sqlite",
                "--data-dir",
                dir.toString(),
                "--auth",
                "none",
                "--bind",
                "127.0.0.1:0",
                "--quota-max-bytes-per-user",
                "1048576"),
            Map.of("VSS_QUOTA_MAX_BYTES_PER_STORE", "1048000"));
    ServerLauncher.Running running = ServerLauncher.start(config);
    try {
      HttpCalls http = new HttpCalls(running.server().rootUri());
      assertThat(http.post("/vss/putObjects", put("wallet", "a", 1048000), Map.of()).status())
          .isEqualTo(200);
      HttpCalls.Reply perStore = http.post("/vss/putObjects", put("wallet", "b", 1), Map.of());
      assertThat(perStore.status()).isEqualTo(400);
      assertThat(perStore.error().getErrorCode()).isEqualTo(ErrorCode.INVALID_REQUEST_EXCEPTION);
      assertThat(perStore.error().getMessage())
          .isEqualTo(
              "put would exceed the per-store quota"
                  + " of 1048000 stored bytes for store_id 'wallet' (in use: 1048000, this put adds 1)");

      assertThat(http.post("/vss/putObjects", put("other", "c", 576), Map.of()).status())
          .as("exactly at the per-user quota")
          .isEqualTo(200);
      HttpCalls.Reply perUser = http.post("/vss/putObjects", put("other", "d", 1000), Map.of());
      assertThat(perUser.status()).isEqualTo(400);
      assertThat(perUser.error().getMessage())
          .isEqualTo(
              "put would exceed the per-user quota"
                  + " of 1048576 stored bytes (in use: 1048576, this put adds 1000)");

      assertThat(
              http.post(
                      "/vss/deleteObject",
                      DeleteObjectRequest.newBuilder()
                          .setStoreId("wallet")
                          .setKeyValue(KeyValue.newBuilder().setKey("a").setVersion(-1))
                          .build(),
                      Map.of())
                  .status())
          .as("deletes always work")
          .isEqualTo(200);
      assertThat(http.post("/vss/putObjects", put("other", "d", 1000), Map.of()).status())
          .isEqualTo(200);

      String metrics = http.call("GET", "/metrics").text();
      assertThat(metrics)
          .contains("vss_quota_refusals_total{quota=\"bytes_per_store\"} 1.0\n")
          .contains("vss_quota_refusals_total{quota=\"bytes_per_user\"} 1.0\n")
          .doesNotContain("records_per_user");
    } finally {
      running.shutdown();
    }
  }
}
