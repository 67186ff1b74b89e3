package dev.vss.examples.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.auth.SignatureAuthorizer;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.server.VssServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallTest {
  private static final byte[] KEY = HexFormat.of().parseHex("00".repeat(31) + "07");

  @Test
  void signedCallsPrintDecodedAnswersAndErrors() throws Exception {
    try (InMemoryStorage storage = new InMemoryStorage();
        VssServer server =
            VssServer.builder(new VssService(storage, Limits.DEFAULTS))
                .authorizer(new SignatureAuthorizer())
                .bind("127.0.0.1", 0)
                .start()) {
      String url = server.baseUri().toString();

      Outcome put =
          call(
              url,
              "putObjects",
              "store_id: \"s\" transaction_items { key: \"a\" version: 0 value: \"hi\" }");
      assertThat(put.status).isZero();
      assertThat(put.lines).element(1).isEqualTo("# putObjects ok");

      Outcome get = call(url, "getObject", "store_id: \"s\" key: \"a\"");
      assertThat(get.status).isZero();
      assertThat(get.lines).contains("  key: \"a\"", "  version: 1", "  value: \"hi\"");

      Outcome conflict =
          call(
              url,
              "putObjects",
              "store_id: \"s\" transaction_items { key: \"a\" version: 0 value: \"again\" }");
      assertThat(conflict.status).isOne();
      assertThat(conflict.lines.get(1)).startsWith("# ConflictException: ");

      Outcome missing = call(url, "getObject", "store_id: \"s\" key: \"nope\"");
      assertThat(missing.lines.get(1)).startsWith("# NoSuchKeyException: ");

      assertThat(call(url, "getObject", "stor_id: 1").status).isEqualTo(2);
      assertThat(call(url, "fetch", "").status).isEqualTo(2);
      // Every line starts with the same user token: the key's public key.
      assertThat(put.lines.get(0)).startsWith("# user token 02").hasSize(13 + 66);
    }
  }

  private record Outcome(int status, List<String> lines) {}

  private static Outcome call(String url, String method, String request) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status =
        Call.run(url, method, request, KEY, new PrintStream(out, true, StandardCharsets.UTF_8));
    return new Outcome(status, out.toString(StandardCharsets.UTF_8).lines().toList());
  }
}
