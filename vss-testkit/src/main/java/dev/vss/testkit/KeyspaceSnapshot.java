package dev.vss.testkit;

import com.google.protobuf.ByteString;
import dev.vss.core.rules.RequestValidation;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.ListKeyVersionsResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a client can read of one keyspace: its global version and every record with its
 * version and value, newest creation first.
 *
 * <p>The suites take a snapshot before a request that must fail and compare it with one taken
 * after, which proves the failed request changed nothing (including creation order). Reading a
 * snapshot also checks the listing itself: the pages must not repeat a key, and every listed
 * version must match what getObject answers.
 *
 * @param globalVersion the keyspace's global version (from the first list page)
 * @param entries every record, newest creation first
 */
public record KeyspaceSnapshot(long globalVersion, List<Entry> entries) {
  /** Listings longer than this many pages are taken as an endpoint that never ends a listing. */
  private static final int MAX_PAGES = 100_000;

  /**
   * One record as a client reads it.
   *
   * @param key the key
   * @param version the stored version
   * @param value the stored bytes
   */
  public record Entry(String key, long version, ByteString value) {
    /** Validates the components. */
    public Entry {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }

    /** Reads like {@code "key"@2="value"}. */
    @Override
    public String toString() {
      return Describe.entry(key, version, value);
    }
  }

  /** Copies the components. */
  public KeyspaceSnapshot {
    entries = List.copyOf(entries);
  }

  /**
   * Reads the whole keyspace {@code (userToken, storeId)} through {@code endpoint}: every page of
   * listKeyVersions (server default page size), then getObject for each listed key and for the
   * reserved {@code global_version} key.
   *
   * @throws AssertionError if the listing repeats a key, never ends, or disagrees with getObject
   */
  public static KeyspaceSnapshot read(VssEndpoint endpoint, String userToken, String storeId) {
    List<KeyValue> listed = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    long globalVersion = -1;
    String token = null;
    for (int page = 0; ; page++) {
      if (page == MAX_PAGES) {
        throw new AssertionError(
            "listKeyVersions of store '" + storeId + "' did not end after " + MAX_PAGES + " pages");
      }
      ListKeyVersionsRequest.Builder request =
          ListKeyVersionsRequest.newBuilder().setStoreId(storeId);
      if (token != null) {
        request.setPageToken(token);
      }
      ListKeyVersionsResponse response = endpoint.listKeyVersions(userToken, request.build());
      if (page == 0) {
        if (!response.hasGlobalVersion()) {
          throw new AssertionError("the first list page must carry global_version");
        }
        globalVersion = response.getGlobalVersion();
      }
      for (KeyValue entry : response.getKeyVersionsList()) {
        if (!seen.add(entry.getKey())) {
          throw new AssertionError(
              "listKeyVersions listed key '"
                  + entry.getKey()
                  + "' twice: "
                  + listed
                  + " then "
                  + response.getKeyVersionsList());
        }
        listed.add(entry);
      }
      token = response.getNextPageToken();
      if (token.isEmpty()) {
        break;
      }
    }
    List<Entry> entries = new ArrayList<>(listed.size());
    for (KeyValue entry : listed) {
      KeyValue stored =
          endpoint
              .getObject(
                  userToken,
                  GetObjectRequest.newBuilder().setStoreId(storeId).setKey(entry.getKey()).build())
              .getValue();
      if (stored.getVersion() != entry.getVersion() || !stored.getKey().equals(entry.getKey())) {
        throw new AssertionError(
            "listKeyVersions shows "
                + entry.getKey()
                + " at version "
                + entry.getVersion()
                + " but getObject answers "
                + stored.getKey()
                + " at version "
                + stored.getVersion());
      }
      entries.add(new Entry(entry.getKey(), entry.getVersion(), stored.getValue()));
    }
    long viaGet =
        endpoint
            .getObject(
                userToken,
                GetObjectRequest.newBuilder()
                    .setStoreId(storeId)
                    .setKey(RequestValidation.GLOBAL_VERSION_KEY)
                    .build())
            .getValue()
            .getVersion();
    if (viaGet != globalVersion) {
      throw new AssertionError(
          "listKeyVersions shows global_version "
              + globalVersion
              + " but getObject('global_version') answers "
              + viaGet);
    }
    return new KeyspaceSnapshot(globalVersion, entries);
  }

  /** The keys, newest creation first. */
  public List<String> keys() {
    return entries.stream().map(Entry::key).toList();
  }

  /** The records by key, in listing order. */
  public Map<String, Entry> byKey() {
    Map<String, Entry> byKey = new LinkedHashMap<>();
    entries.forEach(e -> byKey.put(e.key(), e));
    return byKey;
  }

  /** Reads like {@code gv=3 ["b"@1="x", "a"@2=""]}. */
  @Override
  public String toString() {
    return "gv=" + globalVersion + " " + entries;
  }

  /** Whether the keyspace holds no record and its global version is 0. */
  public boolean isEmpty() {
    return entries.isEmpty() && globalVersion == 0;
  }
}
