package dev.vss.examples;

import com.google.protobuf.ByteString;
import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;

/**
 * The README's embedding example: a {@link VssService} over the in-memory store, one conditional
 * create and one read. Swap {@code InMemoryStorage} for {@code SqliteStorage.open(dir)} or {@code
 * RocksDbStorage.open(dir)} to make it durable.
 */
public final class EmbeddedQuickstart {
  private EmbeddedQuickstart() {}

  /** Stores {@code channel-monitor-1} for user {@code alice}, reads it back and prints it. */
  public static void main(String[] args) {
    try (InMemoryStorage storage = new InMemoryStorage()) {
      VssService vss = new VssService(storage, Limits.DEFAULTS);
      vss.putObjects(
          "alice",
          PutObjectRequest.newBuilder()
              .setStoreId("wallet")
              .addTransactionItems(
                  KeyValue.newBuilder()
                      .setKey("channel-monitor-1")
                      .setVersion(0)
                      .setValue(ByteString.copyFromUtf8("monitor bytes")))
              .build());
      KeyValue stored =
          vss.getObject(
                  "alice",
                  GetObjectRequest.newBuilder()
                      .setStoreId("wallet")
                      .setKey("channel-monitor-1")
                      .build())
              .getValue();
      System.out.println(
          stored.getKey() + " v" + stored.getVersion() + " = " + stored.getValue().toStringUtf8());
    }
  }
}
