package dev.vss.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.vss.client.auth.SignatureHeaderProvider;
import dev.vss.client.ldk.LdkNodeKeys;
import dev.vss.client.ldk.LdkNodeLayout;
import dev.vss.client.ldk.LdkNodeRecordName;
import dev.vss.client.ldk.LdkSchemaVersion;
import dev.vss.client.store.EncryptedStore;
import dev.vss.client.store.StoredValue;
import dev.vss.client.store.WriteOutcome;
import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.auth.Authorizer;
import dev.vss.core.auth.NoAuthorizer;
import dev.vss.core.auth.SignatureAuthorizer;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.ListKeyVersionsResponse;
import dev.vss.proto.PutObjectRequest;
import dev.vss.server.VssServer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client against the real HTTP server ({@code vss-server-undertow}) running in-process on an
 * ephemeral port with the in-memory store.
 */
class ServerEndToEndTest {
  private static final byte[] DATA_KEY = filled(1);
  private static final byte[] OBFUSCATION_KEY = filled(2);

  private InMemoryStorage storage;
  private VssServer server;

  static byte[] filled(int value) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) value);
    return key;
  }

  private String start(Authorizer authorizer) {
    storage = new InMemoryStorage();
    server =
        VssServer.builder(new VssService(storage, Limits.DEFAULTS))
            .authorizer(authorizer)
            .bind("127.0.0.1", 0)
            .start();
    return server.baseUri().toString();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
    if (storage != null) {
      storage.close();
    }
  }

  private static EncryptedStore store(VssClient client, String storeId) {
    return EncryptedStore.builder(client, storeId)
        .dataEncryptionKey(DATA_KEY)
        .obfuscationKey(OBFUSCATION_KEY)
        .build();
  }

  @Test
  void restoresAThousandKeysOnAFreshDevice() {
    String url = start(new NoAuthorizer());
    EncryptedStore writer = store(VssClient.builder(url).build(), "wallet");
    for (int i = 0; i < 1000; i++) {
      assertThat(writer.put("key-" + i, ("value-" + i).getBytes(UTF_8)).version()).hasValue(1);
    }
    writer.put("key-500", "value-500-updated".getBytes(UTF_8));

    EncryptedStore freshDevice = store(VssClient.builder(url).build(), "wallet");
    List<StoredValue> restored = freshDevice.restoreAll();

    assertThat(restored).hasSize(1000);
    Set<String> keys = new HashSet<>();
    for (StoredValue value : restored) {
      keys.add(value.key());
      String expected =
          value.key().equals("key-500")
              ? "value-500-updated"
              : "value-" + value.key().substring("key-".length());
      assertThat(new String(value.value(), UTF_8)).isEqualTo(expected);
      assertThat(value.version()).isEqualTo(value.key().equals("key-500") ? 2 : 1);
    }
    assertThat(keys).hasSize(1000);
    assertThat(restored.get(0).key()).isEqualTo("key-999"); // newest creation first
    // The restore taught the fresh device every version: its writes are not conflicts.
    assertThat(freshDevice.put("key-500", new byte[0]).version()).hasValue(3);
    assertThat(freshDevice.put("key-0", new byte[0]).version()).hasValue(2);
  }

  @Test
  void twoClientsOfTheSameStoreConflictInsteadOfLosingAnUpdate() {
    String url = start(new NoAuthorizer());
    EncryptedStore phone = store(VssClient.builder(url).build(), "wallet");
    EncryptedStore laptop = store(VssClient.builder(url).build(), "wallet");

    assertThat(phone.put("channel-monitor", "v1 from phone".getBytes(UTF_8)).version()).hasValue(1);
    assertThat(laptop.get("channel-monitor").orElseThrow().version()).isEqualTo(1);
    assertThat(phone.put("channel-monitor", "v2 from phone".getBytes(UTF_8)).version()).hasValue(2);

    WriteOutcome stale = laptop.put("channel-monitor", "v2 from laptop".getBytes(UTF_8));

    assertThat(stale.isConflict()).isTrue();
    StoredValue onServer =
        store(VssClient.builder(url).build(), "wallet").get("channel-monitor").orElseThrow();
    assertThat(new String(onServer.value(), UTF_8)).isEqualTo("v2 from phone");
    assertThat(onServer.version()).isEqualTo(2);

    assertThat(laptop.get("channel-monitor").orElseThrow().version()).isEqualTo(2);
    assertThat(laptop.put("channel-monitor", "v3 from laptop".getBytes(UTF_8)).version())
        .hasValue(3);
  }

  @Test
  void protocolErrorsArriveAsTypedExceptionsAndChangeNothing() {
    String url = start(new NoAuthorizer());
    VssClient client = VssClient.builder(url).build();
    KeyValue item =
        KeyValue.newBuilder()
            .setKey("k")
            .setVersion(0)
            .setValue(ByteString.copyFromUtf8("first"))
            .build();
    client.putObjects(
        PutObjectRequest.newBuilder().setStoreId("s").addTransactionItems(item).build());

    assertThatThrownBy(
            () ->
                client.putObjects(
                    PutObjectRequest.newBuilder()
                        .setStoreId("s")
                        .addTransactionItems(
                            item.toBuilder().setValue(ByteString.copyFromUtf8("second")))
                        .build()))
        .isInstanceOf(ConflictException.class);
    assertThatThrownBy(
            () ->
                client.putObjects(
                    PutObjectRequest.newBuilder()
                        .setStoreId("s")
                        .addTransactionItems(item.toBuilder().setKey("").setVersion(-1))
                        .build()))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(
            () ->
                client.getObject(
                    GetObjectRequest.newBuilder().setStoreId("s").setKey("missing").build()))
        .isInstanceOf(NoSuchKeyException.class);

    KeyValue stored =
        client
            .getObject(GetObjectRequest.newBuilder().setStoreId("s").setKey("k").build())
            .getValue();
    assertThat(stored.getValue().toStringUtf8()).isEqualTo("first");
    assertThat(stored.getVersion()).isEqualTo(1);
    ListKeyVersionsResponse listed =
        client.listKeyVersions(ListKeyVersionsRequest.newBuilder().setStoreId("s").build());
    assertThat(listed.getKeyVersionsList()).extracting(KeyValue::getKey).containsExactly("k");
  }

  @Test
  void signatureAuthSeparatesUsersAndRefusesMissingCredentials() {
    String url = start(new SignatureAuthorizer());
    byte[] aliceKey = filled(0x11);
    byte[] bobKey = filled(0x22);
    EncryptedStore alice =
        store(
            VssClient.builder(url).headerProvider(SignatureHeaderProvider.of(aliceKey)).build(),
            "wallet");
    EncryptedStore bob =
        store(
            VssClient.builder(url).headerProvider(SignatureHeaderProvider.of(bobKey)).build(),
            "wallet");

    assertThat(alice.put("k", "alice's".getBytes(UTF_8)).version()).hasValue(1);

    assertThat(new String(alice.get("k").orElseThrow().value(), UTF_8)).isEqualTo("alice's");
    assertThat(bob.get("k")).isEmpty(); // same store id, another user's keyspace
    assertThat(bob.listAll()).isEmpty();
    VssClient anonymous = VssClient.builder(url).build();
    assertThatThrownBy(
            () ->
                anonymous.getObject(
                    GetObjectRequest.newBuilder().setStoreId("wallet").setKey("k").build()))
        .isInstanceOf(AuthException.class);
    assertThat(alice.listAll()).isEqualTo(Map.of("k", 1L));
  }

  /** A JVM program shares a store with an LDK Node wallet: same user, same layout, same keys. */
  @Test
  void readsAndWritesAStoreLaidOutAsLdkNodeDoes() {
    String url = start(new SignatureAuthorizer());
    byte[] nodeSeed = new byte[64];
    Arrays.fill(nodeSeed, (byte) 7);
    LdkNodeKeys keys = LdkNodeKeys.fromNodeSeed(nodeSeed);
    VssClient client =
        VssClient.builder(url)
            .retryPolicy(RetryPolicy.ldkNode())
            .headerProvider(SignatureHeaderProvider.of(keys.signatureAuthKey().orElseThrow()))
            .build();

    // A new store: no recorded version, no V0 wallet data -> V1, recorded as LDK Node does.
    assertThat(LdkNodeLayout.readStoredSchemaVersion(client, "ldk", keys)).isEmpty();
    LdkSchemaVersion schema = LdkNodeLayout.determineSchemaVersion(client, "ldk", keys);
    assertThat(schema).isEqualTo(LdkSchemaVersion.V1);
    client.putObjects(LdkNodeLayout.writeSchemaVersionRequest("ldk", keys, schema));
    assertThat(LdkNodeLayout.readStoredSchemaVersion(client, "ldk", keys))
        .hasValue(LdkSchemaVersion.V1);

    LdkNodeLayout layout = LdkNodeLayout.of(keys, schema);
    client.putObjects(layout.putRequest("ldk", "monitors", "", "abc_1", "m1".getBytes(UTF_8)));
    client.putObjects(layout.putRequest("ldk", "", "", "manager", "cm".getBytes(UTF_8)));

    String storageKey = layout.storageKey("monitors", "", "abc_1");
    byte[] stored =
        client
            .getObject(GetObjectRequest.newBuilder().setStoreId("ldk").setKey(storageKey).build())
            .getValue()
            .getValue()
            .toByteArray();
    assertThat(layout.open(storageKey, stored)).isEqualTo("m1".getBytes(UTF_8));
    ListKeyVersionsResponse monitors =
        client.listKeyVersions(
            ListKeyVersionsRequest.newBuilder()
                .setStoreId("ldk")
                .setKeyPrefix(layout.listPrefix("monitors", ""))
                .build());
    assertThat(monitors.getKeyVersionsList())
        .extracting(kv -> layout.parse(kv.getKey()))
        .containsExactly(new LdkNodeRecordName("monitors", "", "abc_1"));

    // The same wallet's store written before LDK Node recorded versions (V0 wallet data present).
    LdkNodeLayout v0 = LdkNodeLayout.of(keys, LdkSchemaVersion.V0);
    client.putObjects(v0.putRequest("ldk-v0", "bdk_wallet", "", "descriptor", new byte[] {1}));
    assertThat(LdkNodeLayout.determineSchemaVersion(client, "ldk-v0", keys))
        .isEqualTo(LdkSchemaVersion.V0);
  }
}
