package dev.vss.store.sqlite;

import com.google.protobuf.ByteString;
import dev.vss.core.Keyspace;
import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The child JVM of {@link SigkillDurabilityTest}: opens the store and writes from several threads
 * until it is killed, printing {@code ACK <thread> <step> END} only after a put returned.
 *
 * <p>Thread {@code t} of cycle {@code c} owns keyspace {@code ("alice", "c<c>-t<t>")}. Its step
 * {@code i} is one putObjects that, all or nothing:
 *
 * <ul>
 *   <li>requires global version {@code i} (so it becomes {@code i + 1});
 *   <li>creates {@code <i>/a} and {@code <i>/b} with 1 KiB values derived from (c, t, i);
 *   <li>moves {@code counter} from version {@code i} to {@code i + 1} (creating it at step 0);
 *   <li>deletes {@code <i-1>/b}.
 * </ul>
 *
 * So after steps {@code 0..n-1} committed: counter and global version are {@code n}, every {@code
 * <j>/a} with {@code j < n} exists, and {@code <n-1>/b} is the only {@code b}.
 */
public final class DurabilityWorkload {
  static final String USER = "alice";
  static final int VALUE_BYTES = 1024;

  private DurabilityWorkload() {}

  /** Arguments: data directory, cycle number, thread count. */
  public static void main(String[] args) throws Exception {
    Path dataDirectory = Path.of(args[0]);
    int cycle = Integer.parseInt(args[1]);
    int threads = Integer.parseInt(args[2]);
    SqliteStorage storage = SqliteStorage.open(dataDirectory);
    VssService vss = new VssService(storage, Limits.DEFAULTS);
    PrintStream out = new PrintStream(System.out, false, "UTF-8");
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread writer =
          new Thread(
              () -> {
                for (long step = 0; ; step++) {
                  vss.putObjects(USER, step(cycle, thread, step));
                  synchronized (out) {
                    out.println("ACK " + thread + " " + step + " END");
                    out.flush();
                  }
                }
              },
              "workload-" + t);
      writer.start();
    }
    Thread.currentThread().join(); // run until killed
  }

  static Keyspace keyspace(int cycle, int thread) {
    return new Keyspace(USER, storeId(cycle, thread));
  }

  static String storeId(int cycle, int thread) {
    return "c" + cycle + "-t" + thread;
  }

  static PutObjectRequest step(int cycle, int thread, long step) {
    PutObjectRequest.Builder request =
        PutObjectRequest.newBuilder()
            .setStoreId(storeId(cycle, thread))
            .setGlobalVersion(step)
            .addTransactionItems(
                KeyValue.newBuilder()
                    .setKey(step + "/a")
                    .setVersion(0)
                    .setValue(value(cycle, thread, step, 'a')))
            .addTransactionItems(
                KeyValue.newBuilder()
                    .setKey(step + "/b")
                    .setVersion(0)
                    .setValue(value(cycle, thread, step, 'b')))
            .addTransactionItems(
                KeyValue.newBuilder()
                    .setKey("counter")
                    .setVersion(step)
                    .setValue(ByteString.copyFromUtf8(Long.toString(step))));
    if (step > 0) {
      request.addDeleteItems(KeyValue.newBuilder().setKey((step - 1) + "/b").setVersion(1));
    }
    return request.build();
  }

  static ByteString value(int cycle, int thread, long step, char part) {
    SplittableRandom random =
        new SplittableRandom(((cycle * 1_000L + thread) * 1_000_000_007L + step) * 31 + part);
    byte[] bytes = new byte[VALUE_BYTES];
    random.nextBytes(bytes);
    return ByteString.copyFrom(bytes);
  }
}
