package dev.vss.client.ldk;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vss.client.crypto.DecryptionException;
import dev.vss.client.crypto.DeployedClientVectors;
import dev.vss.client.crypto.DeployedClientVectors.Row;
import dev.vss.client.crypto.KeyObfuscator;
import dev.vss.client.crypto.StorableCipher;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PlaintextBlob;
import dev.vss.proto.PutObjectRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Storage keys, AAD and parsing of LDK Node's layout. Expected storage keys are assembled from
 * obfuscations the deployed Rust client made ({@code vss-client-ng-0.6.0-storables.tsv}), not from
 * this client's obfuscator.
 */
class LdkNodeLayoutTest {
  private static final List<Row> ROWS = DeployedClientVectors.rows();

  private static Row row(String callerKey) {
    return ROWS.stream().filter(r -> r.callerKey().equals(callerKey)).findFirst().orElseThrow();
  }

  private static LdkNodeLayout layout(LdkSchemaVersion schema) {
    Row any = ROWS.get(0);
    return LdkNodeLayout.of(any.dataKey(), any.obfuscationMasterKey(), schema);
  }

  @Test
  void schemaV1KeyIsTheObfuscatedNamespacesThenTheObfuscatedKey() {
    // The Rust client obfuscated "network_graph#scorer" and "manager" under the same master key.
    String expected =
        row("network_graph#scorer").obfuscatedKey() + "#" + row("manager").obfuscatedKey();

    assertThat(layout(LdkSchemaVersion.V1).storageKey("network_graph", "scorer", "manager"))
        .isEqualTo(expected);
    assertThat(layout(LdkSchemaVersion.V1).listPrefix("network_graph", "scorer"))
        .isEqualTo(row("network_graph#scorer").obfuscatedKey());
  }

  @Test
  void schemaV0KeyKeepsTheNamespacesInTheClear() {
    LdkNodeLayout v0 = layout(LdkSchemaVersion.V0);
    String obfuscatedManager = row("manager").obfuscatedKey();

    assertThat(v0.storageKey("", "", "manager")).isEqualTo(obfuscatedManager);
    assertThat(v0.storageKey("monitors", "", "manager"))
        .isEqualTo("monitors##" + obfuscatedManager);
    assertThat(v0.storageKey("bdk_wallet", "tx", "manager"))
        .isEqualTo("bdk_wallet#tx#" + obfuscatedManager);
    assertThat(v0.listPrefix("bdk_wallet", "tx")).isEqualTo("bdk_wallet#tx");
  }

  /** The Rust client's empty-AAD row is exactly a V0 record of ("", "", its key). */
  @Test
  void opensASchemaV0RecordTheDeployedClientSealed() {
    Row empty = row("empty-aad-key");
    LdkNodeLayout v0 = layout(LdkSchemaVersion.V0);
    String storageKey = v0.storageKey("", "", "empty-aad-key");

    assertThat(storageKey).isEqualTo(empty.obfuscatedKey());
    assertThat(v0.associatedData(storageKey)).isEmpty();
    assertThat(v0.open(storageKey, empty.storable())).isEqualTo(empty.plaintext());
    assertThatThrownBy(() -> layout(LdkSchemaVersion.V1).open(storageKey, empty.storable()))
        .isInstanceOf(DecryptionException.class);
  }

  @Test
  void schemaV1ValuesAreBoundToTheStorageKeyWithVersionMinusOne() {
    LdkNodeLayout v1 = layout(LdkSchemaVersion.V1);
    String storageKey = v1.storageKey("monitors", "", "abc_1");
    byte[] sealed = v1.seal(storageKey, "state".getBytes(UTF_8));

    PlaintextBlob blob =
        new StorableCipher(ROWS.get(0).dataKey()).open(sealed, storageKey.getBytes(UTF_8));
    assertThat(blob.getValue().toStringUtf8()).isEqualTo("state");
    assertThat(blob.getVersion()).isEqualTo(-1);
    assertThat(v1.open(storageKey, sealed)).isEqualTo("state".getBytes(UTF_8));
    String otherKey = v1.storageKey("monitors", "", "abc_2");
    assertThatThrownBy(() -> v1.open(otherKey, sealed)).isInstanceOf(DecryptionException.class);
  }

