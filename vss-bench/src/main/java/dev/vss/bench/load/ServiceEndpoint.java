package dev.vss.bench.load;

import dev.vss.core.VssException;
import dev.vss.core.VssService;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.PutObjectRequest;

/**
 * Calls {@link VssService} directly, without HTTP or protobuf encoding: the storage ceiling. The
 * request messages are the ones the HTTP path would parse, so the difference between the two is the
 * HTTP stack, the encoding and the client.
 */
final class ServiceEndpoint implements Endpoint {
  private final VssService service;

  ServiceEndpoint(VssService service) {
    this.service = service;
  }

  @Override
  public int call(Call call) {
    String userToken = LoadShape.userToken(call.user());
    try {
      switch (call.method()) {
        case GET_OBJECT:
          service.getObject(userToken, (GetObjectRequest) call.request());
          break;
        case PUT_OBJECTS:
          service.putObjects(userToken, (PutObjectRequest) call.request());
          break;
        case LIST_KEY_VERSIONS:
        default:
          service.listKeyVersions(userToken, (ListKeyVersionsRequest) call.request());
          break;
      }
      return 200;
    } catch (VssException e) {
      return statusOf(e);
    }
  }

  /** The HTTP status SPEC section 1 maps the exception's error code to. */
  static int statusOf(VssException e) {
    return dev.vss.protocol.ErrorStatus.of(e.errorCode());
  }

  @Override
  public void close() {}
}
