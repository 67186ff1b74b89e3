package dev.vss.testkit;

import com.google.protobuf.Message;
import dev.vss.core.Keyspace;
import dev.vss.core.VssException;
import dev.vss.core.spi.StoredRecord;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.GetObjectResponse;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.ListKeyVersionsResponse;
import dev.vss.proto.PutObjectRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The state of the model property: an endpoint under test and the reference model, fed the same
 * requests. Every step requires both to answer the same response or the same error code and
 * message. Page tokens differ by design (the model counts sequences per keyspace, adapters
 * store-wide), so a listing compares whether a next page exists and continues each side with its
 * own token.
 *
 * <p>It logs every request it sends, with concrete versions, and a failure message lists them: the
 * chain's step descriptions name version choices ("stored", "wrong"), the log names the numbers
 * that were sent.
 */
final class ModelComparison implements AutoCloseable {
  /** The user tokens the property uses. */
  static final List<String> USERS = List.of("alice", "bob");

  /** The store ids the property uses, including the empty one. */
  static final List<String> STORES = List.of("w", "");

  /** Every keyspace the property touches: USERS x STORES. */
  static final List<Keyspace> KEYSPACES =
      USERS.stream()
          .flatMap(user -> STORES.stream().map(store -> new Keyspace(user, store)))
          .toList();

  /** Stands in for a non-empty next page token when comparing responses. */
  private static final String MORE = "<next page>";

  /** A listing that has not ended after this many pages is a failure, not a long listing. */
  private static final int MAX_PAGES = 1000;

  private final VssEndpoint subject;
  private final ReferenceEndpoint reference;
  private final Runnable release;

  /** Whether error messages must match too, or error codes only. */
  private final boolean exactMessages;

  /** Whether distinct user tokens reach distinct keyspaces; if not, the reference has one user. */
  private final boolean severalUsers;

  private int steps;

  /**
   * The script so far: every request sent, rendered with its concrete versions, followed by what
   * the endpoint answered ({@code -> ok}, {@code -> CONFLICT_EXCEPTION}, ...).
   */
  private final List<String> sent = new ArrayList<>();

  /** How often each outcome occurred ("ok" or an error code), shown when a chain fails. */
  private final Map<String, Integer> outcomes = new TreeMap<>();

  ModelComparison(VssEndpoint subject, ReferenceEndpoint reference, Runnable release) {
    this(subject, reference, release, Capability.all());
  }

  ModelComparison(
      VssEndpoint subject,
      ReferenceEndpoint reference,
      Runnable release,
      Set<Capability> capabilities) {
    this.subject = Objects.requireNonNull(subject, "subject");
    this.reference = Objects.requireNonNull(reference, "reference");
    this.release = Objects.requireNonNull(release, "release");
    this.exactMessages = capabilities.contains(Capability.EXACT_MESSAGES);
    this.severalUsers = capabilities.contains(Capability.SEVERAL_USERS);
  }

  /** The user the reference model answers for {@code user}: itself, or the one user there is. */
  private String referenceUser(String user) {
    return severalUsers ? user : USERS.get(0);
  }

  private Keyspace referenceKeyspace(Keyspace keyspace) {
    return new Keyspace(referenceUser(keyspace.userToken()), keyspace.storeId());
  }

  /** The stored version of {@code key} in the reference, if any. */
  OptionalLong storedVersion(Keyspace keyspace, String key) {
    StoredRecord record = reference.model(referenceKeyspace(keyspace)).records().get(key);
    return record == null ? OptionalLong.empty() : OptionalLong.of(record.version());
  }

  /** The reference's global version of {@code keyspace}. */
  long globalVersion(Keyspace keyspace) {
    return reference.model(referenceKeyspace(keyspace)).globalVersion();
  }

  /** Sends the request to both sides and compares; answers what the endpoint answered. */
  Outcome putObjects(String user, PutObjectRequest request) {
    return compare(
        Describe.put(user, request),
        "putObjects",
        () -> subject.putObjects(user, request),
        () -> reference.putObjects(referenceUser(user), request));
  }

