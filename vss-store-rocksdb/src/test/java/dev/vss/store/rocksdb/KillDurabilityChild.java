package dev.vss.store.rocksdb;

import com.google.protobuf.ByteString;
import dev.vss.core.Keyspace;
import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The process {@link KillDurabilityTest} kills: opens the store and runs one writer thread per
 * keyspace, each committing numbered rounds through {@link VssService} and printing {@code ACK
 * <writer> <round>} only after {@code putObjects} returned. It never exits by itself.
 *
 * <p>Round {@code r} of writer {@code w} is one putObjects on store id {@code s<w>} that requires
 * global version {@code r - 1} and, atomically: creates {@code r/<r>/a} and {@code r/<r>/b},
 * compare-and-sets {@code counter} to version {@code r} with value {@code r}, and deletes {@code
 * r/<r-1>/b}. A restarted child resumes each writer after the round the store holds.
 */
final class KillDurabilityChild {
  static final String USER = "durability-user";

  private KillDurabilityChild() {}

  public static void main(String[] args) throws InterruptedException {
    Path directory = Path.of(args[0]);
    int writers = Integer.parseInt(args[1]);
    // Never closed: the parent kills this process with SIGKILL while the writers run.
    RocksDbStorage storage = RocksDbStorage.open(directory);
    VssService vss = new VssService(storage, Limits.DEFAULTS);
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      Thread thread =
          new Thread(
              () -> {
                try {
                  long round = storage.globalVersion(keyspace(writer));
                  while (true) {
                    round++;
                    vss.putObjects(USER, round(writer, round));
                    System.out.println("ACK " + writer + " " + round);
                  }
                } catch (RuntimeException | Error e) {
                  // Any failure is a test failure: say so and stop, instead of waiting to be
                  // killed.
                  e.printStackTrace();
                  System.exit(3);
                }
              },
              "writer-" + w);
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
  }

  static Keyspace keyspace(int writer) {
    return new Keyspace(USER, "s" + writer);
  }

  static String createdKey(long round, String suffix) {
    return "r/" + round + "/" + suffix;
  }

  /** The value of {@code r/<round>/a}: a few KiB derived from writer and round. */
  static ByteString bigValue(int writer, long round) {
    String unit = writer + ":" + round + ";";
    int repeat = 1 + (int) ((round * 7 + writer) % 64) * 16;
    return ByteString.copyFrom(unit.repeat(repeat), StandardCharsets.UTF_8);
  }

  static PutObjectRequest round(int writer, long round) {
    PutObjectRequest.Builder request =
        PutObjectRequest.newBuilder()
            .setStoreId("s" + writer)
            .setGlobalVersion(round - 1)
            .addTransactionItems(
                KeyValue.newBuilder()
                    .setKey(createdKey(round, "a"))
                    .setVersion(0)
                    .setValue(bigValue(writer, round)))
            .addTransactionItems(
                KeyValue.newBuilder()
                    .setKey(createdKey(round, "b"))
                    .setVersion(0)
                    .setValue(ByteString.copyFromUtf8(Long.toString(round))))
            .addTransactionItems(
                KeyValue.newBuilder()
                    .setKey("counter")
                    .setVersion(round == 1 ? 0 : round - 1)
                    .setValue(ByteString.copyFromUtf8(Long.toString(round))));
    if (round > 1) {
      request.addDeleteItems(
          KeyValue.newBuilder().setKey(createdKey(round - 1, "b")).setVersion(1));
    }
    return request.build();
  }
}
