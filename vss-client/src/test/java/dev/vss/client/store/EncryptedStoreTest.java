package dev.vss.client.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vss.client.RetryPolicy;
import dev.vss.client.VssClient;
import dev.vss.client.crypto.DecryptionException;
import dev.vss.client.crypto.DeployedClientVectors;
import dev.vss.client.crypto.KeyObfuscator;
import dev.vss.client.crypto.StorableCipher;
import dev.vss.core.Limits;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.PlaintextBlob;
import dev.vss.proto.PutObjectRequest;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link EncryptedStore} against the real VSS rules (vss-core's {@code VssService}) behind a
 * minimal HTTP shell.
 */
class EncryptedStoreTest {
  private static final byte[] DATA_KEY = filled(1);
  private static final byte[] OBFUSCATION_KEY = filled(2);
  private static final String STORE = "wallet";

  private CoreBackedServer server;
  private VssClient client;

  static byte[] filled(int value) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) value);
    return key;
  }

  @BeforeEach
  void start() throws IOException {
    server = new CoreBackedServer(Limits.DEFAULTS.withPageSizes(5, 5));
    client = VssClient.builder(server.baseUrl()).retryPolicy(RetryPolicy.noRetries()).build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private EncryptedStore.Builder storeBuilder() {
    return EncryptedStore.builder(client, STORE)
        .dataEncryptionKey(DATA_KEY)
        .obfuscationKey(OBFUSCATION_KEY);
  }

  private EncryptedStore newStore() {
    return storeBuilder().build();
  }

  /** What a fresh device with the same keys reads: the store as it really is. */
  private String readBack(String key) {
    return newStore().get(key).map(v -> new String(v.value(), UTF_8)).orElse(null);
  }

  @Test
  void putThenGetRoundTripsWhileTheServerSeesNeitherKeyNorValue() {
    EncryptedStore store = newStore();

    WriteOutcome outcome = store.put("channel-monitor-1", "secret state".getBytes(UTF_8));

    assertThat(outcome.status()).isEqualTo(WriteOutcome.Status.WRITTEN);
    assertThat(outcome.version()).hasValue(1);
    StoredValue read = store.get("channel-monitor-1").orElseThrow();
    assertThat(read.key()).isEqualTo("channel-monitor-1");
    assertThat(new String(read.value(), UTF_8)).isEqualTo("secret state");
    assertThat(read.version()).isEqualTo(1);

    List<KeyValue> onServer =
        server
            .service()
            .listKeyVersions(
                server.user(), ListKeyVersionsRequest.newBuilder().setStoreId(STORE).build())
            .getKeyVersionsList();
    assertThat(onServer).hasSize(1);
    String storageKey = onServer.get(0).getKey();
    assertThat(storageKey)
        .doesNotContain("channel")
        .isEqualTo(new KeyObfuscator(OBFUSCATION_KEY).obfuscate("channel-monitor-1"));
    byte[] storedBytes =
        server
            .service()
            .getObject(
                server.user(),
                GetObjectRequest.newBuilder().setStoreId(STORE).setKey(storageKey).build())
            .getValue()
            .getValue()
            .toByteArray();
    assertThat(new String(storedBytes, UTF_8)).doesNotContain("secret");
  }

  @Test
  void getOfAMissingKeyIsEmpty() {
    assertThat(newStore().get("nothing-here")).isEmpty();
  }

  @Test
  void successiveWritesFollowTheServersVersions() {
    EncryptedStore store = newStore();

    assertThat(store.put("k", "a".getBytes(UTF_8)).version()).hasValue(1);
    assertThat(store.put("k", "b".getBytes(UTF_8)).version()).hasValue(2);
    assertThat(store.put("k", "c".getBytes(UTF_8)).version()).hasValue(3);

    assertThat(store.knownVersion("k")).hasValue(3);
    assertThat(newStore().get("k").orElseThrow().version()).isEqualTo(3);
    assertThat(readBack("k")).isEqualTo("c");
  }

  @Test
  void twoDevicesWritingTheSameKeyGetAConflictNotALostUpdate() {
    EncryptedStore phone = newStore();
    EncryptedStore laptop = newStore();
    assertThat(phone.put("balance", "100".getBytes(UTF_8)).version()).hasValue(1);

    // The laptop never read the key: its write is a create, which must not clobber the phone's.
    WriteOutcome blind = laptop.put("balance", "999".getBytes(UTF_8));
    assertThat(blind.isConflict()).isTrue();
    assertThat(blind.conflictMessage()).isNotEmpty();
    assertThat(readBack("balance")).isEqualTo("100");

    // After reading, the laptop's write goes through.
    assertThat(laptop.get("balance").orElseThrow().version()).isEqualTo(1);
    assertThat(laptop.put("balance", "150".getBytes(UTF_8)).version()).hasValue(2);

    // The phone still expects version 1: conflict, nothing changed, and it forgets version 1.
    WriteOutcome stale = phone.put("balance", "50".getBytes(UTF_8));
    assertThat(stale.status()).isEqualTo(WriteOutcome.Status.CONFLICT);
    assertThat(readBack("balance")).isEqualTo("150");
    assertThat(phone.knownVersion("balance")).isEmpty();

    // Re-read, merge, write again.
    assertThat(new String(phone.get("balance").orElseThrow().value(), UTF_8)).isEqualTo("150");
    assertThat(phone.put("balance", "200".getBytes(UTF_8)).version()).hasValue(3);
    assertThat(readBack("balance")).isEqualTo("200");
  }

  @Test
  void deleteIsConditionalOnTheVersionThisStoreSaw() {
    EncryptedStore phone = newStore();
    EncryptedStore laptop = newStore();
    phone.put("k", "v1".getBytes(UTF_8));
    laptop.get("k");
    laptop.put("k", "v2".getBytes(UTF_8));

    WriteOutcome stale = phone.delete("k");

    assertThat(stale.isConflict()).isTrue();
    assertThat(readBack("k")).isEqualTo("v2");
    assertThat(laptop.delete("k").status()).isEqualTo(WriteOutcome.Status.DELETED);
    assertThat(readBack("k")).isNull();
    assertThat(laptop.knownVersion("k")).isEmpty();
  }

  @Test
  void deleteWithoutAKnownVersionIsUnconditionalAndIdempotent() {
    newStore().put("k", "v".getBytes(UTF_8));
    EncryptedStore other = newStore();

    assertThat(other.delete("k").status()).isEqualTo(WriteOutcome.Status.DELETED);
    assertThat(readBack("k")).isNull();
    assertThat(other.delete("k").status()).isEqualTo(WriteOutcome.Status.DELETED);
  }

  @Test
  void listAllFollowsEveryPageAndRemembersVersions() {
    EncryptedStore writer = newStore();
    for (int i = 0; i < 12; i++) {
      writer.put("key-" + i, new byte[] {(byte) i});
    }
    writer.put("key-3", new byte[] {33});
    EncryptedStore reader = newStore();

    Map<String, Long> listed = reader.listAll();

    assertThat(listed).hasSize(12);
    // Newest creation first, across the pages of five.
    assertThat(listed.keySet()).first().isEqualTo("key-11");
    assertThat(listed.keySet()).last().isEqualTo("key-0");
    assertThat(listed).containsEntry("key-3", 2L).containsEntry("key-7", 1L);
    assertThat(reader.knownVersion("key-3")).hasValue(2);
    assertThat(reader.put("key-3", new byte[] {34}).version()).hasValue(3);
  }

  @Test
  void restoreAllReadsEveryValueWithBoundedParallelism() {
    EncryptedStore writer = newStore();
    for (int i = 0; i < 40; i++) {
      writer.put("key-" + i, ("value-" + i).getBytes(UTF_8));
    }
    EncryptedStore restorer = storeBuilder().restoreParallelism(3).build();

    List<StoredValue> restored = restorer.restoreAll();

    assertThat(restored).hasSize(40);
    assertThat(restored)
        .allSatisfy(
            v ->
                assertThat(new String(v.value(), UTF_8))
                    .isEqualTo("value-" + v.key().substring("key-".length())));
    assertThat(restored.get(0).key()).isEqualTo("key-39");
    assertThat(server.maxConcurrentGets()).isBetween(1, 3);
    assertThat(restorer.put("key-5", new byte[0]).version()).hasValue(2);
  }

  @Test
  void restoreAllLeavesOutKeysDeletedAfterTheListing() {
    EncryptedStore writer = newStore();
    writer.put("kept", "1".getBytes(UTF_8));
    writer.put("doomed", "2".getBytes(UTF_8));
    AtomicBoolean deleted = new AtomicBoolean();
    server.beforeEachGet(
        () -> {
          if (deleted.compareAndSet(false, true)) {
            server
                .service()
                .putObjects(
                    server.user(),
                    PutObjectRequest.newBuilder()
                        .setStoreId(STORE)
                        .addDeleteItems(
                            KeyValue.newBuilder()
                                .setVersion(-1)
                                .setKey(new KeyObfuscator(OBFUSCATION_KEY).obfuscate("doomed")))
                        .build());
          }
        });
    EncryptedStore restorer = newStore();

    List<StoredValue> restored = restorer.restoreAll();

    assertThat(restored).extracting(StoredValue::key).containsExactly("kept");
    assertThat(restorer.knownVersion("doomed")).isEmpty();
  }

  @Test
  void aWrongDataKeyNeverYieldsBytes() {
    newStore().put("k", "v".getBytes(UTF_8));
    EncryptedStore wrongKey = storeBuilder().dataEncryptionKey(filled(9)).build();

    assertThatThrownBy(() -> wrongKey.get("k"))
        .isInstanceOf(DecryptionException.class)
        .hasMessageContaining("value of key 'k'")
        .hasMessageContaining("does not verify");
    assertThatThrownBy(wrongKey::restoreAll).isInstanceOf(DecryptionException.class);
  }

  @Test
  void aWrongObfuscationKeyCannotListTheStore() {
    newStore().put("k", "v".getBytes(UTF_8));
    EncryptedStore wrongKey = storeBuilder().obfuscationKey(filled(9)).build();

    assertThat(wrongKey.get("k")).isEmpty(); // its obfuscated "k" is another storage key
    assertThatThrownBy(wrongKey::listAll)
        .isInstanceOf(DecryptionException.class)
        .hasMessageContaining("not one of this store's obfuscated keys");
  }

  @Test
  void aValueTheServerMovesToAnotherKeyIsRefused() {
    EncryptedStore store = newStore();
    store.put("alice", "alice's".getBytes(UTF_8));
    store.put("bob", "bob's".getBytes(UTF_8));
    KeyObfuscator obfuscator = new KeyObfuscator(OBFUSCATION_KEY);
    // A malicious server copies alice's ciphertext over bob's.
    KeyValue alice =
        server
            .service()
            .getObject(
                server.user(),
                GetObjectRequest.newBuilder()
                    .setStoreId(STORE)
                    .setKey(obfuscator.obfuscate("alice"))
                    .build())
            .getValue();
    server
        .service()
        .putObjects(
            server.user(),
            PutObjectRequest.newBuilder()
                .setStoreId(STORE)
                .addTransactionItems(
                    KeyValue.newBuilder()
                        .setKey(obfuscator.obfuscate("bob"))
                        .setVersion(-1)
                        .setValue(alice.getValue()))
                .build());

    assertThatThrownBy(() -> newStore().get("bob")).isInstanceOf(DecryptionException.class);
  }

  @ParameterizedTest
  @EnumSource(AssociatedData.class)
  void theAssociatedDataChoiceMustMatchTheWriters(AssociatedData writersChoice) {
    storeBuilder().associatedData(writersChoice).build().put("k", "v".getBytes(UTF_8));

    for (AssociatedData readersChoice : AssociatedData.values()) {
      EncryptedStore reader = storeBuilder().associatedData(readersChoice).build();
      if (readersChoice == writersChoice) {
        assertThat(reader.get("k").orElseThrow().value()).isEqualTo("v".getBytes(UTF_8));
      } else {
        assertThatThrownBy(() -> reader.get("k")).isInstanceOf(DecryptionException.class);
      }
    }
  }

  /** Values the deployed Rust client wrote are read back, the storage_key rows by default. */
  @Test
  void readsWhatTheDeployedClientWrote() {
    for (DeployedClientVectors.Row row : DeployedClientVectors.rows()) {
      String storeId = "vectors-" + row.mode();
      server
          .service()
          .putObjects(
              server.user(),
              PutObjectRequest.newBuilder()
                  .setStoreId(storeId)
                  .addTransactionItems(
                      KeyValue.newBuilder()
                          .setKey(row.obfuscatedKey())
                          .setVersion(-1)
                          .setValue(com.google.protobuf.ByteString.copyFrom(row.storable())))
                  .build());
      EncryptedStore.Builder builder =
          EncryptedStore.builder(client, storeId)
              .dataEncryptionKey(row.dataKey())
              .obfuscationKey(row.obfuscationMasterKey());
      if (!row.mode().equals("storage_key")) {
        builder.associatedData(
            row.mode().equals("caller_key") ? AssociatedData.CALLER_KEY : AssociatedData.NONE);
      }

      assertThat(builder.build().get(row.callerKey()).orElseThrow().value())
          .as(row.callerKey())
          .isEqualTo(row.plaintext());
    }
  }

  /** The default is LDK Node's schema V1 binding: the obfuscated key as sent on the wire. */
  @Test
  void byDefaultValuesAreBoundToTheStorageKey() {
    newStore().put("k", "v".getBytes(UTF_8));
    String storageKey = new KeyObfuscator(OBFUSCATION_KEY).obfuscate("k");
    KeyValue stored =
        server
            .service()
            .getObject(
                server.user(),
                GetObjectRequest.newBuilder().setStoreId(STORE).setKey(storageKey).build())
            .getValue();

    PlaintextBlob blob =
        new StorableCipher(DATA_KEY)
            .open(stored.getValue().toByteArray(), storageKey.getBytes(UTF_8));
    assertThat(blob.getValue().toStringUtf8()).isEqualTo("v");
    assertThatThrownBy(
            () ->
                new StorableCipher(DATA_KEY)
                    .open(stored.getValue().toByteArray(), "k".getBytes(UTF_8)))
        .isInstanceOf(DecryptionException.class);
  }

  @Test
  void refusesMisconfiguration() {
    assertThatThrownBy(() -> EncryptedStore.builder(client, STORE).dataEncryptionKey(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> EncryptedStore.builder(client, STORE).dataEncryptionKey(DATA_KEY).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("obfuscationKey");
    assertThatThrownBy(() -> newStore().put("", new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
