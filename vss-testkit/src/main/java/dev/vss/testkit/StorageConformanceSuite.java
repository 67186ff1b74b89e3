package dev.vss.testkit;

import static dev.vss.testkit.Requests.bytes;
import static dev.vss.testkit.Requests.item;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vss.core.Keyspace;
import dev.vss.core.VssService;
import dev.vss.core.rules.PageToken;
import dev.vss.core.spi.KeyVersion;
import dev.vss.core.spi.Storage;
import dev.vss.core.spi.WritePlan;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.DeleteObjectResponse;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.GetObjectResponse;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.ListKeyVersionsResponse;
import dev.vss.proto.PutObjectRequest;
import dev.vss.proto.PutObjectResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The conformance kit for a {@link Storage} adapter: every scenario of {@link VssConformanceSuite},
 * run through a {@link VssService} over a fresh storage per test, plus scenarios only a storage can
 * be asked about (user tokens, creation sequences, the SPI contract, durability across reopen).
 *
 * <pre>{@code
 * class MyStorageConformanceTest extends StorageConformanceSuite {
 *   @TempDir Path dir;
 *
 *   @Override
 *   protected Storage newStorage() {
 *     return MyStorage.open(dir.resolve("vss.db"));
 *   }
 * }
 * }</pre>
 *
 * <p>The service enforces {@link #limits()}; override it to test other limits.
 */
public abstract class StorageConformanceSuite extends VssConformanceSuite {
  private Storage storage;
  private VssService service;

  /**
   * A new, empty storage for one test.
   *
   * @throws Exception if it cannot be opened; the test then fails
   */
  protected abstract Storage newStorage() throws Exception;

  /**
   * Releases a storage made by {@link #newStorage()} (or {@link #reopenStorage}); called after each
   * test. Closes it unless overridden (override to also delete its files).
   *
   * @throws Exception if releasing fails; the test then fails
   */
  protected void closeStorage(Storage storage) throws Exception {
    storage.close();
  }

  /**
   * Closes {@code storage} and opens a new storage over the same data, as a process restart would.
   * The default answers empty without closing anything, which skips the durability scenario:
   * override it for a persistent adapter.
   *
   * @throws Exception if closing or reopening fails; the test then fails
   */
  protected Optional<Storage> reopenStorage(Storage storage) throws Exception {
    return Optional.empty();
  }

  /**
   * What the storage supports. A storage runs behind {@code VssService}, so its error messages are
   * exact and its users separate; defaults to {@link Capability#all()}. A storage that cannot be
   * reopened over its data answers a set without {@link Capability#REOPENABLE}, and the durability
   * scenarios are skipped with a reason naming it.
   */
  @Override
  public Set<Capability> capabilities() {
    return Capability.all();
  }

  /** The storage of the current test. */
  protected final Storage storage() {
    if (storage == null) {
      throw new IllegalStateException("no storage: the test has not been set up");
    }
    return storage;
  }

  /** The service over {@link #storage()} of the current test. */
  protected final VssService service() {
    if (service == null) {
      throw new IllegalStateException("no service: the test has not been set up");
    }
    return service;
  }

  @Override
  protected final VssEndpoint newEndpoint() throws Exception {
    storage = newStorage();
    service = new VssService(storage, limits());
    // Delegates to the current service, so a reopened storage is picked up.
    return new VssEndpoint() {
      @Override
      public GetObjectResponse getObject(String userToken, GetObjectRequest request) {
        return service().getObject(userToken, request);
      }

      @Override
      public PutObjectResponse putObjects(String userToken, PutObjectRequest request) {
        return service().putObjects(userToken, request);
      }

      @Override
      public DeleteObjectResponse deleteObject(String userToken, DeleteObjectRequest request) {
        return service().deleteObject(userToken, request);
      }

      @Override
      public ListKeyVersionsResponse listKeyVersions(
          String userToken, ListKeyVersionsRequest request) {
        return service().listKeyVersions(userToken, request);
      }
    };
  }

  @Override
  protected final void closeEndpoint(VssEndpoint endpoint) throws Exception {
    Storage used = storage;
    storage = null;
    service = null;
    if (used != null) {
      closeStorage(used);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // user tokens

  /** An empty user token is INVALID_REQUEST for every operation. */
  @Test
  public void emptyUserTokenIsInvalid() {
    expectError(
        ErrorCode.INVALID_REQUEST_EXCEPTION,
        () -> endpoint().putObjects("", putRequest(item("k", 0, "v"))));
    expectError(
        ErrorCode.INVALID_REQUEST_EXCEPTION,
        () -> endpoint().getObject("", Requests.get(STORE, "k")));
    expectError(
        ErrorCode.INVALID_REQUEST_EXCEPTION,
        () -> endpoint().deleteObject("", Requests.delete(STORE, item("k", -1))));
    expectError(
        ErrorCode.INVALID_REQUEST_EXCEPTION,
        () -> endpoint().listKeyVersions("", Requests.list(STORE, null, null, null)));
    assertThat(storage().list(new Keyspace("", ""), "", Long.MAX_VALUE, 10)).isEmpty();
  }

  /** A user token of exactly the limit passes; one more character is INVALID_REQUEST. */
  @Test
  public void userTokenLengthLimitIsInclusive() {
    int limit = limits().maxUserTokenLength();
    String longest = "u".repeat(limit);
    String tooLong = "u".repeat(limit + 1);

    put(longest, STORE, item("k", 0, "v"));
    assertThat(get(longest, STORE, "k")).isEqualTo(item("k", 1, "v"));
    KeyspaceSnapshot before = snapshot(longest, STORE);

    expectError(ErrorCode.INVALID_REQUEST_EXCEPTION, () -> put(tooLong, STORE, item("k", 0, "v")));
    expectError(ErrorCode.INVALID_REQUEST_EXCEPTION, () -> get(tooLong, STORE, "k"));
    expectError(
        ErrorCode.INVALID_REQUEST_EXCEPTION, () -> deleteObject(tooLong, STORE, item("k", -1)));
    expectError(ErrorCode.INVALID_REQUEST_EXCEPTION, () -> list(tooLong, STORE, null, null, null));
    assertThat(storage().get(new Keyspace(tooLong, STORE), "k")).isEmpty();
    assertThat(snapshot(longest, STORE)).isEqualTo(before);
  }

  /**
   * User token and store id never blur into each other: {@code ("ab", "c")} and {@code ("a", "bc")}
   * are different keyspaces, whatever separator an adapter might use.
   */
  @Test
  public void userTokenAndStoreIdBoundariesDoNotBlur() {
    for (String separator : List.of("", ":", "/", "|", "\u0000", "\u0001")) {
      String shortUser = "u" + separator;
      String longUser = "u" + separator + "s";
      put(
          shortUser,
          "s" + separator + "x",
          OptionalLong.of(0),
          List.of(item("k", 0, "short user")),
          List.of());
      put(longUser, separator + "x", item("k", 0, "long user"));

      assertThat(snapshot(shortUser, "s" + separator + "x"))
          .as("separator %s", escape(separator))
          .isEqualTo(
              new KeyspaceSnapshot(
                  1, List.of(new KeyspaceSnapshot.Entry("k", 1, bytes("short user")))));
      assertThat(snapshot(longUser, separator + "x"))
          .as("separator %s", escape(separator))
          .isEqualTo(
              new KeyspaceSnapshot(
                  0, List.of(new KeyspaceSnapshot.Entry("k", 1, bytes("long user")))));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // the Storage SPI

  /** Reads of a keyspace nobody wrote answer nothing, and global version 0. */
  @Test
  public void readsOfAnUnknownKeyspaceAreEmpty() {
    Keyspace unknown = new Keyspace(alice, STORE);

    assertThat(storage().get(unknown, "k")).isEmpty();
    assertThat(storage().globalVersion(unknown)).isZero();
    assertThat(storage().list(unknown, "", Long.MAX_VALUE, 10)).isEmpty();
  }

  /**
   * Creation sequences are positive and store-wide increasing: a new key, in any keyspace, gets a
   * sequence above every earlier one; an update keeps it; a re-create gets a new, higher one.
   */
  @Test
  public void creationSequencesAreStoreWideAndIncreasing() {
    put(alice, STORE, item("first", 0, "v"));
    put(bob, STORE, item("second", 0, "v"));
    put(alice, "", item("third", 0, "v"));
    put(alice, STORE, item("fourth", 0, "v"), item("fifth", 0, "v"));
    long first = sequence(alice, STORE, "first");
    long second = sequence(bob, STORE, "second");
    long third = sequence(alice, "", "third");
    long fourth = sequence(alice, STORE, "fourth");
    long fifth = sequence(alice, STORE, "fifth");
    assertThat(first).isPositive();
    assertThat(List.of(first, second, third, fourth, fifth)).isSorted().doesNotHaveDuplicates();

    put(alice, STORE, item("first", 1, "updated"));
    put(alice, STORE, item("fourth", -1, "reset"));
    assertThat(sequence(alice, STORE, "first")).isEqualTo(first);
    assertThat(sequence(alice, STORE, "fourth")).isEqualTo(fourth);

    deleteObject(alice, STORE, item("first", -1));
    put(alice, STORE, item("first", 0, "re-created"));
    assertThat(sequence(alice, STORE, "first")).isGreaterThan(fifth);
  }

  /** {@link Storage#list} honours the literal prefix, the exclusive bound and the limit. */
  @Test
  public void storageListHonoursPrefixBoundAndLimit() {
    put(alice, STORE, item("a1", 0, "v"), item("b1", 0, "v"), item("a2", 0, "v"));
    put(alice, STORE, item("a_", 0, "v"), item("a3", 0, "v"));
    Keyspace keyspace = new Keyspace(alice, STORE);
    List<KeyVersion> all = storage().list(keyspace, "", Long.MAX_VALUE, 100);
    assertThat(all).extracting(KeyVersion::key).containsExactly("a3", "a_", "a2", "b1", "a1");
    long boundary = all.get(2).sequence(); // a2

    assertThat(storage().list(keyspace, "a", boundary, 100))
        .extracting(KeyVersion::key)
        .containsExactly("a1");
    assertThat(storage().list(keyspace, "", boundary, 100))
        .extracting(KeyVersion::key)
        .containsExactly("b1", "a1");
    assertThat(storage().list(keyspace, "", Long.MAX_VALUE, 2))
        .extracting(KeyVersion::key)
        .containsExactly("a3", "a_");
    assertThat(storage().list(keyspace, "a_", Long.MAX_VALUE, 100))
        .extracting(KeyVersion::key)
        .containsExactly("a_");
    assertThat(storage().list(keyspace, "", all.get(4).sequence(), 100)).isEmpty();
    assertThat(all).allSatisfy(entry -> assertThat(entry.version()).isEqualTo(1));
  }

  /** A decision's view shows the stored versions and global version; write returns its result. */
  @Test
  public void writeShowsTheDecisionTheCurrentStateAndReturnsItsResult() {
    put(alice, STORE, OptionalLong.of(0), List.of(item("k", 0, "v")), List.of());
    put(alice, STORE, item("k", 1, "v2"));
    KeyspaceSnapshot before = snapshot(alice, STORE);

    String seen =
        storage()
            .write(
                new Keyspace(alice, STORE),
                Set.of("k", "missing"),
                view ->
                    WritePlan.abort(
                        "k="
                            + view.version("k")
                            + " missing="
                            + view.version("missing")
                            + " global="
                            + view.globalVersion()));

    assertThat(seen).isEqualTo("k=OptionalLong[2] missing=OptionalLong.empty global=1");
    assertThat(snapshot(alice, STORE)).isEqualTo(before);
  }

  /**
   * A decision that throws writes nothing and leaves the keyspace usable from another thread (the
   * adapter rolled back and released whatever it held).
   */
  @Test
  public void aDecisionThatThrowsWritesNothingAndReleasesTheKeyspace() throws Exception {
    put(alice, STORE, item("k", 0, "v"));
    KeyspaceSnapshot before = snapshot(alice, STORE);

    assertThatThrownBy(
            () ->
                storage()
                    .write(
                        new Keyspace(alice, STORE),
                        Set.of("k"),
                        view -> {
                          throw new IllegalStateException("decision failed on purpose");
                        }))
        .isInstanceOf(RuntimeException.class);

    assertThat(snapshot(alice, STORE)).isEqualTo(before);
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      Future<?> write = other.submit(() -> put(alice, STORE, item("k", 1, "after")));
      // A generous bound that only a leaked lock (a hang) can exceed; not a speed check.
      write.get(60, TimeUnit.SECONDS);
    } finally {
      other.shutdownNow();
    }
    assertThat(get(alice, STORE, "k")).isEqualTo(item("k", 2, "after"));
  }

  /** An open storage is healthy and has a name for logs. */
  @Test
  public void anOpenStorageIsHealthyAndNamed() {
    storage().checkHealth();

    assertThat(storage().name()).isNotBlank();
  }

  /**
   * Acknowledged writes survive closing and reopening the storage, and creation order continues
   * after the restart (new keys list before old ones). Skipped unless {@link #reopenStorage} is
   * overridden.
   */
  @Test
  public void acknowledgedWritesSurviveAReopen() throws Exception {
    put(alice, STORE, OptionalLong.of(0), List.of(item("a", 0, "1"), item("b", 0, "2")), List.of());
    put(alice, STORE, item("a", 1, "1b"), item("c", 0, "3"));
    deleteObject(alice, STORE, item("b", -1));
    put(bob, "", item("bob", 0, "v"));
    Map<String, KeyspaceSnapshot> before =
        Map.of("alice", snapshot(alice, STORE), "bob", snapshot(bob, ""));

    reopen();

    assertThat(snapshot(alice, STORE)).isEqualTo(before.get("alice"));
    assertThat(snapshot(bob, "")).isEqualTo(before.get("bob"));
    put(alice, STORE, item("d", 0, "after restart"));
    assertThat(snapshot(alice, STORE).keys()).containsExactly("d", "c", "a");
  }

  // ---------------------------------------------------------------------------------------------
  // the page-token secret

  /**
   * {@link Storage#pageTokenSecret()} is 32 bytes, not all zeros, the same on every call, and a
   * copy: changing the returned array changes nothing.
   */
  @Test
  public void pageTokenSecretIsThirtyTwoStableBytes() {
    byte[] secret = storage().pageTokenSecret();
    byte[] expected = secret.clone();

    assertThat(secret).hasSize(PageToken.SECRET_BYTES);
    assertThat(secret).as("an all-zero secret").isNotEqualTo(new byte[PageToken.SECRET_BYTES]);
    secret[0] ^= 1;
    assertThat(storage().pageTokenSecret()).isEqualTo(expected);
    put(alice, STORE, item("k", 0, "v"));
    assertThat(storage().pageTokenSecret()).isEqualTo(expected);
  }

  /**
   * The service authenticates page tokens with this storage's secret: a token for the right listing
   * and position made with another secret is INVALID_REQUEST, while the same token made with the
   * storage's secret continues the listing.
   */
  @Test
  public void pageTokenMadeWithAnotherSecretIsInvalid() {
    put(alice, STORE, item("a", 0, "v"), item("b", 0, "v"), item("c", 0, "v"));
    Keyspace keyspace = new Keyspace(alice, STORE);
    long newest = storage().list(keyspace, "", Long.MAX_VALUE, 1).get(0).sequence();
    String genuine = PageToken.encode(storage().pageTokenSecret(), keyspace, "", newest);
    String forged = PageToken.encode(PageToken.newSecret(), keyspace, "", newest);

    assertThat(keysOf(list(alice, STORE, null, 10, genuine))).containsExactly("b", "a");
    expectInvalidAndNoChange(alice, STORE, () -> list(alice, STORE, null, 10, forged));
  }

  /**
   * The secret is kept with the data: after a reopen it is the same, and a page token issued before
   * the restart continues its listing without skipping or repeating an entry. Skipped unless {@link
   * #reopenStorage} is overridden.
   */
  @Test
  public void pageTokensSurviveAReopen() throws Exception {
    List<String> created = createKeys(alice, STORE, "k", 7);
    byte[] secret = storage().pageTokenSecret();
    ListKeyVersionsResponse first = list(alice, STORE, null, 3, null);
    assertThat(first.getNextPageToken()).isNotEmpty();

    reopen();

    assertThat(storage().pageTokenSecret()).as("the secret after a reopen").isEqualTo(secret);
    List<String> listed = new ArrayList<>(keysOf(first));
    String token = first.getNextPageToken();
    while (!token.isEmpty()) {
      ListKeyVersionsResponse page = list(alice, STORE, null, 3, token);
      listed.addAll(keysOf(page));
      token = page.getNextPageToken();
    }
    List<String> newestFirst = new ArrayList<>(created);
    Collections.reverse(newestFirst);
    assertThat(listed).containsExactlyElementsOf(newestFirst);
  }

  /** Reopens the storage of the current test; skips the test if the storage is not persistent. */
  private void reopen() throws Exception {
    assumeCapability(Capability.REOPENABLE);
    Optional<Storage> reopened = reopenStorage(storage());
    if (reopened.isEmpty()) {
      throw new AssertionError(
          "the storage declares capability REOPENABLE but reopenStorage "
              + "answered empty: override reopenStorage, or leave REOPENABLE out of capabilities()");
    }
    storage = reopened.get();
    service = new VssService(storage, limits());
  }

  private long sequence(String user, String storeId, String key) {
    Function<KeyVersion, String> byKey = KeyVersion::key;
    Map<String, Long> sequences =
        storage()
            .list(new Keyspace(user, storeId), "", Long.MAX_VALUE, limits().maxItemsPerPut())
            .stream()
            .collect(Collectors.toMap(byKey, KeyVersion::sequence));
    assertThat(sequences).as("keys of (%s, %s)", user, storeId).containsKey(key);
    return sequences.get(key);
  }
}
