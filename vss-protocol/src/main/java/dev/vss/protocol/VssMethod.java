package dev.vss.protocol;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.DeleteObjectResponse;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.GetObjectResponse;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.ListKeyVersionsResponse;
import dev.vss.proto.PutObjectRequest;
import dev.vss.proto.PutObjectResponse;
import java.util.List;
import java.util.Optional;

/**
 * The four VSS methods: each one's name, its path under the service's base path (an HTTP POST of
 * the serialized request; SPEC section 1), and the parsers of its request and response. The one
 * table of them: servers route with it, clients and test tools call with it.
 *
 * @param <Q> the request message
 * @param <R> the response message
 */
public final class VssMethod<Q extends MessageLite, R extends MessageLite> {
  /** {@code getObject}: one key's value and version, or the global version. */
  public static final VssMethod<GetObjectRequest, GetObjectResponse> GET_OBJECT =
      new VssMethod<>(
          "getObject",
          GetObjectRequest.getDescriptor().getName(),
          GetObjectRequest.parser(),
          GetObjectResponse.parser());

  /** {@code putObjects}: an atomic transaction of puts and deletes. */
  public static final VssMethod<PutObjectRequest, PutObjectResponse> PUT_OBJECTS =
      new VssMethod<>(
          "putObjects",
          PutObjectRequest.getDescriptor().getName(),
          PutObjectRequest.parser(),
          PutObjectResponse.parser());

  /** {@code deleteObject}: one key's delete. */
  public static final VssMethod<DeleteObjectRequest, DeleteObjectResponse> DELETE_OBJECT =
      new VssMethod<>(
          "deleteObject",
          DeleteObjectRequest.getDescriptor().getName(),
          DeleteObjectRequest.parser(),
          DeleteObjectResponse.parser());

  /** {@code listKeyVersions}: a page of keys and versions, newest first. */
  public static final VssMethod<ListKeyVersionsRequest, ListKeyVersionsResponse> LIST_KEY_VERSIONS =
      new VssMethod<>(
          "listKeyVersions",
          ListKeyVersionsRequest.getDescriptor().getName(),
          ListKeyVersionsRequest.parser(),
          ListKeyVersionsResponse.parser());

  /** Every method, in the SPEC's order. */
  public static final List<VssMethod<?, ?>> ALL =
      List.of(GET_OBJECT, PUT_OBJECTS, DELETE_OBJECT, LIST_KEY_VERSIONS);

  private final String name;
  private final String path;
  private final String requestType;
  private final Parser<Q> requestParser;
  private final Parser<R> responseParser;

  private VssMethod(
      String name, String requestType, Parser<Q> requestParser, Parser<R> responseParser) {
    this.name = name;
    this.path = "/" + name;
    this.requestType = requestType;
    this.requestParser = requestParser;
    this.responseParser = responseParser;
  }

  /** The method's name, as in the SPEC and in logs: {@code getObject}, .... */
  public String methodName() {
    return name;
  }

  /** The path under the base path: {@code "/"} and the name. */
  public String path() {
    return path;
  }

  /** The request message's name ({@code GetObjectRequest}, ...), for error messages. */
  public String requestType() {
    return requestType;
  }

  /** Parses the method's request. */
  public Parser<Q> requestParser() {
    return requestParser;
  }

  /** Parses the method's response. */
  public Parser<R> responseParser() {
    return responseParser;
  }

  /** The method whose name is {@code name} (case-sensitive), if any. */
  public static Optional<VssMethod<?, ?>> named(String name) {
    for (VssMethod<?, ?> method : ALL) {
      if (method.name.equals(name)) {
        return Optional.of(method);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return name;
  }
}
