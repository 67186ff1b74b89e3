package dev.vss.testkit;

import com.google.protobuf.ByteString;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.PutObjectRequest;
import java.util.List;
import java.util.OptionalLong;

/** Short builders for the requests the suites send; they keep scenarios readable. */
final class Requests {
  private Requests() {}

  static ByteString bytes(String utf8) {
    return ByteString.copyFromUtf8(utf8);
  }

  /** A key-value item: a transaction item when it has a value, else a delete item or a target. */
  static KeyValue item(String key, long version, String value) {
    return KeyValue.newBuilder().setKey(key).setVersion(version).setValue(bytes(value)).build();
  }

  static KeyValue item(String key, long version, ByteString value) {
    return KeyValue.newBuilder().setKey(key).setVersion(version).setValue(value).build();
  }

  static KeyValue item(String key, long version) {
    return KeyValue.newBuilder().setKey(key).setVersion(version).build();
  }

  static PutObjectRequest put(
      String storeId,
      OptionalLong globalVersion,
      List<KeyValue> transactionItems,
      List<KeyValue> deleteItems) {
    PutObjectRequest.Builder request =
        PutObjectRequest.newBuilder()
            .setStoreId(storeId)
            .addAllTransactionItems(transactionItems)
            .addAllDeleteItems(deleteItems);
    globalVersion.ifPresent(request::setGlobalVersion);
    return request.build();
  }

  static GetObjectRequest get(String storeId, String key) {
    return GetObjectRequest.newBuilder().setStoreId(storeId).setKey(key).build();
  }

  static DeleteObjectRequest delete(String storeId, KeyValue target) {
    return DeleteObjectRequest.newBuilder().setStoreId(storeId).setKeyValue(target).build();
  }

  /**
   * A list request; {@code prefix}, {@code pageSize} and {@code pageToken} are left unset when
   * null.
   */
  static ListKeyVersionsRequest list(
      String storeId, String prefix, Integer pageSize, String pageToken) {
    ListKeyVersionsRequest.Builder request =
        ListKeyVersionsRequest.newBuilder().setStoreId(storeId);
    if (prefix != null) {
      request.setKeyPrefix(prefix);
    }
    if (pageSize != null) {
      request.setPageSize(pageSize);
    }
    if (pageToken != null) {
      request.setPageToken(pageToken);
    }
    return request.build();
  }
}
