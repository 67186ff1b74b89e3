package dev.vss.client.ldk;

import com.google.protobuf.ByteString;
import dev.vss.client.NoSuchKeyException;
import dev.vss.client.VssClient;
import dev.vss.client.crypto.KeyObfuscator;
import dev.vss.client.crypto.StorableCipher;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.PutObjectRequest;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * How LDK Node's {@code VssStore} lays its data out in a VSS store ({@code
 * ldk-node/src/io/vss_store.rs}), so that a JVM program (an Android wallet, a recovery tool) can
 * read and write the same records as an LDK Node wallet with the same seed.
 *
 * <p>LDK Node addresses a record by {@code (primary namespace, secondary namespace, key)}. This
 * class turns that into the storage key sent as {@code KeyValue.key}, seals and opens values with
 * the AAD the {@linkplain LdkSchemaVersion schema version} prescribes, parses storage keys back,
 * and reads or writes the stored schema version. The protocol calls themselves stay with {@link
 * VssClient}:
 *
 * <pre>{@code
 * LdkNodeKeys keys = LdkNodeKeys.fromNodeSeed(seed64);
 * VssClient client = VssClient.builder(url).retryPolicy(RetryPolicy.ldkNode())
 *     .headerProvider(SignatureHeaderProvider.of(keys.signatureAuthKey().orElseThrow())).build();
 * LdkNodeLayout layout = LdkNodeLayout.of(keys,
 *     LdkNodeLayout.determineSchemaVersion(client, storeId, keys));
 * String storageKey = layout.storageKey("", "", "manager");
 * byte[] value = layout.open(storageKey, client.getObject(GetObjectRequest.newBuilder()
 *     .setStoreId(storeId).setKey(storageKey).build()).getValue().getValue().toByteArray());
 * }</pre>
 *
 * <p>Writes as LDK Node makes them are unconditional (version {@code -1}, also inside the sealed
 * blob): {@link #putRequest} builds one. LDK Node serializes its own writes per key; a second
 * writer (this program) running at the same time as the wallet can overwrite the wallet's data, so
 * write only to a store no LDK Node is running on.
 *
 * <p>Immutable and thread-safe.
 */
public final class LdkNodeLayout {
  /** The key (in namespaces {@code ("", "")}) LDK Node stores its schema version under. */
  public static final String SCHEMA_VERSION_KEY = "vss_schema_version";

  /** The longest namespace or key LDK Node accepts ({@code KVSTORE_NAMESPACE_KEY_MAX_LEN}). */
  public static final int MAX_NAME_LENGTH = 120;

  /** The (unobfuscated) key prefix of LDK Node's wallet data in a schema V0 store. */
  static final String V0_BDK_WALLET_PREFIX = "bdk_wallet#";

  private final LdkSchemaVersion schema;
  private final KeyObfuscator obfuscator;
  private final StorableCipher cipher;

  private LdkNodeLayout(byte[] dataEncryptionKey, byte[] obfuscationKey, LdkSchemaVersion schema) {
    this.schema = Objects.requireNonNull(schema, "schema");
    this.obfuscator = new KeyObfuscator(obfuscationKey);
    this.cipher = new StorableCipher(dataEncryptionKey);
  }

  /** The layout of a store written with {@code schema} under {@code keys}. */
  public static LdkNodeLayout of(LdkNodeKeys keys, LdkSchemaVersion schema) {
    Objects.requireNonNull(keys, "keys");
    return new LdkNodeLayout(keys.dataEncryptionKey(), keys.obfuscationKey(), schema);
  }

  /**
   * The layout of a store written with {@code schema} under keys already derived (32 bytes each:
   * {@link LdkNodeKeys#dataEncryptionKey()} and {@link LdkNodeKeys#obfuscationKey()}).
   */
  public static LdkNodeLayout of(
      byte[] dataEncryptionKey, byte[] obfuscationKey, LdkSchemaVersion schema) {
    return new LdkNodeLayout(
        Objects.requireNonNull(dataEncryptionKey, "dataEncryptionKey"),
        Objects.requireNonNull(obfuscationKey, "obfuscationKey"),
        schema);
  }

  /** The schema version this layout follows. */
  public LdkSchemaVersion schemaVersion() {
    return schema;
  }

  /**
   * The storage key of a record: V1 {@code obfuscate(primary#secondary)#obfuscate(key)}; V0 {@code
   * obfuscate(key)} when the primary namespace is empty, else {@code
   * primary#secondary#obfuscate(key)}.
   *
   * @throws IllegalArgumentException for names LDK Node refuses: an empty key, a secondary
   *     namespace without a primary one, characters other than {@code A-Z a-z 0-9 _ -}, more than
   *     120 characters
   */
  public String storageKey(String primaryNamespace, String secondaryNamespace, String key) {
    checkNames(primaryNamespace, secondaryNamespace);
    checkName(Objects.requireNonNull(key, "key"), "key");
    if (key.isEmpty()) {
      throw new IllegalArgumentException("LDK Node keys may not be empty");
    }
    if (schema == LdkSchemaVersion.V1) {
      return prefix(primaryNamespace, secondaryNamespace) + "#" + obfuscator.obfuscate(key);
    }
    String obfuscatedKey = obfuscator.obfuscate(key);
    return primaryNamespace.isEmpty()
        ? obfuscatedKey
        : primaryNamespace + "#" + secondaryNamespace + "#" + obfuscatedKey;
  }

  /**
   * The {@code key_prefix} LDK Node lists a namespace with: V1 {@code
   * obfuscate(primary#secondary)}, V0 {@code primary#secondary} (no trailing {@code #}, as LDK Node
   * sends it).
   */
  public String listPrefix(String primaryNamespace, String secondaryNamespace) {
    checkNames(primaryNamespace, secondaryNamespace);
    return prefix(primaryNamespace, secondaryNamespace);
  }

  private String prefix(String primaryNamespace, String secondaryNamespace) {
    String plain = primaryNamespace + "#" + secondaryNamespace;
    return schema == LdkSchemaVersion.V1 ? obfuscator.obfuscate(plain) : plain;
  }

  /**
   * The namespaces and key a storage key stands for, as LDK Node's {@code list_all_keys} recovers
   * them.
   *
   * @throws dev.vss.client.crypto.DecryptionException when an obfuscated part does not de-obfuscate
   *     under these keys
   * @throws IllegalArgumentException when the storage key does not have this layout's shape
   */
  public LdkNodeRecordName parse(String storageKey) {
    Objects.requireNonNull(storageKey, "storageKey");
    if (schema == LdkSchemaVersion.V1) {
      int hash = storageKey.indexOf('#');
      if (hash < 0) {
        throw new IllegalArgumentException("not a schema V1 storage key (no '#')");
      }
      String namespaces = obfuscator.deobfuscate(storageKey.substring(0, hash));
      int split = namespaces.indexOf('#');
      if (split < 0) {
        throw new IllegalArgumentException("schema V1 namespace has no '#'");
      }
      return new LdkNodeRecordName(
          namespaces.substring(0, split),
          namespaces.substring(split + 1),
          obfuscator.deobfuscate(storageKey.substring(hash + 1)));
    }
    String[] parts = storageKey.split("#", 3);
    if (parts.length == 1) {
      return new LdkNodeRecordName("", "", obfuscator.deobfuscate(parts[0]));
    }
    if (parts.length == 2) {
      throw new IllegalArgumentException("not a schema V0 storage key (one '#')");
    }
    return new LdkNodeRecordName(parts[0], parts[1], obfuscator.deobfuscate(parts[2]));
  }

  /**
   * The AAD a value under {@code storageKey} is sealed with: V1 the storage key's UTF-8 bytes, V0
   * nothing.
   */
  public byte[] associatedData(String storageKey) {
    Objects.requireNonNull(storageKey, "storageKey");
    return schema == LdkSchemaVersion.V1
        ? storageKey.getBytes(StandardCharsets.UTF_8)
        : new byte[0];
  }

  /**
   * The serialized {@code Storable} of {@code value} under {@code storageKey}, as LDK Node seals
   * it.
   */
  public byte[] seal(String storageKey, byte[] value) {
    return cipher.seal(value, -1, associatedData(storageKey)).toByteArray();
  }

  /**
   * The value of a serialized {@code Storable} read from {@code storageKey}.
   *
   * @throws dev.vss.client.crypto.DecryptionException when it does not open under these keys and
   *     this schema's AAD
   */
  public byte[] open(String storageKey, byte[] storable) {
    return cipher.open(storable, associatedData(storageKey)).getValue().toByteArray();
  }

  /** An unconditional write of {@code value} to a record, the request LDK Node sends. */
  public PutObjectRequest putRequest(
      String storeId,
      String primaryNamespace,
      String secondaryNamespace,
      String key,
      byte[] value) {
    String storageKey = storageKey(primaryNamespace, secondaryNamespace, key);
    return PutObjectRequest.newBuilder()
        .setStoreId(storeId)
        .addTransactionItems(
            KeyValue.newBuilder()
                .setKey(storageKey)
                .setVersion(-1)
                .setValue(ByteString.copyFrom(seal(storageKey, value))))
        .build();
  }

  /**
   * The storage key of the schema version record: the V1 key of {@code ("", "",
   * "vss_schema_version")} in every store, whatever its layout.
   */
  public static String schemaVersionStorageKey(LdkNodeKeys keys) {
    return of(keys, LdkSchemaVersion.V1).storageKey("", "", SCHEMA_VERSION_KEY);
  }

  /**
   * The schema version stored in {@code storeId}, or empty when none is stored (a new store, or one
   * LDK Node wrote with schema V0 before it started recording the version).
   *
   * @throws dev.vss.client.crypto.DecryptionException when the record does not open under {@code
   *     keys} (another wallet's store, or the wrong seed)
   * @throws IllegalArgumentException when the record names an unknown version
   * @throws dev.vss.client.VssClientException when the read fails
   */
  public static Optional<LdkSchemaVersion> readStoredSchemaVersion(
      VssClient client, String storeId, LdkNodeKeys keys) {
    LdkNodeLayout v1 = of(keys, LdkSchemaVersion.V1);
    String storageKey = schemaVersionStorageKey(keys);
    KeyValue stored;
    try {
      stored =
          client
              .getObject(
                  GetObjectRequest.newBuilder().setStoreId(storeId).setKey(storageKey).build())
              .getValue();
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    }
    return Optional.of(
        LdkSchemaVersion.decode(v1.open(storageKey, stored.getValue().toByteArray())));
  }

  /**
   * The schema version of {@code storeId} by LDK Node's own start-up rule, without writing
   * anything: the stored version if there is one; otherwise V0 when wallet data exists under the
   * unobfuscated {@code bdk_wallet#} prefix (a store written before the version was recorded);
   * otherwise V1 (a new store: LDK Node would record V1 on its first start, see {@link
   * #writeSchemaVersionRequest}).
   */
  public static LdkSchemaVersion determineSchemaVersion(
      VssClient client, String storeId, LdkNodeKeys keys) {
    Optional<LdkSchemaVersion> stored = readStoredSchemaVersion(client, storeId, keys);
    if (stored.isPresent()) {
      return stored.get();
    }
    boolean v0WalletData =
        client
                .listKeyVersions(
                    ListKeyVersionsRequest.newBuilder()
                        .setStoreId(storeId)
                        .setKeyPrefix(V0_BDK_WALLET_PREFIX)
                        .build())
                .getKeyVersionsCount()
            > 0;
    return v0WalletData ? LdkSchemaVersion.V0 : LdkSchemaVersion.V1;
  }

  /**
   * The write LDK Node makes on the first start on a new store: {@code version}, sealed with the
   * schema version's storage key as AAD (always, as the record exists only since V1),
   * unconditional.
   */
  public static PutObjectRequest writeSchemaVersionRequest(
      String storeId, LdkNodeKeys keys, LdkSchemaVersion version) {
    return of(keys, LdkSchemaVersion.V1)
        .putRequest(storeId, "", "", SCHEMA_VERSION_KEY, version.encode());
  }

  private static void checkNames(String primaryNamespace, String secondaryNamespace) {
    checkName(Objects.requireNonNull(primaryNamespace, "primaryNamespace"), "primary namespace");
    checkName(
        Objects.requireNonNull(secondaryNamespace, "secondaryNamespace"), "secondary namespace");
    if (primaryNamespace.isEmpty() && !secondaryNamespace.isEmpty()) {
      throw new IllegalArgumentException(
          "LDK Node refuses a secondary namespace without a primary namespace");
    }
  }

  private static void checkName(String name, String what) {
    if (name.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "LDK Node's " + what + " has at most " + MAX_NAME_LENGTH + " characters");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean allowed =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-';
      if (!allowed) {
        throw new IllegalArgumentException(
            "LDK Node's " + what + " may hold only A-Z a-z 0-9 _ -, not '" + c + "'");
      }
    }
  }
}
