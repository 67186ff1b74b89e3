package dev.vss.server;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import dev.vss.core.VssService;
import dev.vss.protocol.VssMethod;
import java.util.concurrent.CompletionStage;

/**
 * The four VSS methods of {@link VssMethod}, each bound to the {@link VssService} call that serves
 * it. Nothing here knows a VSS rule.
 */
enum Operation {
  GET_OBJECT(VssMethod.GET_OBJECT, false) {
    @Override
    MessageLite call(VssService service, String userToken, CodedInputStream body)
        throws InvalidProtocolBufferException {
      return service.getObject(userToken, VssMethod.GET_OBJECT.requestParser().parseFrom(body));
    }
  },
  PUT_OBJECTS(VssMethod.PUT_OBJECTS, true) {
    @Override
    MessageLite call(VssService service, String userToken, CodedInputStream body)
        throws InvalidProtocolBufferException {
      return service.putObjects(userToken, VssMethod.PUT_OBJECTS.requestParser().parseFrom(body));
    }

    @Override
    CompletionStage<? extends MessageLite> callAsync(
        VssService service, String userToken, CodedInputStream body)
        throws InvalidProtocolBufferException {
      return service.putObjectsAsync(
          userToken, VssMethod.PUT_OBJECTS.requestParser().parseFrom(body));
    }
  },
  DELETE_OBJECT(VssMethod.DELETE_OBJECT, true) {
    @Override
    MessageLite call(VssService service, String userToken, CodedInputStream body)
        throws InvalidProtocolBufferException {
      return service.deleteObject(
          userToken, VssMethod.DELETE_OBJECT.requestParser().parseFrom(body));
    }

    @Override
    CompletionStage<? extends MessageLite> callAsync(
        VssService service, String userToken, CodedInputStream body)
        throws InvalidProtocolBufferException {
      return service.deleteObjectAsync(
          userToken, VssMethod.DELETE_OBJECT.requestParser().parseFrom(body));
    }
  },
  LIST_KEY_VERSIONS(VssMethod.LIST_KEY_VERSIONS, false) {
    @Override
    MessageLite call(VssService service, String userToken, CodedInputStream body)
        throws InvalidProtocolBufferException {
      return service.listKeyVersions(
          userToken, VssMethod.LIST_KEY_VERSIONS.requestParser().parseFrom(body));
    }
  };

  private final VssMethod<?, ?> method;
  private final boolean writes;

  Operation(VssMethod<?, ?> method, boolean writes) {
    this.method = method;
    this.writes = writes;
  }

  /** The protocol name, such as {@code getObject}; also the metrics label. */
  String methodName() {
    return method.methodName();
  }

  /** The protobuf message type of the request body, for error messages. */
  String requestType() {
    return method.requestType();
  }

  /**
   * Parses {@code body} and runs the call for {@code userToken}. With aliasing enabled on {@code
   * body}, {@code bytes} fields (values) are views of the received buffer, not copies.
   */
  abstract MessageLite call(VssService service, String userToken, CodedInputStream body)
      throws InvalidProtocolBufferException;

  /** Whether this is a write, which also has {@link #callAsync}. */
  boolean writes() {
    return writes;
  }

  /**
   * A write's {@link #call} through the service's asynchronous call: parses {@code body} and queues
   * the write; the stage completes with the response once it has committed, or exceptionally with
   * its failure (see {@link VssService#putObjectsAsync}).
   *
   * @throws UnsupportedOperationException for an operation that does not {@linkplain #writes()
   *     write}
   */
  CompletionStage<? extends MessageLite> callAsync(
      VssService service, String userToken, CodedInputStream body)
      throws InvalidProtocolBufferException {
    throw new UnsupportedOperationException(methodName() + " has no asynchronous call");
  }

  /** The operation served at {@code relativePath} (such as {@code /getObject}), or null. */
  static Operation forPath(String relativePath) {
    for (Operation operation : values()) {
      if (operation.method.path().equals(relativePath)) {
        return operation;
      }
    }
    return null;
  }
}
