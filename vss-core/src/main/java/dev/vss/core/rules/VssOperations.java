package dev.vss.core.rules;

import dev.vss.core.Keyspace;
import dev.vss.core.Quotas;
import dev.vss.core.VssException;
import dev.vss.core.spi.KeyVersion;
import dev.vss.core.spi.Storage;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.StoredRecord;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.DeleteObjectResponse;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.GetObjectResponse;
import dev.vss.proto.KeyValue;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.ListKeyVersionsResponse;
import dev.vss.proto.PutObjectRequest;
import dev.vss.proto.PutObjectResponse;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The four VSS operations of SPEC section 4 over any {@link Storage}: validate, decide, and shape
 * the response. This is the single place the operations' semantics live; {@code VssService} runs it
 * over a real adapter and the testkit's {@code KeyspaceModel} runs it over an immutable in-memory
 * state.
 *
 * <p>Expected failures (invalid request, conflict, missing key) are thrown as {@link VssException};
 * storage faults propagate as they are.
 */
public final class VssOperations {
  private final RequestValidation validation;
  private final Quotas quotas;

  /** Creates the operations enforcing {@code validation}'s limits, without quotas. */
  public VssOperations(RequestValidation validation) {
    this(validation, Quotas.NONE);
  }

  /**
   * Creates the operations enforcing {@code validation}'s limits and {@code quotas} (which need a
   * storage that {@linkplain Storage#tracksUsage() tracks usage}).
   */
  public VssOperations(RequestValidation validation, Quotas quotas) {
    this.validation = validation;
    this.quotas = java.util.Objects.requireNonNull(quotas, "quotas");
  }

  /** The quotas in force. */
  public Quotas quotas() {
    return quotas;
  }

  /** The validator in use. */
  public RequestValidation validation() {
    return validation;
  }

  /**
   * getObject: the record under the key, or NO_SUCH_KEY. The reserved key {@code global_version}
   * answers the keyspace's global version with an empty value, as the reference does.
   */
  public GetObjectResponse getObject(Storage storage, String userToken, GetObjectRequest request) {
    validation.getObject(request);
    Keyspace keyspace = new Keyspace(userToken, request.getStoreId());
    if (RequestValidation.GLOBAL_VERSION_KEY.equals(request.getKey())) {
      return GetObjectResponse.newBuilder()
          .setValue(
              KeyValue.newBuilder()
                  .setKey(RequestValidation.GLOBAL_VERSION_KEY)
                  .setVersion(storage.globalVersion(keyspace)))
          .build();
    }
    Optional<StoredRecord> found = storage.get(keyspace, request.getKey());
    if (found.isEmpty()) {
      throw VssException.noSuchKey("no such key: '" + request.getKey() + "'");
    }
    StoredRecord record = found.get();
    return GetObjectResponse.newBuilder()
        .setValue(
            KeyValue.newBuilder()
                .setKey(record.key())
                .setVersion(record.version())
                .setValue(record.value()))
        .build();
  }

  /**
   * putObjects: all-or-nothing; CONFLICT on any version or global version mismatch; INVALID_REQUEST
   * if it would exceed a quota ({@link QuotaRules}).
   */
  public PutObjectResponse putObjects(Storage storage, String userToken, PutObjectRequest request) {
    return joined(putObjectsAsync(storage, userToken, request));
  }

  /**
   * {@link #putObjects} through {@link Storage#writeAsync}: the request is validated on the calling
   * thread (an invalid one throws {@link VssException} here), and the write's outcome, a CONFLICT
   * included, arrives through the stage once the store has committed or refused it.
   */
  public CompletionStage<PutObjectResponse> putObjectsAsync(
      Storage storage, String userToken, PutObjectRequest request) {
    Set<String> keys = validation.putObjects(request);
    Keyspace keyspace = new Keyspace(userToken, request.getStoreId());
    return storage
        .writeAsync(keyspace, keys, QuotaRules.putDecision(request, keyspace, quotas))
        .thenApply(
            outcome -> {
              outcome.throwIfRejected();
              return PutObjectResponse.getDefaultInstance();
            });
  }

  /** deleteObject: idempotent; a missing key or a version mismatch deletes nothing and succeeds. */
  public DeleteObjectResponse deleteObject(
      Storage storage, String userToken, DeleteObjectRequest request) {
    return joined(deleteObjectAsync(storage, userToken, request));
  }

  /**
   * {@link #deleteObject} through {@link Storage#writeAsync}: validated on the calling thread, the
   * outcome through the stage.
   */
  public CompletionStage<DeleteObjectResponse> deleteObjectAsync(
      Storage storage, String userToken, DeleteObjectRequest request) {
    validation.deleteObject(request);
    Keyspace keyspace = new Keyspace(userToken, request.getStoreId());
    return storage
        .writeAsync(
            keyspace,
            Set.of(request.getKeyValue().getKey()),
            view -> ConflictRules.decideDelete(request, view))
        .thenApply(
            outcome -> {
              outcome.throwIfRejected();
              return DeleteObjectResponse.getDefaultInstance();
            });
  }

  /**
   * Waits for {@code stage} and returns its value, or throws what it failed with as it is (an
   * unchecked failure unwrapped from its {@link CompletionException}).
   */
  private static <T> T joined(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause == null) {
        throw e;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new StorageException("write failed", cause);
    }
  }

  /**
   * listKeyVersions: one page of {@code {key, version}} newest creation first.
   *
   * <ol>
   *   <li>{@code page_size} unset uses the default, 0 answers no items and an empty token, values
   *       above the maximum are capped.
   *   <li>The global version is read before the keys, and only for the first page.
   *   <li>{@code next_page_token} is empty exactly when no further entry exists; otherwise it is a
   *       {@link PageToken} bound to this user, store and prefix and authenticated with the
   *       storage's {@link Storage#pageTokenSecret() secret}.
   * </ol>
   */
  public ListKeyVersionsResponse listKeyVersions(
      Storage storage, String userToken, ListKeyVersionsRequest request) {
    validation.listKeyVersions(request);
    Keyspace keyspace = new Keyspace(userToken, request.getStoreId());
    String prefix = request.getKeyPrefix();
    boolean firstPage = !request.hasPageToken();
    long before =
        firstPage
            ? Long.MAX_VALUE
            : PageToken.decode(storage.pageTokenSecret(), keyspace, prefix, request.getPageToken());
    ListKeyVersionsResponse.Builder response = ListKeyVersionsResponse.newBuilder();
    if (firstPage) {
      response.setGlobalVersion(storage.globalVersion(keyspace));
    }
    int pageSize =
        request.hasPageSize()
            ? Math.min(request.getPageSize(), validation.limits().maxPageSize())
            : validation.limits().defaultPageSize();
    if (pageSize == 0) {
      return response.setNextPageToken("").build();
    }
    // One extra entry tells whether another page exists without a second query.
    List<KeyVersion> entries = storage.list(keyspace, prefix, before, pageSize + 1);
    int shown = Math.min(entries.size(), pageSize);
    for (int i = 0; i < shown; i++) {
      KeyVersion entry = entries.get(i);
      response.addKeyVersions(
          KeyValue.newBuilder().setKey(entry.key()).setVersion(entry.version()));
    }
    boolean more = entries.size() > pageSize;
    return response
        .setNextPageToken(
            more
                ? PageToken.encode(
                    storage.pageTokenSecret(), keyspace, prefix, entries.get(shown - 1).sequence())
                : "")
        .build();
  }
}
