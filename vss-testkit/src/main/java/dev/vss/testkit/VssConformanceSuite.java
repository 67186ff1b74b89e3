package dev.vss.testkit;

import static dev.vss.testkit.Requests.bytes;
import static dev.vss.testkit.Requests.item;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import dev.vss.core.Limits;
import dev.vss.core.VssException;
import dev.vss.core.rules.RequestValidation;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.KeyValue;
import dev.vss.proto.ListKeyVersionsResponse;
import dev.vss.proto.PutObjectRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The VSS conformance scenarios of SPEC section 4, written against a {@link VssEndpoint}.
 *
 * <p>A subclass supplies a fresh endpoint per test ({@link #newEndpoint()}), releases it in {@link
 * #closeEndpoint(VssEndpoint)}, and returns from {@link #limits()} the limits that endpoint
 * enforces. Storage adapters extend {@link StorageConformanceSuite} instead, which builds the
 * endpoint from a {@code Storage}.
 *
 * <p><b>Fresh state.</b> Every test uses two user tokens drawn at random for that test ({@link
 * #alice}, {@link #bob}), so each test starts from empty keyspaces even on an endpoint that cannot
 * be reset, such as a long-running server. An endpoint that maps every token to one user (a server
 * with the development {@code NoAuthorizer}) cannot run this suite: the isolation scenarios need
 * distinct users.
 *
 * <p><b>Reading back.</b> Every scenario whose request must fail takes a {@link KeyspaceSnapshot}
 * before and after the request and requires them to be equal: a failed request changes nothing,
 * not even creation order.
 */
public abstract class VssConformanceSuite {
  /** The limits {@link #limits()} answers unless overridden: SPEC defaults, values up to 2 MiB. */
  public static final Limits CONFORMANCE_LIMITS =
      Limits.DEFAULTS.withMaxValueBytes(2 * 1024 * 1024);

  /** The store id most scenarios use. */
  protected static final String STORE = "wallet";

  /** Largest value the value-limit scenarios send; a bigger limit skips them. */
  private static final int LARGEST_TESTED_VALUE_LIMIT = 8 * 1024 * 1024;

  private static final String GLOBAL_VERSION_KEY = RequestValidation.GLOBAL_VERSION_KEY;

  /** A user token drawn at random for the current test. */
  protected String alice;
  /** A second user token drawn at random for the current test, distinct from {@link #alice}. */
  protected String bob;

  private VssEndpoint endpoint;

  /**
   * A fresh endpoint for one test. Its keyspaces for the suite's random user tokens must be empty.
   *
   * @throws Exception if the endpoint cannot be set up; the test then fails
   */
  protected abstract VssEndpoint newEndpoint() throws Exception;

  /**
   * Releases an endpoint made by {@link #newEndpoint()}; called after each test, also a failed one.
   * Does nothing unless overridden.
   *
   * @throws Exception if releasing fails; the test then fails
   */
  protected void closeEndpoint(VssEndpoint endpoint) throws Exception {}

  /**
   * The limits the endpoint enforces; limit scenarios derive their boundaries from it. Defaults to
   * {@link #CONFORMANCE_LIMITS}.
   */
  protected Limits limits() {
    return CONFORMANCE_LIMITS;
  }

  /**
   * What the endpoint supports; scenarios needing a capability it lacks are skipped with a reason
   * naming it. Defaults to {@link Capability#endpointDefaults()} ({@link Capability#SEVERAL_USERS}).
   */
  protected Set<Capability> capabilities() {
    return Capability.endpointDefaults();
  }

  /** Whether {@link #capabilities()} declares {@code capability}. */
  protected final boolean declares(Capability capability) {
    return capabilities().contains(capability);
  }

  /** Skips the current scenario, naming {@code capability}, unless the endpoint declares it. */
  protected final void assumeCapability(Capability capability) {
    Capability.assume(capabilities(), capability);
  }

  /** The endpoint of the current test. */
  protected final VssEndpoint endpoint() {
    if (endpoint == null) {
      throw new IllegalStateException("no endpoint: the test has not been set up");
    }
    return endpoint;
  }

  /** Opens a fresh endpoint and draws the test's user tokens. */
  @BeforeEach
  public final void openEndpoint() throws Exception {
    alice = "alice-" + UUID.randomUUID();
    bob = "bob-" + UUID.randomUUID();
    endpoint = newEndpoint();
  }

  /** Releases the test's endpoint. */
  @AfterEach
  public final void releaseEndpoint() throws Exception {
    VssEndpoint used = endpoint;
    endpoint = null;
    if (used != null) {
      closeEndpoint(used);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // putObjects: creates, updates, conflicts

  /** Version 0 creates a key; the stored version is 1. */
  @Test
  public void createStoresVersionOne() {
    put(alice, STORE, item("k", 0, "v"));

    assertThat(get(alice, STORE, "k")).isEqualTo(item("k", 1, "v"));
  }

  /** Several items in one put are all created. */
  @Test
  public void createStoresSeveralItemsTogether() {
    put(alice, STORE, item("a", 0, "1"), item("b", 0, "2"), item("c", 0, "3"));

    assertThat(get(alice, STORE, "a")).isEqualTo(item("a", 1, "1"));
    assertThat(get(alice, STORE, "b")).isEqualTo(item("b", 1, "2"));
    assertThat(get(alice, STORE, "c")).isEqualTo(item("c", 1, "3"));
    assertThat(snapshot(alice, STORE).keys()).containsExactlyInAnyOrder("a", "b", "c");
  }

  /** Version n stores n + 1 when the stored version is n. */
  @Test
  public void conditionalPutIncrementsTheVersion() {
    put(alice, STORE, item("k", 0, "v1"));
    put(alice, STORE, item("k", 1, "v2"));
    put(alice, STORE, item("k", 2, "v3"));

    assertThat(get(alice, STORE, "k")).isEqualTo(item("k", 3, "v3"));
  }

  /** Several conditional items in one put all advance. */
  @Test
  public void conditionalPutOfSeveralItemsAdvancesEach() {
    put(alice, STORE, item("a", 0, "a1"), item("b", 0, "b1"));
    put(alice, STORE, item("b", 1, "b2"));

    put(alice, STORE, item("a", 1, "a2"), item("b", 2, "b3"), item("c", 0, "c1"));

    assertThat(get(alice, STORE, "a")).isEqualTo(item("a", 2, "a2"));
    assertThat(get(alice, STORE, "b")).isEqualTo(item("b", 3, "b3"));
    assertThat(get(alice, STORE, "c")).isEqualTo(item("c", 1, "c1"));
  }

  /** Version -1 creates a missing key at version 1. */
  @Test
  public void unconditionalPutCreatesAMissingKey() {
    put(alice, STORE, item("k", -1, "v"));

    assertThat(get(alice, STORE, "k")).isEqualTo(item("k", 1, "v"));
  }

  /** SPEC quirk: version -1 overwrites whatever is stored and resets the version to 1. */
  @Test
  public void unconditionalPutResetsTheVersionToOne() {
    put(alice, STORE, item("k", 0, "v1"));
    put(alice, STORE, item("k", 1, "v2"));
    put(alice, STORE, item("k", 2, "v3"));

    put(alice, STORE, item("k", -1, "v4"));

    assertThat(get(alice, STORE, "k")).isEqualTo(item("k", 1, "v4"));
  }

  /** Version 0 on an existing key conflicts and changes nothing. */
  @Test
  public void createOfAnExistingKeyConflicts() {
    put(alice, STORE, item("k", 0, "original"));

    expectConflictAndNoChange(alice, STORE, putRequest(item("k", 0, "other")));

    assertThat(get(alice, STORE, "k")).isEqualTo(item("k", 1, "original"));
  }

  /** A stale or a future version conflicts and changes nothing. */
  @Test
  public void keyVersionMismatchConflicts() {
    put(alice, STORE, item("k", 0, "v1"));
    put(alice, STORE, item("k", 1, "v2"));

    expectConflictAndNoChange(alice, STORE, putRequest(item("k", 1, "stale")));
    expectConflictAndNoChange(alice, STORE, putRequest(item("k", 3, "ahead")));
    expectConflictAndNoChange(alice, STORE, putRequest(item("k", Long.MAX_VALUE, "far ahead")));

    assertThat(get(alice, STORE, "k")).isEqualTo(item("k", 2, "v2"));
  }

  /** Version n > 0 on a missing key conflicts: there is nothing to compare with. */
  @Test
  public void conditionalPutOfAMissingKeyConflicts() {
    expectConflictAndNoChange(alice, STORE, putRequest(item("k", 1, "v")));

    expectError(ErrorCode.NO_SUCH_KEY_EXCEPTION, () -> get(alice, STORE, "k"));
  }

  /** One mismatching item fails the whole put: no other item is written. */
  @Test
  public void multiItemPutWithOneMismatchChangesNothing() {
    put(alice, STORE, item("a", 0, "a1"), item("b", 0, "b1"));

    expectConflictAndNoChange(alice, STORE,
        putRequest(item("a", 1, "a2"), item("c", 0, "c1"), item("b", 7, "b2")));

    assertThat(get(alice, STORE, "a")).isEqualTo(item("a", 1, "a1"));
    assertThat(get(alice, STORE, "b")).isEqualTo(item("b", 1, "b1"));
    expectError(ErrorCode.NO_SUCH_KEY_EXCEPTION, () -> get(alice, STORE, "c"));
  }

  /** A global version that is not the stored one conflicts and writes nothing. */
  @Test
  public void globalVersionMismatchConflicts() {
    expectConflictAndNoChange(alice, STORE, putRequest(OptionalLong.of(1), item("k", 0, "v")));

    put(alice, STORE, OptionalLong.of(0), List.of(item("k", 0, "v")), List.of());
    assertThat(globalVersion(alice, STORE)).isEqualTo(1);

    expectConflictAndNoChange(alice, STORE, putRequest(OptionalLong.of(0), item("j", 0, "v")));
    expectConflictAndNoChange(alice, STORE, putRequest(OptionalLong.of(2), item("j", 0, "v")));
    expectError(ErrorCode.NO_SUCH_KEY_EXCEPTION, () -> get(alice, STORE, "j"));
  }

  /** Puts that carry no global version never change it: it stays 0. */
  @Test
  public void putWithoutGlobalVersionLeavesItAtZero() {
    put(alice, STORE, item("a", 0, "1"));
    put(alice, STORE, item("a", 1, "2"), item("b", -1, "3"));

    assertThat(globalVersion(alice, STORE)).isZero();
    assertThat(get(alice, STORE, GLOBAL_VERSION_KEY).getVersion()).isZero();
  }

  /** Each successful put carrying the global version adds exactly one to it; others add nothing. */
  @Test
  public void globalVersionIncrementsByExactlyOnePerPutThatCarriesIt() {
    for (int i = 0; i < 10; i++) {
      put(alice, STORE, OptionalLong.of(i), List.of(item("k" + i, 0, "v")), List.of());
      assertThat(globalVersion(alice, STORE)).isEqualTo(i + 1);

      put(alice, STORE, item("other" + i, 0, "v"));
      assertThat(globalVersion(alice, STORE)).isEqualTo(i + 1);
    }
  }

  /** A put with no items but a global version only advances the global version. */
  @Test
  public void putWithOnlyAGlobalVersionAdvancesIt() {
    put(alice, STORE, OptionalLong.of(0), List.of(), List.of());
    put(alice, STORE, OptionalLong.of(1), List.of(), List.of());

    KeyspaceSnapshot after = snapshot(alice, STORE);
    assertThat(after.globalVersion()).isEqualTo(2);
    assertThat(after.entries()).isEmpty();
  }

  /** A put with no items and no global version succeeds and changes nothing. */
  @Test
  public void emptyPutChangesNothing() {
    put(alice, STORE, item("k", 0, "v"));
    KeyspaceSnapshot before = snapshot(alice, STORE);

    put(alice, STORE, OptionalLong.empty(), List.of(), List.of());

    assertThat(snapshot(alice, STORE)).isEqualTo(before);
  }

  // ---------------------------------------------------------------------------------------------
  // putObjects: transaction items and delete items are one atomic unit

  /** Writes and deletes of one put commit together. */
  @Test
  public void putAndDeleteItemsCommitTogether() {
    put(alice, STORE, item("a", 0, "a1"), item("b", 0, "b1"));
    put(alice, STORE, item("b", 1, "b2"));

    put(alice, STORE, OptionalLong.of(0),
        List.of(item("c", 0, "c1")), List.of(item("a", 1), item("b", -1)));

    KeyspaceSnapshot after = snapshot(alice, STORE);
    assertThat(after.keys()).containsExactly("c");
    assertThat(after.globalVersion()).isEqualTo(1);
  }

  /** A delete item with a mismatching version fails the put: its writes are not applied. */
  @Test
  public void aMismatchingDeleteItemFailsThePut() {
    put(alice, STORE, item("a", 0, "a1"));

    expectConflictAndNoChange(alice, STORE,
        putRequest(OptionalLong.empty(), List.of(item("b", 0, "b1")), List.of(item("a", 5))));

    assertThat(get(alice, STORE, "a")).isEqualTo(item("a", 1, "a1"));
    expectError(ErrorCode.NO_SUCH_KEY_EXCEPTION, () -> get(alice, STORE, "b"));
  }

  /** A delete item of a missing key fails the put, even when unconditional. */
  @Test
  public void aDeleteItemOfAMissingKeyFailsThePut() {
    put(alice, STORE, item("a", 0, "a1"));

    expectConflictAndNoChange(alice, STORE,
        putRequest(OptionalLong.empty(), List.of(item("b", 0, "b1")), List.of(item("ghost", -1))));
    expectConflictAndNoChange(alice, STORE,
        putRequest(OptionalLong.empty(), List.of(item("a", 1, "a2")), List.of(item("ghost", 0))));

    expectError(ErrorCode.NO_SUCH_KEY_EXCEPTION, () -> get(alice, STORE, "b"));
    assertThat(get(alice, STORE, "a")).isEqualTo(item("a", 1, "a1"));
  }

  /** A mismatching transaction item fails the put: its delete items are not applied. */
  @Test
  public void aMismatchingPutItemFailsTheDeleteItems() {
    put(alice, STORE, item("a", 0, "a1"), item("b", 0, "b1"));

    expectConflictAndNoChange(alice, STORE,
        putRequest(OptionalLong.empty(), List.of(item("a", 9, "a2")), List.of(item("b", 1))));

    assertThat(get(alice, STORE, "b")).isEqualTo(item("b", 1, "b1"));
  }

  /** A global version mismatch fails both the writes and the deletes of a put. */
  @Test
  public void aGlobalVersionMismatchFailsPutAndDeleteItems() {
    put(alice, STORE, item("a", 0, "a1"));

    expectConflictAndNoChange(alice, STORE,
        putRequest(OptionalLong.of(5), List.of(item("b", 0, "b1")), List.of(item("a", 1))));

    assertThat(get(alice, STORE, "a")).isEqualTo(item("a", 1, "a1"));
    expectError(ErrorCode.NO_SUCH_KEY_EXCEPTION, () -> get(alice, STORE, "b"));
  }

  /** A delete item with version -1 removes the key whatever its version. */
  @Test
  public void unconditionalDeleteItemRemovesAnyVersion() {
    put(alice, STORE, item("a", 0, "a1"));
    put(alice, STORE, item("a", 1, "a2"));
    put(alice, STORE, item("a", 2, "a3"));

    put(alice, STORE, OptionalLong.empty(), List.of(), List.of(item("a", -1)));

    expectError(ErrorCode.NO_SUCH_KEY_EXCEPTION, () -> get(alice, STORE, "a"));
  }

  // ---------------------------------------------------------------------------------------------
  // creation order

  /** An update (conditional or unconditional) keeps the key's place in the listing. */
  @Test
  public void updateKeepsTheCreationPosition() {
    put(alice, STORE, item("a", 0, "1"));
    put(alice, STORE, item("b", 0, "1"));
    put(alice, STORE, item("c", 0, "1"));

    put(alice, STORE, item("a", 1, "2"));
    put(alice, STORE, item("b", -1, "2"));

    assertThat(snapshot(alice, STORE).keys()).containsExactly("c", "b", "a");
  }

  /** Deleting and re-creating a key moves it to the front: it gets a new creation position. */
  @Test
  public void reCreateMovesTheKeyToTheFront() {
    put(alice, STORE, item("a", 0, "1"));
    put(alice, STORE, item("b", 0, "1"));
    put(alice, STORE, item("c", 0, "1"));

    deleteObject(alice, STORE, item("a", 1));
    put(alice, STORE, item("a", 0, "again"));

    assertThat(snapshot(alice, STORE).keys()).containsExactly("a", "c", "b");
    assertThat(get(alice, STORE, "a")).isEqualTo(item("a", 1, "again"));
  }

  // ---------------------------------------------------------------------------------------------
  // deleteObject

  /** deleteObject with the stored version deletes the key. */
  @Test
  public void conditionalDeleteRemovesTheKey() {
    put(alice, STORE, item("k", 0, "v1"));
    put(alice, STORE, item("k", 1, "v2"));

    deleteObject(alice, STORE, item("k", 2));

    expectError(ErrorCode.NO_SUCH_KEY_EXCEPTION, () -> get(alice, STORE, "k"));
    assertThat(snapshot(alice, STORE).entries()).isEmpty();
  }

  /** deleteObject with version -1 deletes the key whatever its version. */
  @Test
  public void unconditionalDeleteRemovesTheKey() {
    put(alice, STORE, item("k", 0, "v1"));
    put(alice, STORE, item("k", 1, "v2"));

    deleteObject(alice, STORE, item("k", -1));

    expectError(ErrorCode.NO_SUCH_KEY_EXCEPTION, () -> get(alice, STORE, "k"));
  }

  /** deleteObject with a version that is not stored succeeds and deletes nothing. */
  @Test
  public void deleteWithAMismatchedVersionDeletesNothingAndSucceeds() {
    put(alice, STORE, item("k", 0, "v1"));
    put(alice, STORE, item("k", 1, "v2"));
    KeyspaceSnapshot before = snapshot(alice, STORE);

    deleteObject(alice, STORE, item("k", 1));
    deleteObject(alice, STORE, item("k", 3));
    deleteObject(alice, STORE, item("k", 0));

    assertThat(snapshot(alice, STORE)).isEqualTo(before);
    assertThat(get(alice, STORE, "k")).isEqualTo(item("k", 2, "v2"));
  }

  /** deleteObject of a key that never existed succeeds. */
  @Test
  public void deleteOfAMissingKeySucceeds() {
    put(alice, STORE, item("other", 0, "v"));
    KeyspaceSnapshot before = snapshot(alice, STORE);

    deleteObject(alice, STORE, item("ghost", -1));
    deleteObject(alice, STORE, item("ghost", 1));

    assertThat(snapshot(alice, STORE)).isEqualTo(before);
  }

  /** Repeating a deleteObject succeeds every time. */
  @Test
  public void deleteIsIdempotent() {
    put(alice, STORE, item("k", 0, "v"), item("other", 0, "v"));

    deleteObject(alice, STORE, item("k", 1));
    deleteObject(alice, STORE, item("k", 1));
    deleteObject(alice, STORE, item("k", -1));

    assertThat(snapshot(alice, STORE).keys()).containsExactly("other");
  }

  /** deleteObject never touches the global version. */
  @Test
  public void deleteLeavesTheGlobalVersionAlone() {
    put(alice, STORE, OptionalLong.of(0), List.of(item("k", 0, "v")), List.of());

    deleteObject(alice, STORE, item("k", -1));

    assertThat(globalVersion(alice, STORE)).isEqualTo(1);
  }

  /** deleteObject without key_value is INVALID_REQUEST. */
  @Test
  public void deleteWithoutKeyValueIsInvalid() {
    put(alice, STORE, item("k", 0, "v"));

    expectInvalidAndNoChange(alice, STORE, () -> endpoint().deleteObject(alice,
        DeleteObjectRequest.newBuilder().setStoreId(STORE).build()));
  }

  // ---------------------------------------------------------------------------------------------
  // getObject

  /** getObject of a key that does not exist is NO_SUCH_KEY. */
  @Test
  public void getOfAMissingKeyIsNoSuchKey() {
    put(alice, STORE, item("other", 0, "v"));

    expectErrorAndNoChange(ErrorCode.NO_SUCH_KEY_EXCEPTION, alice, STORE,
        () -> get(alice, STORE, "k"));
  }

  /** getObject answers the key, its value and its version. */
  @Test
  public void getReturnsValueAndVersion() {
    put(alice, STORE, item("k", 0, "v1"), item("empty", 0, ""));
    put(alice, STORE, item("k", 1, "v2"));

    assertThat(get(alice, STORE, "k")).isEqualTo(item("k", 2, "v2"));
    assertThat(get(alice, STORE, "empty")).isEqualTo(item("empty", 1, ""));
  }

  /** A deleted key is NO_SUCH_KEY again. */
  @Test
  public void getOfADeletedKeyIsNoSuchKey() {
    put(alice, STORE, item("k", 0, "v"));
    deleteObject(alice, STORE, item("k", 1));

    expectError(ErrorCode.NO_SUCH_KEY_EXCEPTION, () -> get(alice, STORE, "k"));
  }

  // ---------------------------------------------------------------------------------------------
  // the reserved key global_version

  /** getObject of global_version answers the global version with an empty value, 0 when unset. */
  @Test
  public void getOfTheReservedKeyAnswersTheGlobalVersion() {
    assertThat(get(alice, STORE, GLOBAL_VERSION_KEY)).isEqualTo(item(GLOBAL_VERSION_KEY, 0));

    put(alice, STORE, OptionalLong.of(0), List.of(item("k", 0, "v")), List.of());
    put(alice, STORE, OptionalLong.of(1), List.of(), List.of());

    assertThat(get(alice, STORE, GLOBAL_VERSION_KEY)).isEqualTo(item(GLOBAL_VERSION_KEY, 2));
  }

  /** The reserved key can be neither written nor deleted, by either operation. */
  @Test
  public void writingOrDeletingTheReservedKeyIsInvalid() {
    put(alice, STORE, OptionalLong.of(0), List.of(item("k", 0, "v")), List.of());

    expectInvalidAndNoChange(alice, STORE, putRequest(item(GLOBAL_VERSION_KEY, -1, "v")));
    expectInvalidAndNoChange(alice, STORE, putRequest(item(GLOBAL_VERSION_KEY, 0, "v")));
    expectInvalidAndNoChange(alice, STORE, putRequest(OptionalLong.empty(),
        List.of(item("j", 0, "v")), List.of(item(GLOBAL_VERSION_KEY, -1))));
    expectInvalidAndNoChange(alice, STORE,
        () -> deleteObject(alice, STORE, item(GLOBAL_VERSION_KEY, -1)));
    expectInvalidAndNoChange(alice, STORE,
        () -> deleteObject(alice, STORE, item(GLOBAL_VERSION_KEY, 1)));
  }

  /** Keys that merely resemble the reserved key are ordinary keys; listing never shows it. */
  @Test
  public void listingNeverShowsTheReservedKey() {
    put(alice, STORE, OptionalLong.of(0),
        List.of(item("global_version_2", 0, "v"), item("global", 0, "v")), List.of());

    assertThat(snapshot(alice, STORE).keys()).containsExactly("global", "global_version_2");
    assertThat(listAll(alice, STORE, "global_version", null).keys())
        .containsExactly("global_version_2");
  }

  // ---------------------------------------------------------------------------------------------
  // listKeyVersions

  /** An empty keyspace lists nothing, with global version 0 and an empty next token. */
  @Test
  public void listOfAnEmptyKeyspace() {
    ListKeyVersionsResponse page = list(alice, STORE, null, null, null);

    assertThat(page.getKeyVersionsList()).isEmpty();
    assertThat(page.getNextPageToken()).isEmpty();
    assertThat(page.hasGlobalVersion()).isTrue();
    assertThat(page.getGlobalVersion()).isZero();
  }

  /**
   * 1000 keys list across pages, newest creation first, each exactly once; only the first page
   * carries the global version.
   */
  @Test
  public void listsAThousandKeysAcrossPages() {
    List<String> created = createKeys(alice, STORE, "key-", 1000);
    put(alice, STORE, OptionalLong.of(0), List.of(), List.of());
    put(alice, STORE, OptionalLong.of(1), List.of(), List.of());

    Listing listing = listAll(alice, STORE, null, null);

    assertThat(listing.keys()).containsExactlyElementsOf(reversed(created));
    assertThat(listing.globalVersion()).isEqualTo(2);
    assertThat(listing.pages()).hasSizeGreaterThan(1);
    assertThat(listing.pages()).allSatisfy(page ->
        assertThat(page.getKeyVersionsCount()).isLessThanOrEqualTo(limits().defaultPageSize()));
  }

  /** A prefix filters the listing; the page size bounds each page. */
  @Test
  public void listFiltersByPrefixAndHonoursThePageSize() {
    put(alice, STORE, item("a1", 0, "v"), item("b1", 0, "v"));
    put(alice, STORE, item("a2", 0, "v"), item("ab", 0, "v"));
    put(alice, STORE, item("b2", 0, "v"), item("a3", 0, "v"));
    put(alice, STORE, item("ba", 0, "v"));

    Listing listing = listAll(alice, STORE, "a", 2);

    assertThat(listing.keys()).containsExactly("a3", "ab", "a2", "a1");
    assertThat(listing.pages()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(listing.pages()).allSatisfy(page ->
        assertThat(page.getKeyVersionsCount()).isLessThanOrEqualTo(2));
  }

  /** Listed entries carry key and version but no value. */
  @Test
  public void listedEntriesCarryVersionsButNoValues() {
    put(alice, STORE, item("a", 0, "value a"));
    put(alice, STORE, item("a", 1, "value a2"), item("b", 0, "value b"));

    ListKeyVersionsResponse page = list(alice, STORE, null, null, null);

    assertThat(page.getKeyVersionsList()).containsExactly(item("b", 1), item("a", 2));
  }

  /** The first page answers global version 0 when no put ever carried one. */
  @Test
  public void listReportsZeroGlobalVersionWhenUnused() {
    put(alice, STORE, item("k", 0, "v"));

    ListKeyVersionsResponse page = list(alice, STORE, null, null, null);

    assertThat(page.hasGlobalVersion()).isTrue();
    assertThat(page.getGlobalVersion()).isZero();
  }

  /** An unset page size uses the server default. */
  @Test
  public void unsetPageSizeUsesTheDefault() {
    createKeys(alice, STORE, "k", limits().defaultPageSize() + 3);

    ListKeyVersionsResponse page = list(alice, STORE, null, null, null);

    assertThat(page.getKeyVersionsCount()).isEqualTo(limits().defaultPageSize());
    assertThat(page.getNextPageToken()).isNotEmpty();
  }

  /** A page size above the server maximum is capped to it. */
  @Test
  public void pageSizeIsCappedAtTheMaximum() {
    int max = limits().maxPageSize();
    createKeys(alice, STORE, "k", max + 5);

    ListKeyVersionsResponse page = list(alice, STORE, null, max + 1, null);
    ListKeyVersionsResponse huge = list(alice, STORE, null, Integer.MAX_VALUE, null);

    assertThat(page.getKeyVersionsCount()).isEqualTo(max);
    assertThat(page.getNextPageToken()).isNotEmpty();
    assertThat(huge.getKeyVersionsCount()).isEqualTo(max);
    assertThat(listAll(alice, STORE, null, Integer.MAX_VALUE).keys()).hasSize(max + 5);
  }

  /** Newest creation first, whatever the keys' names or update history. */
  @Test
  public void listOrdersNewestCreationFirst() {
    put(alice, STORE, item("m", 0, "v"));
    put(alice, STORE, item("z", 0, "v"));
    put(alice, STORE, item("a", 0, "v"));
    put(alice, STORE, item("m", 1, "v2"));

    assertThat(listAll(alice, STORE, null, null).keys()).containsExactly("a", "z", "m");
  }

  /** Creation order holds across pages of a prefix listing; keys of one put keep their order. */
  @Test
  public void creationOrderHoldsAcrossPagesWithAPrefix() {
    put(alice, STORE, item("p1", 0, "v"), item("q1", 0, "v"), item("p2", 0, "v"));
    put(alice, STORE, item("q2", 0, "v"));
    put(alice, STORE, item("p3", 0, "v"));
    put(alice, STORE, item("q3", 0, "v"), item("p4", 0, "v"));
    put(alice, STORE, item("p5", 0, "v"));

    assertThat(listAll(alice, STORE, "p", 2).keys())
        .containsExactly("p5", "p4", "p3", "p2", "p1");
    assertThat(listAll(alice, STORE, "p", 1).keys())
        .containsExactly("p5", "p4", "p3", "p2", "p1");
    assertThat(listAll(alice, STORE, "q", 2).keys()).containsExactly("q3", "q2", "q1");
  }

  /**
   * The prefix is literal: characters that are wildcards or escapes elsewhere ({@code %}, {@code
   * _}, {@code \}, {@code [}, {@code *}, ...) match only themselves.
   */
  @ParameterizedTest(name = "prefix character {0}")
  @ValueSource(strings = {"_", "%", "\\", "[", "]", "*", "?", ".", "^", "$", "'", "\"", "(",
      "|", "+", "{", "#", "!", "~", "/", ":", "-", ";", " "})
  public void listPrefixIsLiteral(String special) {
    String prefix = "x" + special;
    List<KeyValue> others = new ArrayList<>(List.of(item("x" + special + "1", 0, "v"),
        item("xa1", 0, "v"), item("x1", 0, "v"), item("x", 0, "v"), item("y" + special, 0, "v"),
        item("X" + special + "2", 0, "v")));
    if (!special.equals("\\")) {
      // What an adapter escaping wildcards with a backslash might wrongly match.
      others.add(item("x\\" + special, 0, "v"));
    }
    put(alice, STORE, others, OptionalLong.empty());
    put(alice, STORE, item(prefix, 0, "v"), item("x" + special + special, 0, "v"));

    assertThat(listAll(alice, STORE, prefix, null).keys())
        .containsExactly("x" + special + special, prefix, "x" + special + "1");
  }

  /** Prefixes compare exactly: case matters and a longer prefix than a key does not match it. */
  @Test
  public void listPrefixIsCaseSensitiveAndExact() {
    put(alice, STORE, item("apple", 0, "v"), item("Apple", 0, "v"), item("APPLE", 0, "v"),
        item("app", 0, "v"));

    assertThat(listAll(alice, STORE, "a", null).keys()).containsExactly("app", "apple");
    assertThat(listAll(alice, STORE, "A", null).keys()).containsExactly("APPLE", "Apple");
    assertThat(listAll(alice, STORE, "apple", null).keys()).containsExactly("apple");
    assertThat(listAll(alice, STORE, "apples", null).keys()).isEmpty();
    assertThat(listAll(alice, STORE, "", null).keys()).hasSize(4);
  }

  /** A negative page size is INVALID_REQUEST. */
  @Test
  public void negativePageSizeIsInvalid() {
    put(alice, STORE, item("k", 0, "v"));

    expectInvalidAndNoChange(alice, STORE, () -> list(alice, STORE, null, -1, null));
    expectInvalidAndNoChange(alice, STORE,
        () -> list(alice, STORE, null, Integer.MIN_VALUE, null));
  }

  /** Page size 0 answers no entries and an empty next token (and the global version). */
  @Test
  public void pageSizeZeroAnswersNothingWithAnEmptyToken() {
    put(alice, STORE, OptionalLong.of(0), List.of(item("k", 0, "v")), List.of());

    ListKeyVersionsResponse page = list(alice, STORE, null, 0, null);

    assertThat(page.getKeyVersionsList()).isEmpty();
    assertThat(page.getNextPageToken()).isEmpty();
    assertThat(page.getGlobalVersion()).isEqualTo(1);
  }

  /** A page token the server did not issue is INVALID_REQUEST. */
  @Test
  public void undecodablePageTokenIsInvalid() {
    put(alice, STORE, item("k", 0, "v"));

    expectInvalidAndNoChange(alice, STORE, () -> list(alice, STORE, null, null, "garbage!"));
    expectInvalidAndNoChange(alice, STORE, () -> list(alice, STORE, null, 10, "~~~~"));
  }

  /**
   * A page token is valid only for the listing that issued it: used by another user, for another
   * store id or with another prefix it is INVALID_REQUEST, never a silently wrong page, even where
   * that listing has entries at the same place.
   */
  @Test
  public void pageTokenIsBoundToItsListing() {
    for (String user : List.of(alice, bob)) {
      for (String storeId : List.of(STORE, "other")) {
        put(user, storeId, item("k1", 0, "v"), item("k2", 0, "v"), item("k3", 0, "v"));
      }
    }
    String token = list(alice, STORE, null, 1, null).getNextPageToken();
    String prefixed = list(alice, STORE, "k", 1, null).getNextPageToken();
    assertThat(token).isNotEmpty();
    assertThat(prefixed).isNotEmpty();
    // Each token is good for its own listing, so a rejection below is about the binding.
    assertThat(keysOf(list(alice, STORE, null, 1, token))).containsExactly("k2");
    assertThat(keysOf(list(alice, STORE, "k", 1, prefixed))).containsExactly("k2");

    if (declares(Capability.SEVERAL_USERS)) {
      expectInvalidAndNoChange(bob, STORE, () -> list(bob, STORE, null, 1, token));
      expectInvalidAndNoChange(bob, STORE, () -> list(bob, STORE, "k", 1, prefixed));
    }
    expectInvalidAndNoChange(alice, "other", () -> list(alice, "other", null, 1, token));
    expectInvalidAndNoChange(alice, "", () -> list(alice, "", null, 1, token));
    expectInvalidAndNoChange(alice, STORE, () -> list(alice, STORE, "k", 1, token));
    expectInvalidAndNoChange(alice, STORE, () -> list(alice, STORE, null, 1, prefixed));
    expectInvalidAndNoChange(alice, STORE, () -> list(alice, STORE, "k1", 1, prefixed));
  }

  /** A page token with any one character changed, cut short or extended is INVALID_REQUEST. */
  @Test
  public void alteredPageTokenIsInvalid() {
    put(alice, STORE, item("k1", 0, "v"), item("k2", 0, "v"), item("k3", 0, "v"));
    String token = list(alice, STORE, null, 1, null).getNextPageToken();
    assertThat(token).isNotEmpty();
    KeyspaceSnapshot before = snapshot(alice, STORE);

    for (int i = 0; i < token.length(); i++) {
      char replacement = token.charAt(i) == 'A' ? 'B' : 'A';
      String altered = token.substring(0, i) + replacement + token.substring(i + 1);
      expectError(ErrorCode.INVALID_REQUEST_EXCEPTION, () -> list(alice, STORE, null, 1, altered));
    }
    expectError(ErrorCode.INVALID_REQUEST_EXCEPTION,
        () -> list(alice, STORE, null, 1, token.substring(0, token.length() - 1)));
    expectError(ErrorCode.INVALID_REQUEST_EXCEPTION,
        () -> list(alice, STORE, null, 1, token + "A"));
    assertThat(snapshot(alice, STORE)).isEqualTo(before);
  }

  /**
   * Records that exist for the whole listing appear exactly once even when others are created,
   * updated, deleted and re-created between pages.
   */
  @Test
  public void listingNeverSkipsOrRepeatsARecordThatExistedThroughout() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String key = String.format("k%02d", i);
      put(alice, STORE, item(key, 0, "v"));
      keys.add(key);
    }
    ListKeyVersionsResponse first = list(alice, STORE, null, 5, null);
    assertThat(first.getNextPageToken()).isNotEmpty();
    List<String> listed = new ArrayList<>(keysOf(first));

    deleteObject(alice, STORE, item("k18", -1));
    put(alice, STORE, item("k18", 0, "re-created"));
    deleteObject(alice, STORE, item("k10", -1));
    put(alice, STORE, item("k05", 1, "updated"), item("new", 0, "v"));
    put(alice, STORE, item("k17", -1, "reset"));
    String token = first.getNextPageToken();
    while (!token.isEmpty()) {
      ListKeyVersionsResponse page = list(alice, STORE, null, 5, token);
      assertThat(page.hasGlobalVersion()).as("global_version on a later page").isFalse();
      listed.addAll(keysOf(page));
      token = page.getNextPageToken();
    }

    Set<String> throughout = new HashSet<>(keys);
    throughout.removeAll(Set.of("k18", "k10"));
    assertThat(listed).doesNotHaveDuplicates().containsAll(throughout);
  }

  // ---------------------------------------------------------------------------------------------
  // validation and limits

  /** Keys across transaction_items must be distinct. */
  @Test
  public void duplicateKeysWithinTransactionItemsAreInvalid() {
    put(alice, STORE, item("k", 0, "v"));

    expectInvalidAndNoChange(alice, STORE, putRequest(item("a", 0, "1"), item("a", 0, "2")));
    expectInvalidAndNoChange(alice, STORE, putRequest(item("k", 1, "1"), item("k", -1, "2")));
  }

  /** Keys must be distinct across transaction_items and delete_items, and within delete_items. */
  @Test
  public void duplicateKeysAcrossTransactionAndDeleteItemsAreInvalid() {
    put(alice, STORE, item("k", 0, "v"), item("j", 0, "v"));

    expectInvalidAndNoChange(alice, STORE, putRequest(OptionalLong.empty(),
        List.of(item("k", 1, "new")), List.of(item("k", 1))));
    expectInvalidAndNoChange(alice, STORE, putRequest(OptionalLong.empty(),
        List.of(), List.of(item("j", 1), item("j", -1))));
  }

  /** Empty keys are INVALID_REQUEST for every operation. */
  @Test
  public void emptyKeyIsInvalid() {
    put(alice, STORE, item("k", 0, "v"));

    expectInvalidAndNoChange(alice, STORE, putRequest(item("", 0, "v")));
    expectInvalidAndNoChange(alice, STORE,
        putRequest(OptionalLong.empty(), List.of(), List.of(item("", -1))));
    expectInvalidAndNoChange(alice, STORE, () -> get(alice, STORE, ""));
    expectInvalidAndNoChange(alice, STORE, () -> deleteObject(alice, STORE, item("", -1)));
  }

  /** Versions below -1 are INVALID_REQUEST in every item. */
  @Test
  public void versionsBelowMinusOneAreInvalid() {
    put(alice, STORE, item("k", 0, "v"));

    for (long version : new long[] {-2, Long.MIN_VALUE}) {
      expectInvalidAndNoChange(alice, STORE, putRequest(item("k", version, "v")));
      expectInvalidAndNoChange(alice, STORE,
          putRequest(OptionalLong.empty(), List.of(), List.of(item("k", version))));
      expectInvalidAndNoChange(alice, STORE,
          () -> deleteObject(alice, STORE, item("k", version)));
    }
  }

  /** Exactly the item limit passes; one more, counted across both lists, is INVALID_REQUEST. */
  @Test
  public void itemLimitIsInclusive() {
    int limit = limits().maxItemsPerPut();
    put(alice, STORE, item("existing", 0, "v"));
    List<KeyValue> creates = IntStream.range(0, limit)
        .mapToObj(i -> item("item-" + i, 0, "v")).toList();

    expectInvalidAndNoChange(alice, STORE, putRequest(OptionalLong.empty(),
        concat(creates, List.of(item("one-more", 0, "v"))), List.of()));
    expectInvalidAndNoChange(alice, STORE, putRequest(OptionalLong.empty(),
        creates, List.of(item("existing", 1))));

    put(alice, STORE, OptionalLong.empty(), creates.subList(1, limit),
        List.of(item("existing", 1)));
    put(alice, STORE, OptionalLong.empty(), List.of(creates.get(0)), List.of());
    assertThat(snapshot(alice, STORE).entries()).hasSize(limit);
  }

  /** A key of exactly the limit (in characters, not UTF-16 units) passes; one more is invalid. */
  @Test
  public void keyLengthLimitIsInclusive() {
    int limit = limits().maxKeyLength();
    String longest = "k".repeat(limit);
    String longestWide = "\uD83D\uDD11".repeat(limit); // limit characters, 2 * limit UTF-16 units
    String tooLong = "k".repeat(limit + 1);

    put(alice, STORE, item(longest, 0, "a"), item(longestWide, 0, "b"));
    assertThat(get(alice, STORE, longest)).isEqualTo(item(longest, 1, "a"));
    assertThat(get(alice, STORE, longestWide)).isEqualTo(item(longestWide, 1, "b"));
    assertThat(listAll(alice, STORE, longest, null).keys()).containsExactly(longest);

    expectInvalidAndNoChange(alice, STORE, putRequest(item(tooLong, 0, "v")));
    expectInvalidAndNoChange(alice, STORE,
        putRequest(OptionalLong.empty(), List.of(), List.of(item(tooLong, -1))));
    expectInvalidAndNoChange(alice, STORE, () -> get(alice, STORE, tooLong));
    expectInvalidAndNoChange(alice, STORE, () -> deleteObject(alice, STORE, item(tooLong, -1)));
    expectInvalidAndNoChange(alice, STORE, () -> list(alice, STORE, tooLong, null, null));
  }

  /** A store id of exactly the limit passes; one more is invalid for every operation. */
  @Test
  public void storeIdLengthLimitIsInclusive() {
    int limit = limits().maxStoreIdLength();
    String longest = "s".repeat(limit);
    String tooLong = "s".repeat(limit + 1);

    put(alice, longest, item("k", 0, "v"));
    assertThat(get(alice, longest, "k")).isEqualTo(item("k", 1, "v"));
    assertThat(snapshot(alice, longest).keys()).containsExactly("k");

    KeyspaceSnapshot before = snapshot(alice, longest);
    expectError(ErrorCode.INVALID_REQUEST_EXCEPTION,
        () -> put(alice, tooLong, item("k", -1, "v")));
    expectError(ErrorCode.INVALID_REQUEST_EXCEPTION, () -> get(alice, tooLong, "k"));
    expectError(ErrorCode.INVALID_REQUEST_EXCEPTION,
        () -> deleteObject(alice, tooLong, item("k", -1)));
    expectError(ErrorCode.INVALID_REQUEST_EXCEPTION, () -> list(alice, tooLong, null, null, null));
    assertThat(snapshot(alice, longest)).isEqualTo(before);
  }

  /** A value of exactly the byte limit passes; one more byte is invalid. */
  @Test
  public void valueSizeLimitIsInclusive() {
    int limit = limits().maxValueBytes();
    assumeTrue(limit <= LARGEST_TESTED_VALUE_LIMIT,
        "value limit " + limit + " is too large to test quickly; override limits() to test it");
    ByteString largest = randomBytes(limit, 7);

    put(alice, STORE, item("k", 0, largest));
    assertThat(get(alice, STORE, "k").getValue()).isEqualTo(largest);

    ByteString tooLarge = largest.concat(ByteString.copyFrom(new byte[] {1}));
    expectInvalidAndNoChange(alice, STORE, putRequest(item("k", 1, tooLarge)));
    expectInvalidAndNoChange(alice, STORE, putRequest(item("other", 0, tooLarge)));
  }

  // ---------------------------------------------------------------------------------------------
  // keyspace isolation

  /** Two users naming the same store id never see each other's records or global version. */
  @Test
  public void usersAreIsolatedInTheSameStore() {
    assumeCapability(Capability.SEVERAL_USERS);
    put(alice, STORE, OptionalLong.of(0), List.of(item("k", 0, "alice's")), List.of());

    expectError(ErrorCode.NO_SUCH_KEY_EXCEPTION, () -> get(bob, STORE, "k"));
    assertThat(snapshot(bob, STORE).isEmpty()).isTrue();

    put(bob, STORE, OptionalLong.of(0), List.of(item("k", 0, "bob's")), List.of());
    put(bob, STORE, item("k", 1, "bob's 2"));
    deleteObject(bob, STORE, item("k", -1));
    put(bob, STORE, item("only-bob", 0, "v"));

    assertThat(snapshot(alice, STORE)).isEqualTo(new KeyspaceSnapshot(1,
        List.of(new KeyspaceSnapshot.Entry("k", 1, bytes("alice's")))));
    assertThat(snapshot(bob, STORE)).isEqualTo(new KeyspaceSnapshot(1,
        List.of(new KeyspaceSnapshot.Entry("only-bob", 1, bytes("v")))));
  }

  /** Store ids of one user, including the empty one, are separate keyspaces. */
  @Test
  public void storeIdsAreIsolatedIncludingTheEmptyOne() {
    put(alice, "", OptionalLong.of(0), List.of(item("k", 0, "empty store")), List.of());
    put(alice, STORE, item("k", 0, "wallet"), item("w", 0, "v"));
    put(alice, STORE + "2", OptionalLong.of(0), List.of(item("k", 0, "wallet2")), List.of());
    put(alice, STORE + "2", OptionalLong.of(1), List.of(), List.of());

    assertThat(snapshot(alice, "")).isEqualTo(new KeyspaceSnapshot(1,
        List.of(new KeyspaceSnapshot.Entry("k", 1, bytes("empty store")))));
    assertThat(snapshot(alice, STORE).keys()).containsExactlyInAnyOrder("k", "w");
    assertThat(snapshot(alice, STORE).globalVersion()).isZero();
    assertThat(snapshot(alice, STORE + "2").globalVersion()).isEqualTo(2);
    assertThat(get(alice, STORE + "2", "k")).isEqualTo(item("k", 1, "wallet2"));

    deleteObject(alice, "", item("k", -1));
    assertThat(get(alice, STORE, "k")).isEqualTo(item("k", 1, "wallet"));
    if (declares(Capability.SEVERAL_USERS)) {
      assertThat(snapshot(bob, "").isEmpty()).isTrue();
    }
  }

  /**
   * Store id and key never blur into each other: an adapter that joins them into one string must
   * still tell {@code ("ab", "c")} from {@code ("a", "bc")}.
   */
  @Test
  public void storeIdAndKeyBoundariesDoNotBlur() {
    for (String separator : List.of("", ":", "/", "|", "\u0000", "\u0001", "\uFFFF")) {
      String shortStore = "s" + separator;
      String longStore = "s" + separator + "x";
      put(alice, shortStore, item("x" + separator + "k", 0, "short store"));
      put(alice, longStore, item(separator + "k", 0, "long store"));

      assertThat(snapshot(alice, shortStore).keys()).as("store %s", escape(shortStore))
          .containsExactly("x" + separator + "k");
      assertThat(snapshot(alice, longStore).keys()).as("store %s", escape(longStore))
          .containsExactly(separator + "k");
      assertThat(get(alice, shortStore, "x" + separator + "k").getValue())
          .isEqualTo(bytes("short store"));
      assertThat(get(alice, longStore, separator + "k").getValue())
          .isEqualTo(bytes("long store"));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // values and keys

  /** A 1 MiB value round trips byte for byte. */
  @Test
  public void largeValueRoundTrips() {
    int size = 1024 * 1024;
    assumeTrue(limits().maxValueBytes() >= size, "the value limit is below 1 MiB");
    ByteString value = randomBytes(size, 42);

    put(alice, STORE, item("large", 0, value));
    put(alice, STORE, item("large", 1, value.substring(1).concat(value.substring(0, 1))));

    assertThat(get(alice, STORE, "large"))
        .isEqualTo(item("large", 2, value.substring(1).concat(value.substring(0, 1))));
  }

  /** Empty values and values holding every byte value round trip. */
  @Test
  public void binaryValuesRoundTrip() {
    byte[] everyByte = new byte[256];
    for (int i = 0; i < everyByte.length; i++) {
      everyByte[i] = (byte) i;
    }
    put(alice, STORE, item("empty", 0, ByteString.EMPTY),
        item("bytes", 0, ByteString.copyFrom(everyByte)));

    assertThat(get(alice, STORE, "empty")).isEqualTo(item("empty", 1, ByteString.EMPTY));
    assertThat(get(alice, STORE, "bytes"))
        .isEqualTo(item("bytes", 1, ByteString.copyFrom(everyByte)));
  }

  /** Non-ASCII keys (multi-byte, astral, combining, right-to-left) round trip and list. */
  @Test
  public void unicodeKeysRoundTrip() {
    List<String> keys = List.of("ключ", "键", "\uD83D\uDD11", "\uD83D\uDD11\uD83D\uDD12",
        "e\u0301", "\u00e9", "مفتاح", "\uFEFFbom", "ü", "u");
    for (int i = 0; i < keys.size(); i++) {
      put(alice, STORE, item(keys.get(i), 0, "value " + i));
    }

    for (int i = 0; i < keys.size(); i++) {
      assertThat(get(alice, STORE, keys.get(i))).isEqualTo(item(keys.get(i), 1, "value " + i));
    }
    assertThat(snapshot(alice, STORE).keys()).containsExactlyElementsOf(reversed(keys));
    assertThat(listAll(alice, STORE, "\uD83D\uDD11", null).keys())
        .containsExactly("\uD83D\uDD11\uD83D\uDD12", "\uD83D\uDD11");
    assertThat(listAll(alice, STORE, "e", null).keys()).containsExactly("e\u0301");
    assertThat(listAll(alice, STORE, "u", null).keys()).containsExactly("u");
  }

  /** Keys and store ids holding control characters, NUL included, round trip. */
  @Test
  public void controlCharactersRoundTrip() {
    List<String> keys = List.of("\u0000", "a\u0000b", "a\u0000", "\t", "line\nbreak", "\r",
        "\u007f", "\u001b[0m");
    put(alice, "store\u0000id", keys.stream().map(k -> item(k, 0, escape(k))).toList(),
        OptionalLong.empty());

    for (String key : keys) {
      assertThat(get(alice, "store\u0000id", key)).as("key %s", escape(key))
          .isEqualTo(item(key, 1, escape(key)));
    }
    assertThat(snapshot(alice, "store\u0000id").keys()).containsExactlyElementsOf(reversed(keys));
    assertThat(listAll(alice, "store\u0000id", "a\u0000", null).keys())
        .containsExactly("a\u0000", "a\u0000b");
    assertThat(snapshot(alice, "store").isEmpty()).isTrue();
  }

  // ---------------------------------------------------------------------------------------------
  // helpers for subclasses and scenarios

  /** A put of {@code items} as transaction items, without a global version. */
  protected static PutObjectRequest putRequest(KeyValue... items) {
    return Requests.put("", OptionalLong.empty(), List.of(items), List.of());
  }

  /** A put of {@code items} as transaction items carrying {@code globalVersion}. */
  protected static PutObjectRequest putRequest(OptionalLong globalVersion, KeyValue... items) {
    return Requests.put("", globalVersion, List.of(items), List.of());
  }

  /** A put with transaction items, delete items and an optional global version. */
  protected static PutObjectRequest putRequest(OptionalLong globalVersion,
      List<KeyValue> transactionItems, List<KeyValue> deleteItems) {
    return Requests.put("", globalVersion, transactionItems, deleteItems);
  }

  /** Puts {@code items} as transaction items into {@code (user, storeId)}; fails on any error. */
  protected void put(String user, String storeId, KeyValue... items) {
    put(user, storeId, OptionalLong.empty(), List.of(items), List.of());
  }

  /** Puts {@code items} with an optional global version; fails on any error. */
  protected void put(String user, String storeId, List<KeyValue> items,
      OptionalLong globalVersion) {
    put(user, storeId, globalVersion, items, List.of());
  }

  /** Puts transaction and delete items with an optional global version; fails on any error. */
  protected void put(String user, String storeId, OptionalLong globalVersion,
      List<KeyValue> transactionItems, List<KeyValue> deleteItems) {
    endpoint().putObjects(user,
        Requests.put(storeId, globalVersion, transactionItems, deleteItems));
  }

  /** getObject of {@code key}: the key, version and value. */
  protected KeyValue get(String user, String storeId, String key) {
    return endpoint().getObject(user, Requests.get(storeId, key)).getValue();
  }

  /** deleteObject of {@code target} (key and version). */
  protected void deleteObject(String user, String storeId, KeyValue target) {
    endpoint().deleteObject(user, Requests.delete(storeId, target));
  }

  /** One listKeyVersions page; null arguments are left unset. */
  protected ListKeyVersionsResponse list(String user, String storeId, String prefix,
      Integer pageSize, String pageToken) {
    return endpoint().listKeyVersions(user,
        Requests.list(storeId, prefix, pageSize, pageToken));
  }

  /** The global version as the first list page reports it. */
  protected long globalVersion(String user, String storeId) {
    return list(user, storeId, null, 0, null).getGlobalVersion();
  }

  /** The whole keyspace as a client reads it; see {@link KeyspaceSnapshot#read}. */
  protected KeyspaceSnapshot snapshot(String user, String storeId) {
    return KeyspaceSnapshot.read(endpoint(), user, storeId);
  }

  /**
   * Every page of a listing, checking the page protocol on the way: only the first page carries
   * the global version, every page but the last has a non-empty next token, and no key repeats.
   *
   * @param prefix the key prefix, or null for none
   * @param pageSize the page size, or null for the server default
   */
  protected Listing listAll(String user, String storeId, String prefix, Integer pageSize) {
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
      assertThat(listing.keys()).as("keys listed for prefix %s", escape(prefix))
          .allSatisfy(key -> assertThat(key).startsWith(prefix));
    }
    return listing;
  }

  /**
   * Creates {@code count} keys {@code prefix + index} in index order (batched by the item limit)
   * and returns them in creation order.
   */
  protected List<String> createKeys(String user, String storeId, String prefix, int count) {
    List<String> keys = IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
    int batch = limits().maxItemsPerPut();
    for (int from = 0; from < count; from += batch) {
      List<KeyValue> items = keys.subList(from, Math.min(count, from + batch)).stream()
          .map(key -> item(key, 0, "v")).toList();
      put(user, storeId, items, OptionalLong.empty());
    }
    return keys;
  }

  /** Asserts that {@code call} fails with {@code code} and returns the failure. */
  protected static VssException expectError(ErrorCode code, ThrowingCallable call) {
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
  protected void expectConflictAndNoChange(String user, String storeId, PutObjectRequest request) {
    PutObjectRequest scoped = request.toBuilder().setStoreId(storeId).build();
    expectErrorAndNoChange(ErrorCode.CONFLICT_EXCEPTION, user, storeId,
        () -> endpoint().putObjects(user, scoped));
  }

  /**
   * Sends {@code request} (its store id is replaced by {@code storeId}), expects INVALID_REQUEST,
   * and requires the keyspace to read back unchanged.
   */
  protected void expectInvalidAndNoChange(String user, String storeId, PutObjectRequest request) {
    PutObjectRequest scoped = request.toBuilder().setStoreId(storeId).build();
    expectErrorAndNoChange(ErrorCode.INVALID_REQUEST_EXCEPTION, user, storeId,
        () -> endpoint().putObjects(user, scoped));
  }

  /** Runs {@code call}, expects INVALID_REQUEST, requires {@code (user, storeId)} unchanged. */
  protected void expectInvalidAndNoChange(String user, String storeId, ThrowingCallable call) {
    expectErrorAndNoChange(ErrorCode.INVALID_REQUEST_EXCEPTION, user, storeId, call);
  }

  /** Runs {@code call}, expects {@code code}, requires {@code (user, storeId)} unchanged. */
  protected void expectErrorAndNoChange(ErrorCode code, String user, String storeId,
      ThrowingCallable call) {
    KeyspaceSnapshot before = snapshot(user, storeId);
    expectError(code, call);
    assertThat(snapshot(user, storeId)).as("keyspace after a failed request").isEqualTo(before);
  }

  /** Deterministic pseudo-random bytes. */
  protected static ByteString randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return ByteString.copyFrom(bytes);
  }

  /** {@code s} with control characters and non-ASCII shown as Java escapes, for messages. */
  protected static String escape(String s) {
    return s.codePoints().mapToObj(c -> c >= 0x20 && c < 0x7f
            ? Character.toString(c) : String.format("\\u%04x", c))
        .collect(Collectors.joining("", "\"", "\""));
  }

  /** The keys of one list page, in page order. */
  protected static List<String> keysOf(ListKeyVersionsResponse page) {
    return page.getKeyVersionsList().stream().map(KeyValue::getKey).toList();
  }

  private static <T> List<T> reversed(List<T> list) {
    List<T> copy = new ArrayList<>(list);
    Collections.reverse(copy);
    return copy;
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /**
   * All pages of one listing.
   *
   * @param pages the pages in order
   */
  protected record Listing(List<ListKeyVersionsResponse> pages) {
    /** Copies the pages. */
    public Listing {
      pages = List.copyOf(pages);
    }

    /** Every listed key, in listing order. */
    public List<String> keys() {
      return pages.stream().flatMap(p -> p.getKeyVersionsList().stream())
          .map(KeyValue::getKey).toList();
    }

    /** The global version of the first page. */
    public long globalVersion() {
      return pages.get(0).getGlobalVersion();
    }
  }
}
