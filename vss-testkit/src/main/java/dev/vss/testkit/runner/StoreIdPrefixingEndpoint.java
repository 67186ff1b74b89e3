package dev.vss.testkit.runner;

import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.DeleteObjectResponse;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.GetObjectResponse;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.ListKeyVersionsResponse;
import dev.vss.proto.PutObjectRequest;
import dev.vss.proto.PutObjectResponse;
import dev.vss.testkit.VssEndpoint;
import java.util.Objects;

/**
 * For a server the runner reaches as one user ({@code --auth none}, or one fixed JWT): sends every
 * store id with a prefix of its own, so that each check (each property try) starts from empty
 * keyspaces although every check is the same user on the server. The scenarios see the store-id
 * limit reduced by the prefix's length ({@link WireTarget#scenarioLimits()}), so the store-id limit
 * scenario still tests the server's exact boundary.
 */
final class StoreIdPrefixingEndpoint implements VssEndpoint {
  private final VssEndpoint delegate;
  private final String prefix;

  StoreIdPrefixingEndpoint(VssEndpoint delegate, String prefix) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.prefix = Objects.requireNonNull(prefix, "prefix");
  }

  @Override
  public GetObjectResponse getObject(String userToken, GetObjectRequest request) {
    return delegate.getObject(
        userToken, request.toBuilder().setStoreId(prefix + request.getStoreId()).build());
  }

  @Override
  public PutObjectResponse putObjects(String userToken, PutObjectRequest request) {
    return delegate.putObjects(
        userToken, request.toBuilder().setStoreId(prefix + request.getStoreId()).build());
  }

  @Override
  public DeleteObjectResponse deleteObject(String userToken, DeleteObjectRequest request) {
    return delegate.deleteObject(
        userToken, request.toBuilder().setStoreId(prefix + request.getStoreId()).build());
  }

  @Override
  public ListKeyVersionsResponse listKeyVersions(String userToken, ListKeyVersionsRequest request) {
    return delegate.listKeyVersions(
        userToken, request.toBuilder().setStoreId(prefix + request.getStoreId()).build());
  }

  @Override
  public String toString() {
    return delegate + ", one user: store ids prefixed per check";
  }
}
