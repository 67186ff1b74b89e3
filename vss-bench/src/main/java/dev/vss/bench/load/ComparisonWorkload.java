package dev.vss.bench.load;

import com.google.protobuf.ByteString;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import java.util.SplittableRandom;

/**
 * The three workloads of the reference comparison ({@link ReferenceComparison}), sent the same way
 * to the reference's SQL statements and to our server over HTTP.
 *
 * <p>Our server runs with {@code --auth none}, where every request acts as one user, so a keyspace
 * is told apart by its store id ({@code ks-<n>}), and the reference's statements use one user token
 * with the same store ids: the keyspace is (user token, store id) in both. Every put is
 * unconditional (version -1, the reference's upsert) with a 1 KiB value; every get reads a key the
 * population wrote.
 */
enum ComparisonWorkload {
  /** Puts spread over many keyspaces: a hosted server's many wallets. */
  PUT_MANY("put, many keyspaces", "durable puts/s"),
  /** Puts into one keyspace: one wallet written by every connection at once. */
  PUT_ONE("put, one keyspace", "durable puts/s"),
  /** Gets spread over many keyspaces. */
  GET("get", "gets/s");

  /** The populated value size and the size of every put. */
  static final int VALUE_BYTES = 1024;

  private static final ByteString VALUE_SOURCE = randomBytes(64 * 1024, 11);

  private final String label;
  private final String unit;

  ComparisonWorkload(String label, String unit) {
    this.label = label;
    this.unit = unit;
  }

  /** How the report names the workload. */
  String label() {
    return label;
  }

  /** What a request of the workload counts as, such as {@code durable puts/s}. */
  String unit() {
    return unit;
  }

  /** The store id of keyspace {@code index}. */
  static String storeId(int index) {
    return "ks-" + index;
  }

  /** The name of key {@code index} in a keyspace. */
  static String key(int index) {
    return "k/" + index;
  }

  /**
   * The shape of the data and the requests.
   *
   * @param keyspaces keyspaces populated for the many-keyspace workloads
   * @param keysPerKeyspace keys populated in each of them (gets read them, puts overwrite them)
   * @param oneKeyspaceKeys keys the one-keyspace puts choose from (created or overwritten), in
   *     keyspace {@code ks-0}
   */
  record Shape(int keyspaces, int keysPerKeyspace, int oneKeyspaceKeys) {
    /** Rejects shapes the workloads cannot run on. */
    Shape {
      if (keyspaces < 1 || keysPerKeyspace < 1 || oneKeyspaceKeys < 1) {
        throw new IllegalArgumentException("keyspaces and keys must be at least 1");
      }
    }
  }

  /** A source of requests for one worker; not thread-safe. */
  Generator generator(Shape shape, long seed) {
    return new Generator(this, shape, seed);
  }

  /** One worker's source of requests. */
  static final class Generator implements RequestSource {
    private final ComparisonWorkload workload;
    private final Shape shape;
    private final SplittableRandom random;

    private Generator(ComparisonWorkload workload, Shape shape, long seed) {
      this.workload = workload;
      this.shape = shape;
      this.random = new SplittableRandom(seed);
    }

    @Override
    public Call next() {
      switch (workload) {
        case PUT_MANY:
          return put(random.nextInt(shape.keyspaces()), random.nextInt(shape.keysPerKeyspace()));
        case PUT_ONE:
          return put(0, random.nextInt(shape.oneKeyspaceKeys()));
        case GET:
        default:
          GetObjectRequest get =
              GetObjectRequest.newBuilder()
                  .setStoreId(storeId(random.nextInt(shape.keyspaces())))
                  .setKey(key(random.nextInt(shape.keysPerKeyspace())))
                  .build();
          return new Call(Method.GET_OBJECT, 0, get, -1);
      }
    }

    private Call put(int keyspace, int key) {
      int offset = random.nextInt(VALUE_SOURCE.size() - VALUE_BYTES + 1);
      PutObjectRequest put =
          PutObjectRequest.newBuilder()
              .setStoreId(storeId(keyspace))
              .addTransactionItems(
                  KeyValue.newBuilder()
                      .setKey(key(key))
                      .setVersion(-1)
                      .setValue(VALUE_SOURCE.substring(offset, offset + VALUE_BYTES)))
              .build();
      return new Call(Method.PUT_OBJECTS, 0, put, -1);
    }
  }

  /** A value of {@link #VALUE_BYTES} for population. */
  static ByteString populationValue(SplittableRandom random) {
    int offset = random.nextInt(VALUE_SOURCE.size() - VALUE_BYTES + 1);
    return VALUE_SOURCE.substring(offset, offset + VALUE_BYTES);
  }

  private static ByteString randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new SplittableRandom(seed).nextBytes(bytes);
    return ByteString.copyFrom(bytes);
  }
}
