package dev.vss.testkit;

import com.google.protobuf.ByteString;
import dev.vss.core.Keyspace;
import dev.vss.core.Limits;
import dev.vss.core.rules.RequestValidation;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.PutObjectRequest;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.Transformer;

/**
 * The actions of the model property. Writes choose, for each item, to match the stored version,
 * mismatch it, create or go unconditional; the choice is resolved against the reference model when
 * the step runs (never when it is generated, because jqwik replays generated steps on other states
 * while shrinking). So a good share of writes succeed and the keyspaces grow, shrinking keeps each
 * step's meaning, and every request is still compared whatever its outcome.
 */
final class ModelActions {
  /**
   * The key pool: prefixes of each other, SQL {@code LIKE} wildcards and escapes, upper case and a
   * non-ASCII letter, so literal-prefix and case-sensitivity bugs show up in listings.
   */
  static final List<String> KEYS = List.of("a", "ab", "a_b", "a%", "B\\", "\u00fc");

  /** Prefixes to list with: hits, misses, wildcards and case variants. */
  static final List<String> PREFIXES =
      List.of("", "a", "a_", "a%", "ab", "A", "b", "B", "B\\", "\u00fc", "u", "z", "_", "%");

  private ModelActions() {}

  /** How a request version relates to the stored one. */
  enum VersionChoice {
    /** The stored version (0, a create, when the key is missing). */
    MATCHING,
    /** -1. */
    UNCONDITIONAL,
    /** 0. */
    CREATE,
    /** A version that is not stored. */
    MISMATCH;

    /** How the choice reads in a step description. */
    String label() {
      return switch (this) {
        case MATCHING -> "stored";
        case UNCONDITIONAL -> "-1";
        case CREATE -> "0";
        case MISMATCH -> "wrong";
      };
    }

    long forWrite(OptionalLong stored) {
      return switch (this) {
        case MATCHING -> stored.orElse(0);
        case UNCONDITIONAL -> -1;
        case CREATE -> 0;
        case MISMATCH -> stored.isPresent() ? stored.getAsLong() + 1 : 1;
      };
    }

    long forDelete(OptionalLong stored) {
      return switch (this) {
        case MATCHING -> stored.orElse(1);
        case UNCONDITIONAL -> -1;
        case CREATE -> 0;
        case MISMATCH -> stored.orElse(0) + 1;
      };
    }
  }

  /** How a put's global version relates to the stored one. */
  enum GlobalVersionChoice {
    ABSENT,
    MATCHING,
    MISMATCH
  }

  /** One item of a put before versions are resolved. */
  record ItemChoice(String key, boolean delete, VersionChoice version, String value) {}

  static Arbitrary<Keyspace> keyspaces() {
    // Uneven weights let one keyspace fill up while the others still see traffic.
    return Arbitraries.frequency(
        Tuple.of(5, ModelComparison.KEYSPACES.get(0)),
        Tuple.of(2, ModelComparison.KEYSPACES.get(1)),
        Tuple.of(2, ModelComparison.KEYSPACES.get(2)),
        Tuple.of(1, ModelComparison.KEYSPACES.get(3)));
  }

  static Arbitrary<VersionChoice> versionChoices() {
    return Arbitraries.frequency(
        Tuple.of(8, VersionChoice.MATCHING),
        Tuple.of(2, VersionChoice.UNCONDITIONAL),
        Tuple.of(1, VersionChoice.CREATE),
        Tuple.of(1, VersionChoice.MISMATCH));
  }

  static Arbitrary<String> values(Limits limits) {
    return Arbitraries.strings().withChars("xyz").ofMaxLength(Math.min(3, limits.maxValueBytes()));
  }

  /**
   * putObjects with up to min(4, item limit) distinct keys, some as delete items. Versions are
   * chosen as relations ("the stored one", "a wrong one") and resolved against the reference when
   * the step runs, so a shrunk chain keeps the meaning of each step.
   */
  static final class Put implements Action.Independent<ModelComparison> {
    private final Limits limits;

    Put(Limits limits) {
      this.limits = limits;
    }