  /** Sends the request to both sides and compares; answers what the endpoint answered. */
  Outcome deleteObject(String user, DeleteObjectRequest request) {
    return compare(
        Describe.delete(user, request),
        "deleteObject",
        () -> subject.deleteObject(user, request),
        () -> reference.deleteObject(referenceUser(user), request));
  }

  /** Sends the request to both sides and compares; answers what the endpoint answered. */
  Outcome getObject(String user, GetObjectRequest request) {
    return compare(
        Describe.get(user, request),
        "getObject",
        () -> subject.getObject(user, request),
        () -> reference.getObject(referenceUser(user), request));
  }

  /**
   * Lists from {@code first} to the last page. Each side follows its own tokens, and every page (or
   * error) must match once tokens are reduced to "is there a next page". Answers what the endpoint
   * answered to the last request.
   */
  Outcome listKeyVersions(String user, ListKeyVersionsRequest first) {
    String step = Describe.list(user, first) + " (all pages)";
    List<String> listed = new ArrayList<>();
    long globalVersion = 0;
    ListKeyVersionsRequest subjectRequest = first;
    ListKeyVersionsRequest referenceRequest = first;
    for (int page = 0; page < MAX_PAGES; page++) {
      ListKeyVersionsRequest subjectPage = subjectRequest;
      ListKeyVersionsRequest referencePage = referenceRequest;
      Outcome actual = Outcome.attempt(() -> subject.listKeyVersions(user, subjectPage));
      Outcome expected =
          Outcome.attempt(() -> reference.listKeyVersions(referenceUser(user), referencePage));
      if (actual.isError() || expected.isError()) {
        record(step + (page > 0 ? " page " + (page + 1) : ""), actual, expected);
        requireEqual("listKeyVersions page " + page, actual, expected);
        count("listKeyVersions", expected);
        return actual;
      }
      ListKeyVersionsResponse actualPage = (ListKeyVersionsResponse) actual.response();
      ListKeyVersionsResponse expectedPage = (ListKeyVersionsResponse) expected.response();
      if (page == 0) {
        globalVersion = actualPage.getGlobalVersion();
      }
      actualPage
          .getKeyVersionsList()
          .forEach(entry -> listed.add(Describe.quote(entry.getKey()) + "@" + entry.getVersion()));
      Outcome actualShown = Outcome.of(withoutToken(actualPage));
      Outcome expectedShown = Outcome.of(withoutToken(expectedPage));
      if (!actualShown.sameCode(expectedShown)) {
        record(step + " page " + (page + 1), actualShown, expectedShown);
      }
      requireEqual("listKeyVersions page " + page, actualShown, expectedShown);
      if (actualPage.getNextPageToken().isEmpty()) {
        sent.add(
            step
                + " -> "
                + (page + 1)
                + (page == 0 ? " page " : " pages ")
                + listed
                + " gv="
                + globalVersion);
        count("listKeyVersions", expected);
        return actual;
      }
      subjectRequest = first.toBuilder().setPageToken(actualPage.getNextPageToken()).build();
      referenceRequest = first.toBuilder().setPageToken(expectedPage.getNextPageToken()).build();
    }
    throw new AssertionError("listing did not end after " + MAX_PAGES + " pages");
  }

  /** Invariant: every keyspace reads back identically from both sides. */
  void requireSameKeyspaces() {
    for (Keyspace keyspace : KEYSPACES) {
      KeyspaceSnapshot actual =
          KeyspaceSnapshot.read(subject, keyspace.userToken(), keyspace.storeId());
      KeyspaceSnapshot expected =
          KeyspaceSnapshot.read(reference, referenceUser(keyspace.userToken()), keyspace.storeId());
      if (!actual.equals(expected)) {
        throw new AssertionError(
            "after "
                + steps
                + " steps, keyspace "
                + describe(keyspace)
                + " reads back differently\n  endpoint:  "
                + actual
                + "\n  reference: "
                + expected
                + sentSoFar());
      }
    }
  }

  @Override
  public void close() {
    release.run();
  }

  /** How often each operation ended in each outcome, such as {@code putObjects CONFLICT...}. */
  Map<String, Integer> outcomes() {
    return Map.copyOf(outcomes);
  }

