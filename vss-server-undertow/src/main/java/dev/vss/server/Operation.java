package dev.vss.server;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import dev.vss.core.VssService;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.PutObjectRequest;

/**
 * The four VSS methods (SPEC section 1): the path each answers on, how its request body is parsed
 * and which {@link VssService} call serves it. Nothing here knows a VSS rule.
 */
enum Operation {
  GET_OBJECT("getObject", "GetObjectRequest") {
    @Override
    MessageLite call(VssService service, String userToken, CodedInputStream body)
        throws InvalidProtocolBufferException {
      return service.getObject(userToken, GetObjectRequest.parser().parseFrom(body));
    }
  },
  PUT_OBJECTS("putObjects", "PutObjectRequest") {
    @Override
    MessageLite call(VssService service, String userToken, CodedInputStream body)
        throws InvalidProtocolBufferException {
      return service.putObjects(userToken, PutObjectRequest.parser().parseFrom(body));
    }
  },
  DELETE_OBJECT("deleteObject", "DeleteObjectRequest") {
    @Override
    MessageLite call(VssService service, String userToken, CodedInputStream body)
        throws InvalidProtocolBufferException {
      return service.deleteObject(userToken, DeleteObjectRequest.parser().parseFrom(body));
    }
  },
  LIST_KEY_VERSIONS("listKeyVersions", "ListKeyVersionsRequest") {
    @Override
    MessageLite call(VssService service, String userToken, CodedInputStream body)
        throws InvalidProtocolBufferException {
      return service.listKeyVersions(userToken, ListKeyVersionsRequest.parser().parseFrom(body));
    }
  };

  private final String methodName;
  private final String path;
  private final String requestType;

  Operation(String methodName, String requestType) {
    this.methodName = methodName;
    this.path = "/" + methodName;
    this.requestType = requestType;
  }

  /** The protocol name, such as {@code getObject}; also the metrics label. */
  String methodName() {
    return methodName;
  }

  /** The protobuf message type of the request body, for error messages. */
  String requestType() {
    return requestType;
  }

  /**
   * Parses {@code body} and runs the call for {@code userToken}. With aliasing enabled on {@code
   * body}, {@code bytes} fields (values) are views of the received buffer, not copies.
   */
  abstract MessageLite call(VssService service, String userToken, CodedInputStream body)
      throws InvalidProtocolBufferException;

  /** The operation served at {@code relativePath} (such as {@code /getObject}), or null. */
  static Operation forPath(String relativePath) {
    for (Operation operation : values()) {
      if (operation.path.equals(relativePath)) {
        return operation;
      }
    }
    return null;
  }
}