    @Override
    public Arbitrary<Transformer<ModelComparison>> transformer() {
      Arbitrary<ItemChoice> item =
          Combinators.combine(
                  Arbitraries.of(KEYS),
                  Arbitraries.frequency(Tuple.of(5, false), Tuple.of(1, true)),
                  versionChoices(),
                  values(limits))
              .as(ItemChoice::new);
      // Mostly 1 to 4 items; an empty put (which may still carry a global version) now and then.
      Arbitrary<List<ItemChoice>> items =
          Arbitraries.frequencyOf(
              Tuple.of(1, Arbitraries.just(List.<ItemChoice>of())),
              Tuple.of(
                  12,
                  item.list()
                      .ofMinSize(1)
                      .ofMaxSize(Math.min(4, limits.maxItemsPerPut()))
                      .uniqueElements(ItemChoice::key)));
      Arbitrary<GlobalVersionChoice> globalVersion =
          Arbitraries.frequency(
              Tuple.of(5, GlobalVersionChoice.ABSENT),
              Tuple.of(4, GlobalVersionChoice.MATCHING),
              Tuple.of(1, GlobalVersionChoice.MISMATCH));
      return Combinators.combine(keyspaces(), items, globalVersion)
          .as(
              (keyspace, choices, gv) ->
                  Transformer.mutate(
                      describe(keyspace, choices, gv),
                      comparison ->
                          comparison.putObjects(
                              keyspace.userToken(), resolve(comparison, keyspace, choices, gv))));
    }

    private static PutObjectRequest resolve(
        ModelComparison state,
        Keyspace keyspace,
        List<ItemChoice> choices,
        GlobalVersionChoice globalVersion) {
      PutObjectRequest.Builder request =
          PutObjectRequest.newBuilder().setStoreId(keyspace.storeId());
      for (ItemChoice choice : choices) {
        OptionalLong stored = state.storedVersion(keyspace, choice.key());
        if (choice.delete()) {
          request.addDeleteItems(
              KeyValue.newBuilder()
                  .setKey(choice.key())
                  .setVersion(choice.version().forDelete(stored)));
        } else {
          request.addTransactionItems(
              KeyValue.newBuilder()
                  .setKey(choice.key())
                  .setVersion(choice.version().forWrite(stored))
                  .setValue(ByteString.copyFromUtf8(choice.value())));
        }
      }
      long current = state.globalVersion(keyspace);
      switch (globalVersion) {
        case MATCHING -> request.setGlobalVersion(current);
        case MISMATCH -> request.setGlobalVersion(current > 0 ? current - 1 : current + 1);
        case ABSENT -> {}
      }
      return request.build();
    }

    private static String describe(
        Keyspace keyspace, List<ItemChoice> choices, GlobalVersionChoice globalVersion) {
      StringBuilder text =
          new StringBuilder("put ")
              .append(ModelComparison.describe(keyspace))
              .append(" [")
              .append(
                  choices.stream()
                      .filter(c -> !c.delete())
                      .map(
                          c ->
                              Describe.quote(c.key())
                                  + "@"
                                  + c.version().label()
                                  + "="
                                  + Describe.quote(c.value()))
                      .collect(Collectors.joining(", ")))
              .append(']');
      List<ItemChoice> deletes = choices.stream().filter(ItemChoice::delete).toList();
      if (!deletes.isEmpty()) {
        text.append(" del [")
            .append(
                deletes.stream()
                    .map(c -> Describe.quote(c.key()) + "@" + c.version().label())
                    .collect(Collectors.joining(", ")))
            .append(']');
      }
      switch (globalVersion) {
        case MATCHING -> text.append(" gv=stored");
        case MISMATCH -> text.append(" gv=wrong");
        case ABSENT -> {}
      }
      return text.toString();
    }
  }

  /** deleteObject of a pool key with a matching, unconditional or mismatching version. */
  static final class Delete implements Action.Independent<ModelComparison> {
    @Override
    public Arbitrary<Transformer<ModelComparison>> transformer() {
      return Combinators.combine(keyspaces(), Arbitraries.of(KEYS), versionChoices())
          .as(
              (keyspace, key, choice) ->
                  Transformer.mutate(
                      "delete "
                          + ModelComparison.describe(keyspace)
                          + " "
                          + Describe.quote(key)
                          + "@"
                          + choice.label(),
                      comparison -> {
                        long version = choice.forDelete(comparison.storedVersion(keyspace, key));
                        comparison.deleteObject(
                            keyspace.userToken(),
                            Requests.delete(
                                keyspace.storeId(),
                                KeyValue.newBuilder().setKey(key).setVersion(version).build()));
                      }));
    }
  }

