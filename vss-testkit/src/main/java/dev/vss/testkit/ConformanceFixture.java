package dev.vss.testkit;

import static dev.vss.testkit.Requests.item;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.ByteString;
import dev.vss.core.Limits;
import dev.vss.core.VssException;
import dev.vss.core.rules.RequestValidation;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.KeyValue;
import dev.vss.proto.ListKeyVersionsResponse;
import dev.vss.proto.PutObjectRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * The one fixture every group of conformance scenarios runs on: the endpoint of the current test,
 * its two user tokens, the limits it enforces and the capabilities it declares, plus the request
 * and assertion helpers the scenarios share.
 *
 * <p>The scenario groups ({@link PutScenarios}, {@link PutWithDeleteItemsScenarios}, {@link
 * CreationOrderScenarios}, {@link DeleteScenarios}, {@link GetScenarios}, {@link
 * GlobalVersionKeyScenarios}, {@link ListScenarios}, {@link LimitScenarios}, {@link
 * IsolationScenarios}, {@link ValueAndKeyScenarios}) are interfaces whose scenarios are default
 * {@code @Test} methods over this fixture (JUnit's test-interface pattern). {@link
 * VssConformanceSuite} implements all of them and holds the lifecycle (a fresh endpoint and fresh
 * user tokens per test), so an integrator extends one class: {@link StorageConformanceSuite} for a
 * {@code Storage}, {@link VssConformanceSuite} for any endpoint.
 */
public interface ConformanceFixture {
  /** The store id most scenarios use. */
  String STORE = "wallet";

  /** The reserved key that reads as the global version. */
  String GLOBAL_VERSION_KEY = RequestValidation.GLOBAL_VERSION_KEY;

  /** The endpoint of the current test. */
  VssEndpoint endpoint();

  /** A user token drawn at random for the current test. */
  String alice();

  /** A second user token drawn at random for the current test, distinct from {@link #alice()}. */
  String bob();

  /** The limits the endpoint enforces; limit scenarios derive their boundaries from it. */
  Limits limits();

  /** What the endpoint supports; scenarios needing a capability it lacks are skipped. */
  Set<Capability> capabilities();

  /** Whether {@link #capabilities()} declares {@code capability}. */
  default boolean declares(Capability capability) {
    return capabilities().contains(capability);
  }

  /** Skips the current scenario, naming {@code capability}, unless the endpoint declares it. */
  default void assumeCapability(Capability capability) {
    Capability.assume(capabilities(), capability);
  }

  /** A put of {@code items} as transaction items, without a global version. */
  default PutObjectRequest putRequest(KeyValue... items) {
    return Requests.put("", OptionalLong.empty(), List.of(items), List.of());
  }

  /** A put of {@code items} as transaction items carrying {@code globalVersion}. */
  default PutObjectRequest putRequest(OptionalLong globalVersion, KeyValue... items) {
    return Requests.put("", globalVersion, List.of(items), List.of());
  }

  /** A put with transaction items, delete items and an optional global version. */
  default PutObjectRequest putRequest(
      OptionalLong globalVersion, List<KeyValue> transactionItems, List<KeyValue> deleteItems) {
    return Requests.put("", globalVersion, transactionItems, deleteItems);
  }

  /** Puts {@code items} as transaction items into {@code (user, storeId)}; fails on any error. */
  default void put(String user, String storeId, KeyValue... items) {
    put(user, storeId, OptionalLong.empty(), List.of(items), List.of());
  }

  /** Puts {@code items} with an optional global version; fails on any error. */
  default void put(String user, String storeId, List<KeyValue> items, OptionalLong globalVersion) {
    put(user, storeId, globalVersion, items, List.of());
  }

  /** Puts transaction and delete items with an optional global version; fails on any error. */
  default void put(
      String user,
      String storeId,
      OptionalLong globalVersion,
      List<KeyValue> transactionItems,
      List<KeyValue> deleteItems) {
    endpoint()
        .putObjects(user, Requests.put(storeId, globalVersion, transactionItems, deleteItems));
  }

  /** getObject of {@code key}: the key, version and value. */
  default KeyValue get(String user, String storeId, String key) {
    return endpoint().getObject(user, Requests.get(storeId, key)).getValue();
  }

  /** deleteObject of {@code target} (key and version). */
  default void deleteObject(String user, String storeId, KeyValue target) {
    endpoint().deleteObject(user, Requests.delete(storeId, target));
  }

  /** One listKeyVersions page; null arguments are left unset. */
  default ListKeyVersionsResponse list(
      String user, String storeId, String prefix, Integer pageSize, String pageToken) {
    return endpoint().listKeyVersions(user, Requests.list(storeId, prefix, pageSize, pageToken));
  }

  /** The global version as the first list page reports it. */
  default long globalVersion(String user, String storeId) {
    return list(user, storeId, null, 0, null).getGlobalVersion();
  }

  /** The whole keyspace as a client reads it; see {@link KeyspaceSnapshot#read}. */
  default KeyspaceSnapshot snapshot(String user, String storeId) {
    return KeyspaceSnapshot.read(endpoint(), user, storeId);
  }

