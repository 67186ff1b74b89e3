package dev.vss.testkit;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.GetObjectResponse;
import dev.vss.proto.KeyValue;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.ListKeyVersionsResponse;
import dev.vss.proto.PutObjectRequest;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One-line renderings of requests and responses, so that a shrunk failing action chain reads as a
 * list of steps such as {@code put alice/"w" [a@0="x"] del [b@1] gv=2}.
 */
final class Describe {
  private static final int MAX_VALUE_SHOWN = 16;
  private static final int MAX_ITEMS_SHOWN = 8;

  private Describe() {}

  static String put(String user, PutObjectRequest request) {
    StringBuilder text =
        new StringBuilder("put ")
            .append(user)
            .append('/')
            .append(quote(request.getStoreId()))
            .append(' ')
            .append(items(request.getTransactionItemsList(), true));
    if (request.getDeleteItemsCount() > 0) {
      text.append(" del ").append(items(request.getDeleteItemsList(), false));
    }
    if (request.hasGlobalVersion()) {
      text.append(" gv=").append(request.getGlobalVersion());
    }
    return text.toString();
  }

  static String delete(String user, DeleteObjectRequest request) {
    return "delete "
        + user
        + "/"
        + quote(request.getStoreId())
        + " "
        + (request.hasKeyValue() ? item(request.getKeyValue(), false) : "<no key_value>");
  }

  static String get(String user, GetObjectRequest request) {
    return "get " + user + "/" + quote(request.getStoreId()) + " " + quote(request.getKey());
  }

  static String list(String user, ListKeyVersionsRequest request) {
    StringBuilder text =
        new StringBuilder("list ").append(user).append('/').append(quote(request.getStoreId()));
    if (request.hasKeyPrefix()) {
      text.append(" prefix=").append(quote(request.getKeyPrefix()));
    }
    if (request.hasPageSize()) {
      text.append(" pageSize=").append(request.getPageSize());
    }
    if (request.hasPageToken()) {
      text.append(" pageToken=").append(quote(request.getPageToken()));
    }
    return text.toString();
  }

  /** A compact rendering of a response message. */
  static String message(Message response) {
    if (response instanceof GetObjectResponse get) {
      return item(get.getValue(), true);
    }
    if (response instanceof ListKeyVersionsResponse list) {
      return items(list.getKeyVersionsList(), false)
          + (list.hasNextPageToken() ? " next=" + quote(list.getNextPageToken()) : "")
          + (list.hasGlobalVersion() ? " gv=" + list.getGlobalVersion() : "");
    }
    return response.toString().replace('\n', ' ').trim();
  }

  /** {@code s} in double quotes, with control and non-ASCII characters as Java escapes. */
  static String quote(String s) {
    StringBuilder text = new StringBuilder("\"");
    s.codePoints()
        .forEach(
            c -> {
              if (c == '"' || c == '\\') {
                text.append('\\').appendCodePoint(c);
              } else if (c >= 0x20 && c < 0x7f) {
                text.appendCodePoint(c);
              } else if (c <= 0xffff) {
                text.append(String.format("\\u%04x", c));
              } else {
                for (char unit : Character.toChars(c)) {
                  text.append(String.format("\\u%04x", (int) unit));
                }
              }
            });
    return text.append('"').toString();
  }

  private static String items(List<KeyValue> items, boolean withValues) {
    if (items.size() > MAX_ITEMS_SHOWN) {
      return items.subList(0, 3).stream()
          .map(item -> item(item, withValues))
          .collect(Collectors.joining(", ", "[", ", ... " + items.size() + " items]"));
    }
    return items.stream()
        .map(item -> item(item, withValues))
        .collect(Collectors.joining(", ", "[", "]"));
  }

  private static String item(KeyValue item, boolean withValue) {
    String text = quote(item.getKey()) + "@" + item.getVersion();
    return withValue ? text + "=" + value(item.getValue()) : text;
  }

  /** One stored record, such as {@code "key"@2="value"}. */
  static String entry(String key, long version, ByteString value) {
    return quote(key) + "@" + version + "=" + value(value);
  }

  private static String value(ByteString value) {
    if (value.size() > MAX_VALUE_SHOWN) {
      return "<" + value.size() + " bytes>";
    }
    return value.isValidUtf8() ? quote(value.toStringUtf8()) : "0x" + hex(value);
  }

  private static String hex(ByteString value) {
    StringBuilder text = new StringBuilder();
    for (byte b : value.toByteArray()) {
      text.append(String.format("%02x", b & 0xff));
    }
    return text.toString();
  }
}