  /** getObject of a pool key, a key never written, or the reserved global_version key. */
  static final class Get implements Action.Independent<ModelComparison> {
    @Override
    public Arbitrary<Transformer<ModelComparison>> transformer() {
      Arbitrary<String> keys =
          Arbitraries.frequencyOf(
              Tuple.of(8, Arbitraries.of(KEYS)),
              Tuple.of(1, Arbitraries.just("never-written")),
              Tuple.of(2, Arbitraries.just(RequestValidation.GLOBAL_VERSION_KEY)));
      return Combinators.combine(keyspaces(), keys)
          .as(
              (keyspace, key) -> {
                GetObjectRequest request = Requests.get(keyspace.storeId(), key);
                return Transformer.mutate(
                    Describe.get(keyspace.userToken(), request),
                    comparison -> comparison.getObject(keyspace.userToken(), request));
              });
    }
  }

  /** A whole paginated listing with a random prefix (or none) and page size (or none). */
  static final class ListAll implements Action.Independent<ModelComparison> {
    @Override
    public Arbitrary<Transformer<ModelComparison>> transformer() {
      Arbitrary<Integer> pageSizes =
          Arbitraries.frequencyOf(
              Tuple.of(3, Arbitraries.just((Integer) null)),
              Tuple.of(1, Arbitraries.just(0)),
              Tuple.of(6, Arbitraries.integers().between(1, 4)),
              Tuple.of(1, Arbitraries.just(1000)));
      return Combinators.combine(keyspaces(), Arbitraries.of(PREFIXES).injectNull(0.3), pageSizes)
          .as(
              (keyspace, prefix, pageSize) -> {
                ListKeyVersionsRequest request =
                    Requests.list(keyspace.storeId(), prefix, pageSize, null);
                return Transformer.mutate(
                    Describe.list(keyspace.userToken(), request),
                    comparison -> comparison.listKeyVersions(keyspace.userToken(), request));
              });
    }
  }

  /** Requests every implementation must reject as INVALID_REQUEST with the same message. */
  static final class Invalid implements Action.Independent<ModelComparison> {
    private final Limits limits;

    Invalid(Limits limits) {
      this.limits = limits;
    }

    /**
     * The largest value limit for which an over-limit value is generated: a value one byte over a
     * limit such as the SPEC default of 64 MiB would be allocated for every generated step (the
     * black-box runner's property runs with the server's default limits). The conformance scenarios
     * test the value limit instead.
     */
    private static final int LARGEST_GENERATED_VALUE_LIMIT = 1024 * 1024;

    @Override
    public Arbitrary<Transformer<ModelComparison>> transformer() {
      List<Kind> kinds =
          Arrays.stream(Kind.values())
              .filter(
                  kind ->
                      kind != Kind.VALUE_TOO_LARGE
                          || limits.maxValueBytes() <= LARGEST_GENERATED_VALUE_LIMIT)
              .toList();
      return Combinators.combine(keyspaces(), Arbitraries.of(kinds))
          .as((keyspace, kind) -> kind.transformer(keyspace, limits));
    }

    enum Kind {
      DUPLICATE_TRANSACTION_KEYS,
      DUPLICATE_ACROSS_ITEM_LISTS,
      RESERVED_KEY_WRITE,
      RESERVED_KEY_DELETE_ITEM,
      RESERVED_KEY_DELETE_OBJECT,
      VERSION_BELOW_MINUS_ONE,
      VALUE_TOO_LARGE,
      TOO_MANY_ITEMS,
      KEY_TOO_LONG,
      EMPTY_KEY,
      STORE_ID_TOO_LONG,
      DELETE_WITHOUT_KEY_VALUE,
      NEGATIVE_PAGE_SIZE,
      UNDECODABLE_PAGE_TOKEN,
      PREFIX_TOO_LONG;

