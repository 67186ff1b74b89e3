package dev.vss.examples.undertow;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.auth.NoAuthorizer;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.ErrorResponse;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.GetObjectResponse;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The embedding example serves its own routes and VSS under its own prefix. */
class WalletBackendTest {
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private HttpResponse<byte[]> post(URI uri, byte[] body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void servesVssUnderTheApplicationsPrefix() throws Exception {
    try (InMemoryStorage storage = new InMemoryStorage()) {
      Undertow server =
          WalletBackend.start(
              "127.0.0.1", 0, new VssService(storage, Limits.DEFAULTS), new NoAuthorizer());
      try {
        int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        URI root = URI.create("http://127.0.0.1:" + port);

        HttpResponse<String> status =
            client.send(
                HttpRequest.newBuilder(root.resolve("/status")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(status.body()).isEqualTo("wallet backend up\n");

        byte[] put =
            PutObjectRequest.newBuilder()
                .setStoreId("wallet")
                .addTransactionItems(
                    KeyValue.newBuilder()
                        .setKey("k")
                        .setVersion(0)
                        .setValue(ByteString.copyFromUtf8("v")))
                .build()
                .toByteArray();
        assertThat(post(root.resolve("/api/backup/putObjects"), put).statusCode()).isEqualTo(200);

        HttpResponse<byte[]> get =
            post(
                root.resolve("/api/backup/getObject"),
                GetObjectRequest.newBuilder()
                    .setStoreId("wallet")
                    .setKey("k")
                    .build()
                    .toByteArray());
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(GetObjectResponse.parseFrom(get.body()).getValue().getVersion()).isEqualTo(1);

        HttpResponse<byte[]> tooLarge =
            post(
                root.resolve("/api/backup/putObjects"),
                new byte[(int) WalletBackend.MAX_BACKUP_BODY_BYTES + 1]);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(ErrorResponse.parseFrom(tooLarge.body()).getErrorCode())
            .isEqualTo(ErrorCode.INVALID_REQUEST_EXCEPTION);
      } finally {
        server.stop();
      }
    }
  }
}