  /**
   * Every page of a listing, checking the page protocol on the way: only the first page carries the
   * global version, every page but the last has a non-empty next token, and no key repeats.
   *
   * @param prefix the key prefix, or null for none
   * @param pageSize the page size, or null for the server default
   */
  default Listing listAll(String user, String storeId, String prefix, Integer pageSize) {
    List<ListKeyVersionsResponse> pages = new ArrayList<>();
    String token = null;
    do {
      if (pages.size() > 100_000) {
        fail("the listing did not end after 100000 pages");
      }
      ListKeyVersionsResponse page = list(user, storeId, prefix, pageSize, token);
      assertThat(page.hasGlobalVersion())
          .as("global_version present on page %d (only the first has it)", pages.size())
          .isEqualTo(pages.isEmpty());
      pages.add(page);
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    Listing listing = new Listing(pages);
    assertThat(listing.keys()).as("keys listed").doesNotHaveDuplicates();
    if (prefix != null) {
      assertThat(listing.keys())
          .as("keys listed for prefix %s", escape(prefix))
          .allSatisfy(key -> assertThat(key).startsWith(prefix));
    }
    return listing;
  }

  /**
   * Creates {@code count} keys {@code prefix + index} in index order (batched by the item limit)
   * and returns them in creation order.
   */
  default List<String> createKeys(String user, String storeId, String prefix, int count) {
    List<String> keys = IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
    int batch = limits().maxItemsPerPut();
    for (int from = 0; from < count; from += batch) {
      List<KeyValue> items =
          keys.subList(from, Math.min(count, from + batch)).stream()
              .map(key -> item(key, 0, "v"))
              .toList();
      put(user, storeId, items, OptionalLong.empty());
    }
    return keys;
  }

  /** Asserts that {@code call} fails with {@code code} and returns the failure. */
  default VssException expectError(ErrorCode code, ThrowingCallable call) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown).as("expected %s", code).isInstanceOf(VssException.class);
    VssException error = (VssException) thrown;
    assertThat(error.errorCode()).as("error code of %s", error).isEqualTo(code);
    return error;
  }

  /**
   * Sends {@code request} (its store id is replaced by {@code storeId}), expects CONFLICT, and
   * requires the keyspace to read back unchanged.
   */
  default void expectConflictAndNoChange(String user, String storeId, PutObjectRequest request) {
    PutObjectRequest scoped = request.toBuilder().setStoreId(storeId).build();
    expectErrorAndNoChange(
        ErrorCode.CONFLICT_EXCEPTION, user, storeId, () -> endpoint().putObjects(user, scoped));
  }

  /**
   * Sends {@code request} (its store id is replaced by {@code storeId}), expects INVALID_REQUEST,
   * and requires the keyspace to read back unchanged.
   */
  default void expectInvalidAndNoChange(String user, String storeId, PutObjectRequest request) {
    PutObjectRequest scoped = request.toBuilder().setStoreId(storeId).build();
    expectErrorAndNoChange(
        ErrorCode.INVALID_REQUEST_EXCEPTION,
        user,
        storeId,
        () -> endpoint().putObjects(user, scoped));
  }

  /** Runs {@code call}, expects INVALID_REQUEST, requires {@code (user, storeId)} unchanged. */
  default void expectInvalidAndNoChange(String user, String storeId, ThrowingCallable call) {
    expectErrorAndNoChange(ErrorCode.INVALID_REQUEST_EXCEPTION, user, storeId, call);
  }

  /** Runs {@code call}, expects {@code code}, requires {@code (user, storeId)} unchanged. */
  default void expectErrorAndNoChange(
      ErrorCode code, String user, String storeId, ThrowingCallable call) {
    KeyspaceSnapshot before = snapshot(user, storeId);
    expectError(code, call);
    assertThat(snapshot(user, storeId)).as("keyspace after a failed request").isEqualTo(before);
  }

  /** Deterministic pseudo-random bytes. */
  default ByteString randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return ByteString.copyFrom(bytes);
  }

  /** {@code s} with control characters and non-ASCII shown as Java escapes, for messages. */
  default String escape(String s) {
    return s.codePoints()
        .mapToObj(c -> c >= 0x20 && c < 0x7f ? Character.toString(c) : String.format("\\u%04x", c))
        .collect(Collectors.joining("", "\"", "\""));
  }

  /** The keys of one list page, in page order. */
  default List<String> keysOf(ListKeyVersionsResponse page) {
    return page.getKeyVersionsList().stream().map(KeyValue::getKey).toList();
  }

  /** A reversed copy of {@code list}. */
  default <T> List<T> reversed(List<T> list) {
    List<T> copy = new ArrayList<>(list);
    Collections.reverse(copy);
    return copy;
  }

  /** {@code a} followed by {@code b}, as a new list. */
  default <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /**
   * All pages of one listing.
   *
   * @param pages the pages in order
   */
  record Listing(List<ListKeyVersionsResponse> pages) {
    /** Copies the pages. */
    public Listing {
      pages = List.copyOf(pages);
    }

    /** Every listed key, in listing order. */
    public List<String> keys() {
      return pages.stream()
          .flatMap(p -> p.getKeyVersionsList().stream())
          .map(KeyValue::getKey)
          .toList();
    }

    /** The global version of the first page. */
    public long globalVersion() {
      return pages.get(0).getGlobalVersion();
    }
  }
}