      Transformer<ModelComparison> transformer(Keyspace keyspace, Limits limits) {
        String user = keyspace.userToken();
        String store = keyspace.storeId();
        String reserved = RequestValidation.GLOBAL_VERSION_KEY;
        return switch (this) {
          case DUPLICATE_TRANSACTION_KEYS ->
              put(
                  user,
                  PutObjectRequest.newBuilder()
                      .setStoreId(store)
                      .addTransactionItems(write("a", -1, "x"))
                      .addTransactionItems(write("a", 0, "y"))
                      .build());
          case DUPLICATE_ACROSS_ITEM_LISTS ->
              put(
                  user,
                  PutObjectRequest.newBuilder()
                      .setStoreId(store)
                      .addTransactionItems(write("a", -1, "x"))
                      .addDeleteItems(target("a", -1))
                      .build());
          case RESERVED_KEY_WRITE ->
              put(
                  user,
                  PutObjectRequest.newBuilder()
                      .setStoreId(store)
                      .addTransactionItems(write(reserved, -1, "x"))
                      .build());
          case RESERVED_KEY_DELETE_ITEM ->
              put(
                  user,
                  PutObjectRequest.newBuilder()
                      .setStoreId(store)
                      .addDeleteItems(target(reserved, -1))
                      .build());
          case RESERVED_KEY_DELETE_OBJECT ->
              delete(user, Requests.delete(store, target(reserved, -1)));
          case VERSION_BELOW_MINUS_ONE ->
              put(
                  user,
                  PutObjectRequest.newBuilder()
                      .setStoreId(store)
                      .addTransactionItems(write("a", -2, "x"))
                      .build());
          case VALUE_TOO_LARGE ->
              put(
                  user,
                  PutObjectRequest.newBuilder()
                      .setStoreId(store)
                      .addTransactionItems(
                          KeyValue.newBuilder()
                              .setKey("a")
                              .setVersion(-1)
                              .setValue(ByteString.copyFrom(new byte[limits.maxValueBytes() + 1])))
                      .build());
          case TOO_MANY_ITEMS ->
              put(
                  user,
                  PutObjectRequest.newBuilder()
                      .setStoreId(store)
                      .addAllTransactionItems(
                          IntStream.rangeClosed(0, limits.maxItemsPerPut())
                              .mapToObj(i -> write("k" + i, -1, "x"))
                              .toList())
                      .build());
          case KEY_TOO_LONG ->
              put(
                  user,
                  PutObjectRequest.newBuilder()
                      .setStoreId(store)
                      .addTransactionItems(write("k".repeat(limits.maxKeyLength() + 1), -1, "x"))
                      .build());
          case EMPTY_KEY -> get(user, Requests.get(store, ""));
          case STORE_ID_TOO_LONG ->
              get(user, Requests.get("s".repeat(limits.maxStoreIdLength() + 1), "a"));
          case DELETE_WITHOUT_KEY_VALUE ->
              delete(user, DeleteObjectRequest.newBuilder().setStoreId(store).build());
          case NEGATIVE_PAGE_SIZE -> list(user, Requests.list(store, null, -1, null));
          case UNDECODABLE_PAGE_TOKEN -> list(user, Requests.list(store, null, 2, "garbage!"));
          case PREFIX_TOO_LONG ->
              list(user, Requests.list(store, "p".repeat(limits.maxKeyLength() + 1), null, null));
        };
      }

      private static KeyValue write(String key, long version, String value) {
        return KeyValue.newBuilder()
            .setKey(key)
            .setVersion(version)
            .setValue(ByteString.copyFromUtf8(value))
            .build();
      }

      private static KeyValue target(String key, long version) {
        return KeyValue.newBuilder().setKey(key).setVersion(version).build();
      }

      private static Transformer<ModelComparison> put(String user, PutObjectRequest request) {
        return Transformer.mutate(
            "invalid " + Describe.put(user, request),
            comparison -> comparison.putObjects(user, request));
      }

      private static Transformer<ModelComparison> delete(String user, DeleteObjectRequest request) {
        return Transformer.mutate(
            "invalid " + Describe.delete(user, request),
            comparison -> comparison.deleteObject(user, request));
      }