  @Override
  public String toString() {
    return "ModelComparison{"
        + subject
        + " vs "
        + reference
        + ", "
        + steps
        + " steps "
        + outcomes
        + "}";
  }

  private void count(String operation, Outcome outcome) {
    steps++;
    outcomes.merge(
        operation + " " + (outcome.isError() ? outcome.errorCode() : "ok"), 1, Integer::sum);
  }

  static String describe(Keyspace keyspace) {
    return keyspace.userToken() + "/" + Describe.quote(keyspace.storeId());
  }

  private Outcome compare(
      String step,
      String operation,
      Supplier<? extends Message> actualCall,
      Supplier<? extends Message> expectedCall) {
    Outcome actual = Outcome.attempt(actualCall);
    Outcome expected = Outcome.attempt(expectedCall);
    record(step, actual, expected);
    requireEqual(operation, actual, expected);
    count(operation, expected);
    return actual;
  }

  /** A failure of the step just taken, {@code why}, followed by the steps as a script. */
  AssertionError failure(String why) {
    return new AssertionError(why + " at step " + steps + sentSoFar());
  }

  private void requireEqual(String operation, Outcome actual, Outcome expected) {
    boolean same = exactMessages ? actual.equals(expected) : actual.sameCode(expected);
    if (!same) {
      throw new AssertionError(
          operation
              + " answered differently at step "
              + (steps + 1)
              + "\n  endpoint:  "
              + actual
              + "\n  reference: "
              + expected
              + sentSoFar());
    }
  }

  /**
   * Adds {@code step} to the script with the endpoint's answer, and the reference's where it
   * differs (only the codes are compared unless messages must match exactly).
   */
  private void record(String step, Outcome actual, Outcome expected) {
    boolean same = exactMessages ? actual.equals(expected) : actual.sameCode(expected);
    sent.add(
        step
            + " -> "
            + actual.summary()
            + (same ? "" : "   <-- the reference model answers " + expected.summary()));
  }

  private String sentSoFar() {
    StringBuilder text =
        new StringBuilder(
            "\n  the steps as a script (request with concrete versions -> what the endpoint "
                + "answered):");
    for (int i = 0; i < sent.size(); i++) {
      text.append("\n    ").append(i + 1).append(". ").append(sent.get(i));
    }
    return text.toString();
  }

  private static ListKeyVersionsResponse withoutToken(ListKeyVersionsResponse page) {
    if (!page.hasNextPageToken() || page.getNextPageToken().isEmpty()) {
      return page;
    }
    return page.toBuilder().setNextPageToken(MORE).build();
  }

  /**
   * What one side answered: a response, or an error code with its message.
   *
   * @param response the response, or null on error
   * @param errorCode the error code, or null on success
   * @param message the error message, or null on success
   */
  record Outcome(Message response, ErrorCode errorCode, String message) {
    static Outcome of(Message response) {
      return new Outcome(response, null, null);
    }

    static Outcome attempt(Supplier<? extends Message> call) {
      try {
        return of(call.get());
      } catch (VssException e) {
        return new Outcome(null, e.errorCode(), e.getMessage());
      }
    }

    boolean isError() {
      return errorCode != null;
    }

    /**
     * How the outcome reads in a script line: {@code ok} for an empty response, the record for a
     * get, the keys for a list page, the error code (and message) for an error.
     */
    String summary() {
      if (isError()) {
        return errorCode.name()
            + (message == null || message.isEmpty() ? "" : " (" + message + ")");
      }
      if (response instanceof GetObjectResponse || response instanceof ListKeyVersionsResponse) {
        return Describe.message(response);
      }
      return "ok";
    }

    /** Equal responses, or the same error code whatever the message says. */
    boolean sameCode(Outcome other) {
      return Objects.equals(response, other.response) && errorCode == other.errorCode;
    }

    @Override
    public String toString() {
      return isError()
          ? errorCode + ": " + message
          : response.getClass().getSimpleName() + "{" + Describe.message(response) + "}";
    }
  }
}
