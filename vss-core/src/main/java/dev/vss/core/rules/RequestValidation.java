package dev.vss.core.rules;

import dev.vss.core.Limits;
import dev.vss.core.VssException;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.PutObjectRequest;
import dev.vss.protocol.Versions;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Request validation (SPEC sections 4 and 6). Every method either returns normally or throws {@link
 * VssException} with INVALID_REQUEST and a message that names the offending field. Validation never
 * looks at stored state, so it runs before any storage access.
 */
public final class RequestValidation {
  /** The key under which the global version is read ({@link Versions#GLOBAL_VERSION_KEY}). */
  public static final String GLOBAL_VERSION_KEY = Versions.GLOBAL_VERSION_KEY;

  private final Limits limits;

  /** Creates a validator enforcing {@code limits}. */
  public RequestValidation(Limits limits) {
    this.limits = limits;
  }

  /** The limits this validator enforces. */
  public Limits limits() {
    return limits;
  }

  /** Validates the user token an authorizer produced. */
  public void userToken(String userToken) {
    if (userToken == null || userToken.isEmpty()) {
      throw VssException.invalidRequest("user token must not be empty");
    }
    wellFormed("user token", userToken);
    int length = userToken.codePointCount(0, userToken.length());
    if (length > limits.maxUserTokenLength()) {
      throw VssException.invalidRequest(
          "user token is " + length + " characters; the limit is " + limits.maxUserTokenLength());
    }
  }

  /** Validates a getObject request. */
  public void getObject(GetObjectRequest request) {
    storeId(request.getStoreId());
    key("key", request.getKey());
  }

  /**
   * Validates a putObjects request.
   *
   * @return every key the request names, in request order
   */
  public Set<String> putObjects(PutObjectRequest request) {
    storeId(request.getStoreId());
    int items = request.getTransactionItemsCount() + request.getDeleteItemsCount();
    if (items > limits.maxItemsPerPut()) {
      throw VssException.invalidRequest(
          "putObjects has "
              + items
              + " items (transaction_items + delete_items); the limit is "
              + limits.maxItemsPerPut());
    }
    Set<String> keys = new LinkedHashSet<>(items * 2);
    for (int i = 0; i < request.getTransactionItemsCount(); i++) {
      KeyValue item = request.getTransactionItems(i);
      String field = "transaction_items[" + i + "]";
      writableKey(field, item.getKey());
      version(field, item.getVersion());
      if (item.getValue().size() > limits.maxValueBytes()) {
        throw VssException.invalidRequest(
            field
                + ".value is "
                + item.getValue().size()
                + " bytes; the limit is "
                + limits.maxValueBytes());
      }
      distinct(keys, field, item.getKey());
    }
    for (int i = 0; i < request.getDeleteItemsCount(); i++) {
      KeyValue item = request.getDeleteItems(i);
      String field = "delete_items[" + i + "]";
      writableKey(field, item.getKey());
      version(field, item.getVersion());
      distinct(keys, field, item.getKey());
    }
    return keys;
  }

  /** Validates a deleteObject request. */
  public void deleteObject(DeleteObjectRequest request) {
    storeId(request.getStoreId());
    if (!request.hasKeyValue()) {
      throw VssException.invalidRequest("key_value is required");
    }
    writableKey("key_value", request.getKeyValue().getKey());
    version("key_value", request.getKeyValue().getVersion());
  }

  /** Validates a listKeyVersions request (the page token is checked when it is decoded). */
  public void listKeyVersions(ListKeyVersionsRequest request) {
    storeId(request.getStoreId());
    if (request.hasKeyPrefix()) {
      length("key_prefix", request.getKeyPrefix(), limits.maxKeyLength());
      wellFormed("key_prefix", request.getKeyPrefix());
    }
    if (request.hasPageSize() && request.getPageSize() < 0) {
      throw VssException.invalidRequest(
          "page_size must not be negative, was " + request.getPageSize());
    }
  }

  private void storeId(String storeId) {
    length("store_id", storeId, limits.maxStoreIdLength());
    wellFormed("store_id", storeId);
  }

  private void key(String field, String key) {
    if (key.isEmpty()) {
      throw VssException.invalidRequest(field + " must not be empty");
    }
    length(field, key, limits.maxKeyLength());
    wellFormed(field, key);
  }

  private void writableKey(String field, String key) {
    if (GLOBAL_VERSION_KEY.equals(key)) {
      throw VssException.invalidRequest(
          field + ".key '" + GLOBAL_VERSION_KEY + "' is reserved and cannot be written or deleted");
    }
    key(field + ".key", key);
  }

  private static void version(String field, long version) {
    if (version < -1) {
      throw VssException.invalidRequest(
          field + ".version must be -1 (unconditional) or at least 0, was " + version);
    }
  }

  private static void distinct(Set<String> seen, String field, String key) {
    if (!seen.add(key)) {
      throw VssException.invalidRequest(
          field
              + ".key '"
              + key
              + "' appears more than once; keys across transaction_items and delete_items must be"
              + " distinct");
    }
  }

  /**
   * Refuses a string holding an unpaired UTF-16 surrogate. Such a string has no UTF-8 form, so the
   * wire cannot carry it (protobuf refuses it) and a store could not keep it faithfully: the rule
   * lives here so that every store, reached through {@code VssService} by an embedder, sees only
   * well-formed text and needs no encoding workaround of its own.
   */
  private static void wellFormed(String field, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!Character.isSurrogate(c)) {
        continue;
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
        continue;
      }
      throw VssException.invalidRequest(
          field
              + " holds an unpaired UTF-16 surrogate at index "
              + i
              + "; text must be well-formed Unicode");
    }
  }

  private static void length(String field, String value, int max) {
    // Cheap check first: a string of n UTF-16 units has at most n code points.
    if (value.length() <= max) {
      return;
    }
    int length = value.codePointCount(0, value.length());
    if (length > max) {
      throw VssException.invalidRequest(
          field + " is " + length + " characters; the limit is " + max);
    }
  }
}
