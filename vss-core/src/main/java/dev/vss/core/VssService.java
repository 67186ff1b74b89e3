package dev.vss.core;

import dev.vss.core.rules.RequestValidation;
import dev.vss.core.rules.VssOperations;
import dev.vss.core.spi.Storage;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.DeleteObjectResponse;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.GetObjectResponse;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.ListKeyVersionsResponse;
import dev.vss.proto.PutObjectRequest;
import dev.vss.proto.PutObjectResponse;
import dev.vss.protocol.VssMethod;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The thread-safe entry point of VSS: takes the user token an {@code Authorizer} produced and a
 * request, returns the response or throws {@link VssException} carrying the protocol error code.
 *
 * <p>Any failure that is not a protocol outcome (a storage fault, a bug) is logged here with its
 * details and reaches the caller as a generic INTERNAL error, so SQL, paths and stack traces never
 * reach a client.
 *
 * <pre>{@code
 * try (Storage storage = new InMemoryStorage()) {
 *   VssService vss = new VssService(storage, Limits.DEFAULTS);
 *   vss.putObjects("alice", PutObjectRequest.newBuilder().setStoreId("wallet")
 *       .addTransactionItems(KeyValue.newBuilder().setKey("k").setVersion(0)
 *           .setValue(ByteString.copyFromUtf8("v")))
 *       .build());
 * }
 * }</pre>
 */
public final class VssService {
  private static final Logger LOG = System.getLogger(VssService.class.getName());

  private final Storage storage;
  private final VssOperations operations;

  /**
   * Creates a service over {@code storage}. The service does not own the storage: closing it is the
   * caller's job.
   */
  public VssService(Storage storage, Limits limits) {
    this(storage, limits, Quotas.NONE);
  }

  /**
   * Creates a service over {@code storage} that also enforces {@code quotas}.
   *
   * @throws IllegalArgumentException if a quota is on and {@code storage} does not {@linkplain
   *     Storage#tracksUsage() track usage}
   */
  public VssService(Storage storage, Limits limits, Quotas quotas) {
    this.storage = Objects.requireNonNull(storage, "storage");
    if (quotas.enabled() && !storage.tracksUsage()) {
      throw new IllegalArgumentException(
          "quotas need a store that tracks usage; '" + storage.name() + "' does not");
    }
    this.operations =
        new VssOperations(new RequestValidation(Objects.requireNonNull(limits)), quotas);
  }

  /** The quotas this service enforces. */
  public Quotas quotas() {
    return operations.quotas();
  }

  /** The limits this service enforces. */
  public Limits limits() {
    return operations.validation().limits();
  }

  /** The storage this service runs on. */
  public Storage storage() {
    return storage;
  }

  /** getObject (SPEC 4): the record, or NO_SUCH_KEY. */
  public GetObjectResponse getObject(String userToken, GetObjectRequest request) {
    return run(
        VssMethod.GET_OBJECT,
        userToken,
        request,
        () -> operations.getObject(storage, userToken, request));
  }

  /** putObjects (SPEC 4): an all-or-nothing, durable transaction, or CONFLICT. */
  public PutObjectResponse putObjects(String userToken, PutObjectRequest request) {
    return run(
        VssMethod.PUT_OBJECTS,
        userToken,
        request,
        () -> operations.putObjects(storage, userToken, request));
  }

  /** deleteObject (SPEC 4): idempotent, conditional on the version unless it is -1. */
  public DeleteObjectResponse deleteObject(String userToken, DeleteObjectRequest request) {
    return run(
        VssMethod.DELETE_OBJECT,
        userToken,
        request,
        () -> operations.deleteObject(storage, userToken, request));
  }

  /**
   * {@link #putObjects} without waiting for the commit: the returned stage completes with the
   * response once the store has committed the write durably, or exceptionally with the {@link
   * VssException} {@code putObjects} would have thrown (wrapped in a {@link CompletionException}
   * when it came from a dependent stage). It does not throw (short of a {@link
   * VirtualMachineError}): an invalid request fails the stage too. Whatever is chained to the stage
   * may run on the store's writer thread, so it must be quick; this suits a caller that must not
   * block, when {@link #writesWithoutBlocking()} holds.
   */
  public CompletionStage<PutObjectResponse> putObjectsAsync(
      String userToken, PutObjectRequest request) {
    return runAsync(
        VssMethod.PUT_OBJECTS,
        userToken,
        request,
        () -> operations.putObjectsAsync(storage, userToken, request));
  }

  /** {@link #deleteObject} without waiting for the commit, as {@link #putObjectsAsync}. */
  public CompletionStage<DeleteObjectResponse> deleteObjectAsync(
      String userToken, DeleteObjectRequest request) {
    return runAsync(
        VssMethod.DELETE_OBJECT,
        userToken,
        request,
        () -> operations.deleteObjectAsync(storage, userToken, request));
  }

  /**
   * Whether the asynchronous writes ({@link #putObjectsAsync}, {@link #deleteObjectAsync}) return
   * without blocking the calling thread on the store: true when the store {@linkplain
   * Storage#writesWithoutBlocking() queues writes} for a writer thread of its own. Otherwise they
   * run the write on the calling thread, as the blocking calls do.
   */
  public boolean writesWithoutBlocking() {
    return storage.writesWithoutBlocking();
  }

  /** listKeyVersions (SPEC 4): one page of keys and versions, newest creation first. */
  public ListKeyVersionsResponse listKeyVersions(String userToken, ListKeyVersionsRequest request) {
    return run(
        VssMethod.LIST_KEY_VERSIONS,
        userToken,
        request,
        () -> operations.listKeyVersions(storage, userToken, request));
  }

  private <T> T run(VssMethod<?, ?> method, String userToken, Object request, Supplier<T> call) {
    if (request == null) {
      throw VssException.invalidRequest("request is required");
    }
    operations.validation().userToken(userToken);
    try {
      return call.get();
    } catch (RuntimeException | Error e) {
      throw asProtocolFailure(method, e);
    }
  }

  private <T> CompletionStage<T> runAsync(
      VssMethod<?, ?> method, String userToken, Object request, Supplier<CompletionStage<T>> call) {
    CompletionStage<T> stage;
    try {
      stage = run(method, userToken, request, call);
    } catch (VssException e) {
      return CompletableFuture.failedFuture(e);
    }
    return stage.exceptionally(
        failure -> {
          Throwable cause =
              failure instanceof CompletionException && failure.getCause() != null
                  ? failure.getCause()
                  : failure;
          throw asProtocolFailure(method, cause);
        });
  }

  /**
   * What a caller sees of {@code failure}: a protocol outcome ({@link VssException}) as it is; any
   * other failure (a storage fault, a bug) logged here with its details and answered as a generic
   * INTERNAL error. A {@link VirtualMachineError} is rethrown as it is.
   */
  private RuntimeException asProtocolFailure(VssMethod<?, ?> method, Throwable failure) {
    if (failure instanceof VssException protocol) {
      return protocol;
    }
    if (failure instanceof VirtualMachineError error) {
      throw error;
    }
    LOG.log(Level.ERROR, method + " failed on storage '" + storage.name() + "'", failure);
    return VssException.internal();
  }
}
