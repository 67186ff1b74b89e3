package dev.vss.testkit.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import dev.vss.protocol.ProtocolVersion;
import dev.vss.protocol.VssMethod;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * SPEC section 1: every response on the API paths carries {@code vss-protocol-version: 0}, which
 * the deployed Rust client checks before anything else. The runner itself never requires the header
 * (so every other scenario runs against a server without it); this check reports its absence.
 */
public class ProtocolVersionHeaderCheck {
  private final HttpVssEndpoint endpoint = WireTarget.current().endpoint("");
  private final String user = "header-" + UUID.randomUUID();

  /** A 200 (a put) and an error (getObject of a missing key, 404) both carry the header. */
  @Test
  @DisplayName("protocol version header")
  public void everyResponseCarriesTheProtocolVersionHeader() {
    HttpResponse<byte[]> ok =
        endpoint.send(
            VssMethod.PUT_OBJECTS.methodName(),
            user,
            PutObjectRequest.newBuilder()
                .setStoreId("header")
                .addTransactionItems(KeyValue.newBuilder().setKey("k"))
                .build());
    HttpResponse<byte[]> missing =
        endpoint.send(
            VssMethod.GET_OBJECT.methodName(),
            user,
            GetObjectRequest.newBuilder().setStoreId("header").setKey("missing").build());

    assertThat(ok.statusCode()).as("status of the put").isEqualTo(200);
    assertThat(ok.headers().allValues(ProtocolVersion.HEADER))
        .as("%s header of a 200 response", ProtocolVersion.HEADER)
        .containsExactly(ProtocolVersion.VALUE);
    assertThat(missing.statusCode()).as("status of getObject of a missing key").isEqualTo(404);
    assertThat(missing.headers().allValues(ProtocolVersion.HEADER))
        .as("%s header of a 404 response", ProtocolVersion.HEADER)
        .containsExactly(ProtocolVersion.VALUE);
  }
}
