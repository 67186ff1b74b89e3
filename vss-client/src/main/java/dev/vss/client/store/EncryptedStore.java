package dev.vss.client.store;

import com.google.protobuf.ByteString;
import dev.vss.client.ConflictException;
import dev.vss.client.NoSuchKeyException;
import dev.vss.client.UnexpectedResponseException;
import dev.vss.client.VssClient;
import dev.vss.client.VssClientException;
import dev.vss.client.VssTransportException;
import dev.vss.client.crypto.DecryptionException;
import dev.vss.client.crypto.KeyObfuscator;
import dev.vss.client.crypto.StorableCipher;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.GetObjectResponse;
import dev.vss.proto.KeyValue;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.ListKeyVersionsResponse;
import dev.vss.proto.PlaintextBlob;
import dev.vss.proto.PutObjectRequest;
import dev.vss.protocol.Versions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One VSS store as an application sees it: keys are obfuscated and values encrypted on the device,
 * and every write is conditional on the version this store last saw, so two devices writing the
 * same key can never silently overwrite each other.
 *
 * <p>Rules:
 *
 * <ol>
 *   <li>Every key is sent {@linkplain KeyObfuscator obfuscated} and every value {@linkplain
 *       StorableCipher encrypted} and bound to its key ({@link AssociatedData}); the server sees
 *       neither.
 *   <li>The store remembers, per key, the version it last read ({@link #get}, {@link #listAll},
 *       {@link #restoreAll}) or wrote ({@link #put}).
 *   <li>{@link #put} writes only if the server still holds the remembered version; a key this store
 *       has no version for must not exist yet. Otherwise nothing changes and the outcome is {@link
 *       WriteOutcome.Status#CONFLICT}: read the key again, then decide.
 *   <li>{@link #delete} of a key with a remembered version deletes only that version (or reports a
 *       CONFLICT); without one it deletes whatever is there.
 *   <li>Transport and server failures other than a conflict are thrown as {@link
 *       VssClientException}s, after the client's retries. Data that does not decrypt under this
 *       store's keys is never returned: it is a {@link DecryptionException}.
 * </ol>
 *
 * <p>The store assumes it owns its {@code storeId}: every key listed there must be one of its
 * obfuscated keys. A retried write whose first attempt committed but whose answer was lost reports
 * a CONFLICT; reading the key back shows the value. Writers that use version {@code -1}
 * (unconditional) on the same keys reset the server's version to 1 and so defeat the conflict
 * detection.
 *
 * <p>Instances are thread-safe.
 *
 * <pre>{@code
 * EncryptedStore store = EncryptedStore.builder(client, "wallet-backup")
 *     .dataEncryptionKey(dataKey)        // 32 bytes, kept secret on the device
 *     .obfuscationKey(obfuscationKey)    // 32 bytes, kept secret on the device
 *     .build();
 * WriteOutcome outcome = store.put("channel-monitor-1", bytes);
 * if (outcome.isConflict()) {
 *   StoredValue current = store.get("channel-monitor-1").orElseThrow();
 *   // merge, then put again
 * }
 * }</pre>
 */
public final class EncryptedStore {
  /** The default number of concurrent reads during {@link #restoreAll()}. */
  public static final int DEFAULT_RESTORE_PARALLELISM = 8;

  private final VssClient client;
  private final String storeId;
  private final StorableCipher cipher;
  private final KeyObfuscator obfuscator;
  private final AssociatedData associatedData;
  private final int restoreParallelism;
  private final Integer listPageSize;
  private final ConcurrentHashMap<String, Long> versions = new ConcurrentHashMap<>();

  private EncryptedStore(Builder builder) {
    this.client = builder.client;
    this.storeId = builder.storeId;
    this.cipher = new StorableCipher(required(builder.dataEncryptionKey, "dataEncryptionKey"));
    this.obfuscator = new KeyObfuscator(required(builder.obfuscationKey, "obfuscationKey"));
    this.associatedData = builder.associatedData;
    this.restoreParallelism = builder.restoreParallelism;
    this.listPageSize = builder.listPageSize;
  }

  /**
   * A builder for the store {@code storeId} reached through {@code client}.
   *
   * @param client the client of the VSS server
   * @param storeId the store to use; one per application and user is typical
   */
  public static Builder builder(VssClient client, String storeId) {
    return new Builder(client, storeId);
  }

  /** The store this instance reads and writes. */
  public String storeId() {
    return storeId;
  }

  /**
   * The value stored under {@code key}, decrypted, or empty when there is none. Remembers the
   * version for the next {@link #put}.
   *
   * @throws DecryptionException if the stored value does not decrypt under this store's keys
   * @throws VssClientException if the server could not be read
   */
  public Optional<StoredValue> get(String key) {
    String storageKey = storageKey(key);
    GetObjectResponse response;
    try {
      response = client.getObject(getRequest(storageKey));
    } catch (NoSuchKeyException e) {
      versions.remove(key);
      return Optional.empty();
    }
    StoredValue value = decrypt(key, storageKey, response);
    versions.put(key, value.version());
    return Optional.of(value);
  }

  /**
   * Writes {@code value} under {@code key} if the server still holds the version this store last
   * saw (or, when it saw none, if the key does not exist).
   *
   * @return {@link WriteOutcome.Status#WRITTEN} with the new version, or {@link
   *     WriteOutcome.Status#CONFLICT} when nothing was written
   * @throws VssClientException on any other failure; the write may or may not have been applied
   *     when it is a {@link VssTransportException}
   */
  public WriteOutcome put(String key, byte[] value) {
    Objects.requireNonNull(value, "value");
    String storageKey = storageKey(key);
    Long known = versions.get(key);
    long expected = known == null ? 0 : known;
    // The blob records the version the request is conditional on, as the deployed client does;
    // the authoritative version is always the server's.
    ByteString sealed = cipher.seal(value, expected, aad(key, storageKey)).toByteString();
    PutObjectRequest request =
        PutObjectRequest.newBuilder()
            .setStoreId(storeId)
            .addTransactionItems(
                KeyValue.newBuilder().setKey(storageKey).setVersion(expected).setValue(sealed))
            .build();
    try {
      client.putObjects(request);
    } catch (ConflictException e) {
      forget(key, known);
      return WriteOutcome.conflict(e.serverMessage());
    }
    long written = Versions.afterPut(expected);
    versions.put(key, written);
    return WriteOutcome.written(written);
  }

  /**
   * Deletes {@code key}: only the version this store last saw when it has one (a CONFLICT
   * otherwise), or unconditionally when it has none (deleting an absent key then succeeds).
   *
   * @return {@link WriteOutcome.Status#DELETED} or {@link WriteOutcome.Status#CONFLICT}
   * @throws VssClientException on any other failure
   */
  public WriteOutcome delete(String key) {
    String storageKey = storageKey(key);
    Long known = versions.get(key);
    if (known == null) {
      client.deleteObject(
          DeleteObjectRequest.newBuilder()
              .setStoreId(storeId)
              .setKeyValue(KeyValue.newBuilder().setKey(storageKey).setVersion(-1))
              .build());
      return WriteOutcome.deleted();
    }
    // putObjects, not deleteObject: only a transaction's delete item reports a mismatch.
    PutObjectRequest request =
        PutObjectRequest.newBuilder()
            .setStoreId(storeId)
            .addDeleteItems(KeyValue.newBuilder().setKey(storageKey).setVersion(known))
            .build();
    try {
      client.putObjects(request);
    } catch (ConflictException e) {
      forget(key, known);
      return WriteOutcome.conflict(e.serverMessage());
    }
    forget(key, known);
    return WriteOutcome.deleted();
  }

  /**
   * Every key of the store with its version, following all pages of {@code listKeyVersions} (newest
   * creation first). Remembers the versions for the next writes.
   *
   * @return an unmodifiable map from key (as the application names it) to version, in the server's
   *     order
   * @throws DecryptionException if a listed key is not one of this store's obfuscated keys
   * @throws VssClientException if the server could not be read
   */
  public Map<String, Long> listAll() {
    Map<String, Long> keys = new LinkedHashMap<>();
    Set<String> tokensSeen = new HashSet<>();
    String pageToken = null;
    do {
      ListKeyVersionsRequest.Builder request =
          ListKeyVersionsRequest.newBuilder().setStoreId(storeId);
      if (pageToken != null) {
        request.setPageToken(pageToken);
      }
      if (listPageSize != null) {
        request.setPageSize(listPageSize);
      }
      ListKeyVersionsResponse page = client.listKeyVersions(request.build());
      for (KeyValue listed : page.getKeyVersionsList()) {
        String key = callerKey(listed.getKey());
        keys.put(key, listed.getVersion());
        versions.put(key, listed.getVersion());
      }
      pageToken = page.hasNextPageToken() ? page.getNextPageToken() : "";
      // A server handing out a token twice would make this loop forever.
      if (!pageToken.isEmpty() && !tokensSeen.add(pageToken)) {
        throw new UnexpectedResponseException(
            200, "listKeyVersions returned the same page token twice");
      }
    } while (!pageToken.isEmpty());
    return Collections.unmodifiableMap(keys);
  }

  /**
   * Every key of the store with its decrypted value: {@link #listAll()}, then the values read with
   * at most {@link Builder#restoreParallelism(int)} requests in flight. A key deleted between the
   * listing and its read is left out. Remembers the versions for the next writes.
   *
   * @return the values in the listing's order
   * @throws DecryptionException if a key or value does not decrypt under this store's keys
   * @throws VssClientException if the server could not be read; the first failure stops the restore
   */
  public List<StoredValue> restoreAll() {
    List<String> keys = new ArrayList<>(listAll().keySet());
    StoredValue[] restored = new StoredValue[keys.size()];
    Semaphore inFlight = new Semaphore(restoreParallelism);
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    try {
      for (int i = 0; i < keys.size() && failure.get() == null; i++) {
        inFlight.acquire();
        int index = i;
        String key = keys.get(i);
        String storageKey = storageKey(key);
        CompletableFuture<GetObjectResponse> read;
        try {
          read = client.getObjectAsync(getRequest(storageKey));
        } catch (RuntimeException e) {
          inFlight.release();
          failure.compareAndSet(null, e);
          break;
        }
        read.whenComplete(
            (response, error) -> {
              try {
                if (error == null) {
                  restored[index] = decrypt(key, storageKey, response);
                  versions.put(key, restored[index].version());
                } else if (unwrap(error) instanceof NoSuchKeyException) {
                  versions.remove(key); // deleted since the listing
                } else {
                  failure.compareAndSet(null, asRuntime(unwrap(error)));
                }
              } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
              } finally {
                inFlight.release();
              }
            });
      }
      inFlight.acquire(restoreParallelism); // wait for the reads still in flight
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VssTransportException("restore was interrupted", e, false);
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    List<StoredValue> values = new ArrayList<>(restored.length);
    for (StoredValue value : restored) {
      if (value != null) {
        values.add(value);
      }
    }
    return Collections.unmodifiableList(values);
  }

  /** The version this store last saw for {@code key}, if any. */
  public OptionalLong knownVersion(String key) {
    Long version = versions.get(Objects.requireNonNull(key, "key"));
    return version == null ? OptionalLong.empty() : OptionalLong.of(version);
  }

  private GetObjectRequest getRequest(String storageKey) {
    return GetObjectRequest.newBuilder().setStoreId(storeId).setKey(storageKey).build();
  }

  private StoredValue decrypt(String key, String storageKey, GetObjectResponse response) {
    if (!response.hasValue()) {
      throw new UnexpectedResponseException(200, "getObject answered without a value");
    }
    KeyValue stored = response.getValue();
    PlaintextBlob blob;
    try {
      blob = cipher.open(stored.getValue().toByteArray(), aad(key, storageKey));
    } catch (DecryptionException e) {
      throw new DecryptionException(
          "value of key '"
              + key
              + "' in store '"
              + storeId
              + "' cannot be decrypted: "
              + e.getMessage(),
          e);
    }
    byte[] value = blob.getValue().toByteArray();
    try {
      return new StoredValue(key, value, stored.getVersion());
    } finally {
      Arrays.fill(value, (byte) 0);
    }
  }

  private String storageKey(String key) {
    Objects.requireNonNull(key, "key");
    if (key.isEmpty()) {
      throw new IllegalArgumentException("key must not be empty");
    }
    return obfuscator.obfuscate(key);
  }

  private String callerKey(String storageKey) {
    try {
      return obfuscator.deobfuscate(storageKey);
    } catch (DecryptionException e) {
      throw new DecryptionException(
          "store '"
              + storeId
              + "' holds key '"
              + storageKey
              + "' that is not one of this store's obfuscated keys: "
              + e.getMessage(),
          e);
    }
  }

  private byte[] aad(String key, String storageKey) {
    return associatedData.bytes(key, storageKey);
  }

  /** Forgets the version of {@code key}, unless another write has already replaced it. */
  private void forget(String key, Long version) {
    if (version != null) {
      versions.remove(key, version);
    }
  }

  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static RuntimeException asRuntime(Throwable error) {
    return error instanceof RuntimeException
        ? (RuntimeException) error
        : new IllegalStateException(error);
  }

  private static byte[] required(byte[] key, String name) {
    if (key == null) {
      throw new IllegalStateException(name + " is required");
    }
    return key;
  }

  /** Configures an {@link EncryptedStore}. */
  public static final class Builder {
    private final VssClient client;
    private final String storeId;
    private byte[] dataEncryptionKey;
    private byte[] obfuscationKey;
    private AssociatedData associatedData = AssociatedData.STORAGE_KEY;
    private int restoreParallelism = DEFAULT_RESTORE_PARALLELISM;
    private Integer listPageSize;

    private Builder(VssClient client, String storeId) {
      this.client = Objects.requireNonNull(client, "client");
      this.storeId = Objects.requireNonNull(storeId, "storeId");
    }

    /** The 32-byte key values are encrypted with (required; keep it secret, back it up). */
    public Builder dataEncryptionKey(byte[] dataEncryptionKey) {
      this.dataEncryptionKey = checked32(dataEncryptionKey, "dataEncryptionKey");
      return this;
    }

    /** The 32-byte master key keys are obfuscated with (required; keep it secret, back it up). */
    public Builder obfuscationKey(byte[] obfuscationKey) {
      this.obfuscationKey = checked32(obfuscationKey, "obfuscationKey");
      return this;
    }

    /**
     * What values are bound to; default {@link AssociatedData#STORAGE_KEY}, the layout LDK Node
     * writes today (schema V1). Data written with another choice is read only with that choice.
     */
    public Builder associatedData(AssociatedData associatedData) {
      this.associatedData = Objects.requireNonNull(associatedData, "associatedData");
      return this;
    }

    /** The most reads in flight during {@link #restoreAll()}; default 8. */
    public Builder restoreParallelism(int restoreParallelism) {
      if (restoreParallelism < 1) {
        throw new IllegalArgumentException(
            "restoreParallelism must be at least 1: " + restoreParallelism);
      }
      this.restoreParallelism = restoreParallelism;
      return this;
    }

    /** The page size asked for when listing; default: the server's default. */
    public Builder listPageSize(int listPageSize) {
      if (listPageSize < 1) {
        throw new IllegalArgumentException("listPageSize must be at least 1: " + listPageSize);
      }
      this.listPageSize = listPageSize;
      return this;
    }

    /**
     * The store.
     *
     * @throws IllegalStateException if a key is missing
     */
    public EncryptedStore build() {
      return new EncryptedStore(this);
    }

    private static byte[] checked32(byte[] key, String name) {
      if (key == null || key.length != 32) {
        throw new IllegalArgumentException(
            name + " must be 32 bytes, got " + (key == null ? "null" : key.length));
      }
      return key.clone();
    }
  }
}