      private static Transformer<ModelComparison> get(String user, GetObjectRequest request) {
        return Transformer.mutate(
            "invalid " + Describe.get(user, request),
            comparison -> comparison.getObject(user, request));
      }

      private static Transformer<ModelComparison> list(
          String user, ListKeyVersionsRequest request) {
        return Transformer.mutate(
            "invalid " + Describe.list(user, request),
            comparison -> comparison.listKeyVersions(user, request));
      }
    }
  }

  /**
   * Requests with an unpaired UTF-16 surrogate in a key, a delete item, a key prefix, a store id or
   * (with several users) the user token: both sides must answer INVALID_REQUEST, and the endpoint
   * is required to, not only to agree with the reference. Only for endpoints that declare {@link
   * Capability#IN_PROCESS}: over HTTP protobuf's encoder sends {@code '?'} instead.
   */
  static final class LoneSurrogate implements Action.Independent<ModelComparison> {
    /** High and low surrogates alone, at either end, and the first half of a pair. */
    static final List<String> LONE = List.of("a\uD800", "\uDC00", "ab\uDE00", "\uD83D");

    private final boolean severalUsers;

    LoneSurrogate(boolean severalUsers) {
      this.severalUsers = severalUsers;
    }

    /** Where the lone surrogate goes: a put key, a delete item, a get or delete key, ... */
    enum Where {
      KEY,
      DELETE_ITEM,
      GET_KEY,
      DELETE_OBJECT_KEY,
      PREFIX,
      STORE_ID,
      USER_TOKEN
    }

    @Override
    public Arbitrary<Transformer<ModelComparison>> transformer() {
      List<Where> places =
          Arrays.stream(Where.values())
              .filter(where -> where != Where.USER_TOKEN || severalUsers)
              .toList();
      return Combinators.combine(keyspaces(), Arbitraries.of(places), Arbitraries.of(LONE))
          .as(
              (keyspace, where, lone) -> {
                String user =
                    where == Where.USER_TOKEN ? keyspace.userToken() + lone : keyspace.userToken();
                String store =
                    where == Where.STORE_ID ? keyspace.storeId() + lone : keyspace.storeId();
                String key =
                    switch (where) {
                      case KEY, DELETE_ITEM, GET_KEY, DELETE_OBJECT_KEY -> lone;
                      default -> "a";
                    };
                return Transformer.mutate(
                    "lone surrogate in "
                        + where.name().toLowerCase()
                        + ": "
                        + Describe.quote(lone)
                        + " via "
                        + Describe.quote(user)
                        + "/"
                        + Describe.quote(store),
                    comparison -> {
                      ModelComparison.Outcome answered =
                          switch (where) {
                            case KEY, STORE_ID, USER_TOKEN ->
                                comparison.putObjects(
                                    user,
                                    Requests.put(
                                        store,
                                        OptionalLong.empty(),
                                        List.of(
                                            KeyValue.newBuilder()
                                                .setKey(key)
                                                .setVersion(-1)
                                                .setValue(ByteString.copyFromUtf8("x"))
                                                .build()),
                                        List.of()));
                            case DELETE_ITEM ->
                                comparison.putObjects(
                                    user,
                                    Requests.put(
                                        store,
                                        OptionalLong.empty(),
                                        List.of(),
                                        List.of(
                                            KeyValue.newBuilder()
                                                .setKey(key)
                                                .setVersion(-1)
                                                .build())));
                            case GET_KEY -> comparison.getObject(user, Requests.get(store, key));
                            case DELETE_OBJECT_KEY ->
                                comparison.deleteObject(
                                    user,
                                    Requests.delete(
                                        store,
                                        KeyValue.newBuilder().setKey(key).setVersion(-1).build()));
                            case PREFIX ->
                                comparison.listKeyVersions(
                                    user, Requests.list(store, "a" + lone, null, null));
                          };
                      if (answered.errorCode() != ErrorCode.INVALID_REQUEST_EXCEPTION) {
                        throw comparison.failure(
                            "a lone surrogate in the "
                                + where.name().toLowerCase()
                                + " answered "
                                + answered.summary()
                                + " instead of INVALID_REQUEST_EXCEPTION");
                      }
                    });
              });
    }
  }
}
