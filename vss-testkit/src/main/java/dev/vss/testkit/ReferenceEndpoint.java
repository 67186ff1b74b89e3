package dev.vss.testkit;

import dev.vss.core.Keyspace;
import dev.vss.core.Limits;
import dev.vss.core.VssException;
import dev.vss.core.rules.RequestValidation;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.DeleteObjectResponse;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.GetObjectResponse;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.ListKeyVersionsResponse;
import dev.vss.proto.PutObjectRequest;
import dev.vss.proto.PutObjectResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A {@link VssEndpoint} over the pure reference model: one {@link KeyspaceModel} per {@code (user
 * token, store id)}, replaced on every successful write.
 *
 * <p>It answers exactly what SPEC section 4 defines and serves as the expected side of the model
 * properties. Page tokens differ from an adapter's (the model counts creation sequences per
 * keyspace, adapters store-wide, and every keyspace's model has a page-token secret of its own), so
 * compare only whether a next page exists. Calls are serialized; the endpoint is thread-safe but
 * not meant for throughput.
 */
public final class ReferenceEndpoint implements VssEndpoint {
  private final Limits limits;
  private final RequestValidation validation;
  private final Map<Keyspace, KeyspaceModel> models = new HashMap<>();

  /** An endpoint whose keyspaces are all empty, enforcing {@code limits}. */
  public ReferenceEndpoint(Limits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.validation = new RequestValidation(limits);
  }

  /** The limits this endpoint enforces. */
  public Limits limits() {
    return limits;
  }

  /**
   * The current model of {@code keyspace} (an empty model if nothing was ever written there). The
   * empty model is kept, so the keyspace keeps its page-token secret from the first call on.
   */
  public synchronized KeyspaceModel model(Keyspace keyspace) {
    return models.computeIfAbsent(keyspace, k -> KeyspaceModel.empty(limits));
  }

  @Override
  public GetObjectResponse getObject(String userToken, GetObjectRequest request) {
    return run(
        userToken,
        request,
        request == null ? null : request.getStoreId(),
        model -> model.getObject(request));
  }

  @Override
  public PutObjectResponse putObjects(String userToken, PutObjectRequest request) {
    return run(
        userToken,
        request,
        request == null ? null : request.getStoreId(),
        model -> model.putObjects(request));
  }

  @Override
  public DeleteObjectResponse deleteObject(String userToken, DeleteObjectRequest request) {
    return run(
        userToken,
        request,
        request == null ? null : request.getStoreId(),
        model -> model.deleteObject(request));
  }

  @Override
  public ListKeyVersionsResponse listKeyVersions(String userToken, ListKeyVersionsRequest request) {
    return run(
        userToken,
        request,
        request == null ? null : request.getStoreId(),
        model -> model.listKeyVersions(request));
  }

  @Override
  public String toString() {
    return "reference model";
  }

  // Checks run in the order VssService runs them, so both answer the same error for a request
  // that is wrong in several ways.
  private synchronized <T> T run(
      String userToken,
      Object request,
      String storeId,
      Function<KeyspaceModel, KeyspaceModel.Step<T>> operation) {
    if (request == null) {
      throw VssException.invalidRequest("request is required");
    }
    validation.userToken(userToken);
    Keyspace keyspace = new Keyspace(userToken, storeId);
    KeyspaceModel.Step<T> step = operation.apply(model(keyspace));
    if (!step.succeeded()) {
      throw step.error();
    }
    models.put(keyspace, step.state());
    return step.response();
  }
}
