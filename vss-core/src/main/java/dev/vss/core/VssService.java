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
    } catch (VssException e) {
      throw e;
    } catch (RuntimeException | Error e) {
      if (e instanceof VirtualMachineError) {
        throw e;
      }
      LOG.log(Level.ERROR, method + " failed on storage '" + storage.name() + "'", e);
      throw VssException.internal();
    }
  }
}
