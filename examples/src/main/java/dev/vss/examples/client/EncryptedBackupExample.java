package dev.vss.examples.client;

import dev.vss.client.VssClient;
import dev.vss.client.auth.SignatureHeaderProvider;
import dev.vss.client.store.EncryptedStore;
import dev.vss.client.store.StoredValue;
import dev.vss.client.store.WriteOutcome;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A wallet backing its state up to a VSS server with the Java client: restore on start, write with
 * conflict detection, and a second device racing on the same key.
 *
 * <p>Run a server ({@code java -jar vss-server/target/vss-server.jar}), then this class with the
 * server's base URL as the only argument (default {@code http://127.0.0.1:8080/vss}).
 */
public final class EncryptedBackupExample {
  /**
   * A demonstration seed. A real wallet derives these keys from its own secret seed and never
   * hard-codes or logs them: whoever has them can read the backup.
   */
  private static final byte[] DEMO_SEED =
      "demo seed: replace with the wallet's own 32-byte secret".getBytes(StandardCharsets.UTF_8);

  private EncryptedBackupExample() {}

  /** Backs up to the server at {@code args[0]} (default {@code http://127.0.0.1:8080/vss}). */
  public static void main(String[] args) {
    run(args.length > 0 ? args[0] : "http://127.0.0.1:8080/vss", System.out);
  }

  /** The example, printing what happens to {@code out}. */
  public static void run(String baseUrl, PrintStream out) {
    // One client per server, shared by every store; each request is signed with the auth key.
    VssClient client =
        VssClient.builder(baseUrl)
            .headerProvider(SignatureHeaderProvider.of(derive("vss auth key")))
            .build();

    EncryptedStore phone = openStore(client);
    // A device starting up restores everything (and learns every key's version).
    out.println("restored " + phone.restoreAll().size() + " keys");

    WriteOutcome saved = phone.put("channel-monitor-1", bytes("state after payment 1"));
    out.println("phone wrote channel-monitor-1: " + saved.status());

    // A second device with the same keys writes the same key without having read it first.
    EncryptedStore laptop = openStore(client);
    WriteOutcome blind = laptop.put("channel-monitor-1", bytes("stale state"));
    out.println("laptop's blind write: " + blind.status());

    // The conflict is an outcome, not a crash: read the current value, then write on top of it.
    StoredValue current = laptop.get("channel-monitor-1").orElseThrow();
    out.println("laptop read: " + new String(current.value(), StandardCharsets.UTF_8));
    WriteOutcome merged = laptop.put("channel-monitor-1", bytes("state after payment 2"));
    out.println("laptop wrote channel-monitor-1: " + merged.status());

    // The phone's remembered version is now stale, so its next write is refused, not lost.
    out.println(
        "phone's stale write: "
            + phone.put("channel-monitor-1", bytes("state after payment 1b")).status());
  }

  private static EncryptedStore openStore(VssClient client) {
    return EncryptedStore.builder(client, "example-wallet")
        .dataEncryptionKey(derive("vss data encryption key"))
        .obfuscationKey(derive("vss key obfuscation key"))
        .build();
  }

  /** A 32-byte key for {@code purpose}: HMAC-SHA256 of the purpose under the seed. */
  private static byte[] derive(String purpose) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(DEMO_SEED, "HmacSHA256"));
      return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