  @Test
  void aPutRequestIsUnconditionalAndSealedForItsStorageKey() {
    LdkNodeLayout v1 = layout(LdkSchemaVersion.V1);
    PutObjectRequest put = v1.putRequest("store", "p", "s", "k", new byte[] {1, 2});

    assertThat(put.getStoreId()).isEqualTo("store");
    assertThat(put.hasGlobalVersion()).isFalse();
    KeyValue item = put.getTransactionItems(0);
    assertThat(item.getKey()).isEqualTo(v1.storageKey("p", "s", "k"));
    assertThat(item.getVersion()).isEqualTo(-1);
    assertThat(v1.open(item.getKey(), item.getValue().toByteArray())).containsExactly(1, 2);
  }

  @ParameterizedTest
  @EnumSource(LdkSchemaVersion.class)
  void parsesStorageKeysBack(LdkSchemaVersion schema) {
    LdkNodeLayout layout = layout(schema);
    for (LdkNodeRecordName name :
        List.of(
            new LdkNodeRecordName("", "", "manager"),
            new LdkNodeRecordName("monitors", "", "abc_1"),
            new LdkNodeRecordName("bdk_wallet", "tx", "x-y_Z9"))) {
      String storageKey =
          layout.storageKey(name.primaryNamespace(), name.secondaryNamespace(), name.key());
      assertThat(layout.parse(storageKey)).isEqualTo(name);
    }
  }

  @Test
  void parseRefusesForeignKeys() {
    assertThatThrownBy(() -> layout(LdkSchemaVersion.V1).parse("no-hash"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> layout(LdkSchemaVersion.V0).parse("a#b"))
        .isInstanceOf(IllegalArgumentException.class);
    String otherWallets =
        new KeyObfuscator(new byte[32]).obfuscate("#")
            + "#"
            + new KeyObfuscator(new byte[32]).obfuscate("k");
    assertThatThrownBy(() -> layout(LdkSchemaVersion.V1).parse(otherWallets))
        .isInstanceOf(DecryptionException.class);
  }

  @Test
  void refusesNamesLdkNodeRefuses() {
    LdkNodeLayout v1 = layout(LdkSchemaVersion.V1);
    assertThatThrownBy(() -> v1.storageKey("", "", ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> v1.storageKey("", "s", "k"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> v1.storageKey("a#b", "", "k"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> v1.storageKey("p", "", "k/1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> v1.storageKey("p", "", "k".repeat(121)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(v1.storageKey("p", "", "k".repeat(120))).isNotEmpty();
  }

  @Test
  void theSchemaVersionLivesUnderTheV1KeyOfEmptyNamespaces() {
    LdkNodeKeys keys = LdkNodeKeys.fromVssSeed(new byte[32]);
    KeyObfuscator obfuscator = new KeyObfuscator(keys.obfuscationKey());

    assertThat(LdkNodeLayout.schemaVersionStorageKey(keys))
        .isEqualTo(obfuscator.obfuscate("#") + "#" + obfuscator.obfuscate("vss_schema_version"));
    PutObjectRequest write =
        LdkNodeLayout.writeSchemaVersionRequest("s", keys, LdkSchemaVersion.V1);
    KeyValue item = write.getTransactionItems(0);
    assertThat(item.getKey()).isEqualTo(LdkNodeLayout.schemaVersionStorageKey(keys));
    assertThat(
            new StorableCipher(keys.dataEncryptionKey())
                .open(item.getValue().toByteArray(), item.getKey().getBytes(UTF_8))
                .getValue()
                .toByteArray())
        .containsExactly(1, 0);
  }
}
