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
import org.junit.jupiter.api.Test;

class EncryptedBackupExampleTest {
  @Test
  void runsAsWrittenAgainstAServerWithSignatureAuth() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InMemoryStorage storage = new InMemoryStorage();
        VssServer server =
            VssServer.builder(new VssService(storage, Limits.DEFAULTS))
                .authorizer(new SignatureAuthorizer())
                .bind("127.0.0.1", 0)
                .start()) {
      EncryptedBackupExample.run(
          server.baseUri().toString(), new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    assertThat(out.toString(StandardCharsets.UTF_8).lines())
        .containsExactly(
            "restored 0 keys",
            "phone wrote channel-monitor-1: WRITTEN",
            "laptop's blind write: CONFLICT",
            "laptop read: state after payment 1",
            "laptop wrote channel-monitor-1: WRITTEN",
            "phone's stale write: CONFLICT");
  }
}
