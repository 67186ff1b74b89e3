package dev.vss.bench.load;

import com.google.protobuf.ByteString;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.PutObjectRequest;
import java.util.SplittableRandom;

/**
 * The request mixes of the load benchmark. Every request goes to a uniformly random user's
 * keyspace, except conditional puts: a worker sends those only to the users it owns (user {@code u}
 * belongs to worker {@code u mod workers}), so no two workers race on one key and every conditional
 * put is expected to succeed.
 */
enum Workload {
  /** putObjects of one data key with version -1 (upsert) and a 1 KiB value. */
  PUT("put", "putObjects of one random existing data key, version -1 (unconditional), 1 KiB value"),
  /** putObjects of one versioned key with the version the store holds. */
  CONDITIONAL_PUT(
      "conditional put",
      "putObjects of one random versioned key of a user the"
          + " connection owns, with the version the benchmark tracked for it (compare-and-set), 1 KiB"
          + " value"),
  /** getObject of a data key. */
  GET("get", "getObject of a random data key (1 KiB value)"),
  /** The first listKeyVersions page of 100 of a keyspace. */
  LIST_PAGE(
      "list page",
      "listKeyVersions, first page, page_size "
          + LoadShape.PAGE_SIZE
          + " (the keyspace holds more, so every page is full)"),
  /** A wallet's mix: 70% puts of 1 to 8 KiB, 25% gets, 5% list pages. */
  WALLET_MIX(
      "wallet mix",
      "70% putObjects of one data key, version -1, value of 1 to 8 KiB"
          + " (uniform); 25% getObject; 5% listKeyVersions first page of "
          + LoadShape.PAGE_SIZE);

  private static final int MAX_VALUE_BYTES = 8 * 1024;

  /**
   * Random bytes that values are cut from: a value is a slice at a random offset, which costs no
   * copy until the request is encoded, so the client spends its time sending, not generating.
   */
  private static final ByteString VALUE_SOURCE = randomBytes(64 * 1024, 7);

  private final String label;
  private final String description;

  Workload(String label, String description) {
    this.label = label;
    this.description = description;
  }

  /** The short name used in the report, such as {@code conditional put}. */
  String label() {
    return label;
  }

  /** What one request of the workload does. */
  String description() {
    return description;
  }

  /** The workload of a command-line name: its label with {@code -} or {@code _} for spaces. */
  static Workload named(String name) {
    for (Workload workload : values()) {
      if (workload.name().equalsIgnoreCase(name.replace('-', '_'))) {
        return workload;
      }
    }
    throw new IllegalArgumentException("unknown workload '" + name + "'");
  }

  /**
   * The request source of worker {@code worker} of {@code workers}.
   *
   * @param shape the populated data
   * @param book the tracked versions of the versioned keys
   * @param worker this worker's index, from 0
   * @param workers how many workers run at once; for conditional puts at most the number of users
   * @param seed seeds the worker's random choices
   */
  Generator generator(LoadShape shape, VersionBook book, int worker, int workers, long seed) {
    if (this == CONDITIONAL_PUT && workers > shape.users()) {
      throw new IllegalArgumentException(
          workers
              + " connections of conditional puts need at least as many users, have "
              + shape.users());
    }
    return new Generator(this, shape, book, worker, workers, seed);
  }

  /** One worker's source of requests; not thread-safe. */
  static final class Generator implements RequestSource {
    private final Workload workload;
    private final LoadShape shape;
    private final VersionBook book;
    private final int worker;
    private final int workers;
    private final int ownedUsers;
    private final SplittableRandom random;

    private Generator(
        Workload workload, LoadShape shape, VersionBook book, int worker, int workers, long seed) {
      this.workload = workload;
      this.shape = shape;
      this.book = book;
      this.worker = worker;
      this.workers = workers;
      this.ownedUsers = (shape.users() - worker + workers - 1) / workers;
      this.random = new SplittableRandom(seed);
    }

    /** The next request. */
    @Override
    public Call next() {
      switch (workload) {
        case PUT:
          return put(LoadShape.VALUE_BYTES);
        case CONDITIONAL_PUT:
          return conditionalPut();
        case GET:
          return get();
        case LIST_PAGE:
          return list();
        case WALLET_MIX:
        default:
          int draw = random.nextInt(100);
          if (draw < 70) {
            return put(
                LoadShape.VALUE_BYTES
                    + random.nextInt(MAX_VALUE_BYTES - LoadShape.VALUE_BYTES + 1));
          }
          return draw < 95 ? get() : list();
      }
    }

    /**
     * Takes note of a call's outcome: a conditional put that succeeded advances its key's version.
     *
     * @param call a call this generator made
     * @param status its HTTP status (or the status its outcome maps to)
     */
    @Override
    public void completed(Call call, int status) {
      if (status == 200 && call.versionedKey() >= 0) {
        book.advance(call.user(), call.versionedKey());
      }
    }

    private Call put(int valueBytes) {
      int user = random.nextInt(shape.users());
      PutObjectRequest request =
          PutObjectRequest.newBuilder()
              .setStoreId(LoadShape.STORE_ID)
              .addTransactionItems(
                  KeyValue.newBuilder()
                      .setKey(LoadShape.dataKey(random.nextInt(shape.dataKeys())))
                      .setVersion(-1)
                      .setValue(value(valueBytes)))
              .build();
      return new Call(Method.PUT_OBJECTS, user, request, -1);
    }

    private Call conditionalPut() {
      int user = worker + workers * random.nextInt(ownedUsers);
      int key = random.nextInt(shape.versionedKeys());
      PutObjectRequest request =
          PutObjectRequest.newBuilder()
              .setStoreId(LoadShape.STORE_ID)
              .addTransactionItems(
                  KeyValue.newBuilder()
                      .setKey(LoadShape.versionedKey(key))
                      .setVersion(book.version(user, key))
                      .setValue(value(LoadShape.VALUE_BYTES)))
              .build();
      return new Call(Method.PUT_OBJECTS, user, request, key);
    }

    private Call get() {
      int user = random.nextInt(shape.users());
      GetObjectRequest request =
          GetObjectRequest.newBuilder()
              .setStoreId(LoadShape.STORE_ID)
              .setKey(LoadShape.dataKey(random.nextInt(shape.dataKeys())))
              .build();
      return new Call(Method.GET_OBJECT, user, request, -1);
    }

    private Call list() {
      int user = random.nextInt(shape.users());
      ListKeyVersionsRequest request =
          ListKeyVersionsRequest.newBuilder()
              .setStoreId(LoadShape.STORE_ID)
              .setPageSize(LoadShape.PAGE_SIZE)
              .build();
      return new Call(Method.LIST_KEY_VERSIONS, user, request, -1);
    }

    private ByteString value(int size) {
      int offset = random.nextInt(VALUE_SOURCE.size() - size + 1);
      return VALUE_SOURCE.substring(offset, offset + size);
    }
  }

  private static ByteString randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new SplittableRandom(seed).nextBytes(bytes);
    return ByteString.copyFrom(bytes);
  }
}
