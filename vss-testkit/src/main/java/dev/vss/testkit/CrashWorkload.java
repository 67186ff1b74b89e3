package dev.vss.testkit;

import com.google.protobuf.ByteString;
import dev.vss.core.Keyspace;
import dev.vss.core.Limits;
import dev.vss.core.Quotas;
import dev.vss.core.VssService;
import dev.vss.core.spi.KeyVersion;
import dev.vss.core.spi.Storage;
import dev.vss.core.spi.StoredRecord;
import dev.vss.core.spi.Usage;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The workload of {@link StorageConsistencySuite#acknowledgedWritesSurviveSigkill()}, and the main
 * class of the child JVM that runs it until it is killed.
 *
 * <p>Writer {@code w} owns keyspace {@code (<user>, "w<w>")}, where the user token is drawn at
 * random per test, so that a store shared between runs (a database server) starts empty. Its round
 * {@code r} (from 1) is one putObjects that, all or nothing:
 *
 * <ul>
 *   <li>requires global version {@code r - 1} (so it becomes {@code r});
 *   <li>creates {@code r<r>/a} (16 bytes to 4 KiB derived from writer and round) and {@code
 *       r<r>/b};
 *   <li>moves {@code counter} to version {@code r} with value {@code r} (creating it in round 1);
 *   <li>deletes {@code r<r-1>/b}.
 * </ul>
 *
 * <p>So after rounds {@code 1..n} committed: the global version and the counter's version are
 * {@code n}, every {@code r<i>/a} with {@code i <= n} exists, {@code r<n>/b} is the only {@code b},
 * and nothing else is in the keyspace. A child resumes each writer after the round the store holds,
 * so several kill cycles accumulate in one store.
 */
final class CrashWorkload {
  private CrashWorkload() {}

  /**
   * Child JVM entry point. Arguments: the suite class (a {@link StorageConsistencySuite} with a
   * no-argument constructor), the store directory, the number of writers, the user token. Prints
   * {@code ACK <w> <r>} only after round {@code r} of writer {@code w} was acknowledged; never
   * exits by itself.
   */
  public static void main(String[] args) throws Exception {
    Class<?> suiteClass = Class.forName(args[0]);
    Constructor<?> constructor = suiteClass.getDeclaredConstructor();
    constructor.setAccessible(true);
    StorageConsistencySuite suite = (StorageConsistencySuite) constructor.newInstance();
    Path directory = Path.of(args[1]);
    int writers = Integer.parseInt(args[2]);
    String user = args[3];
    // Never closed: the parent kills this process with SIGKILL while the writers run.
    Storage storage = suite.openStorage(directory);
    // Quotas far above what the workload writes, so that every put reads the user's usage (the
    // path serialized per user) without ever being refused.
    VssService vss =
        new VssService(
            storage,
            Limits.DEFAULTS,
            storage.tracksUsage() ? new Quotas(1L << 40, 1L << 40, 1L << 40) : Quotas.NONE);
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      Thread thread =
          new Thread(
              () -> {
                try {
                  long round = storage.globalVersion(keyspace(user, writer));
                  while (true) {
                    round++;
                    vss.putObjects(user, round(writer, round));
                    synchronized (out) {
                      out.println("ACK " + writer + " " + round);
                      out.flush();
                    }
                  }
                } catch (RuntimeException | Error e) {
                  // Any failure is a test failure: say so and stop, instead of waiting to be
                  // killed.
                  e.printStackTrace();
                  System.exit(3);
                }
              },
              "crash-writer-" + w);
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
  }

  static Keyspace keyspace(String user, int writer) {
    return new Keyspace(user, storeId(writer));
  }

  static String storeId(int writer) {
    return "w" + writer;
  }

  static String createdKey(long round, String part) {
    return "r" + round + "/" + part;
  }

  static ByteString valueA(int writer, long round) {
    String unit = writer + ":" + round + ";";
    int repeat = 1 + (int) ((round * 7 + writer) % 64) * 16;
    return ByteString.copyFrom(unit.repeat(repeat), StandardCharsets.UTF_8);
  }

  static PutObjectRequest round(int writer, long round) {
    PutObjectRequest.Builder request =
        PutObjectRequest.newBuilder()
            .setStoreId(storeId(writer))
            .setGlobalVersion(round - 1)
            .addTransactionItems(
                KeyValue.newBuilder()
                    .setKey(createdKey(round, "a"))
                    .setVersion(0)
                    .setValue(valueA(writer, round)))
            .addTransactionItems(
                KeyValue.newBuilder()
                    .setKey(createdKey(round, "b"))
                    .setVersion(0)
                    .setValue(ByteString.copyFromUtf8("b" + round)))
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

  /**
   * Checks that writer {@code writer}'s keyspace holds exactly rounds {@code 1..n} for some {@code
   * n}, whole, and answers {@code n}. Every sequence listed is added to {@code sequences}, which
   * must not hold it yet (sequences are store-wide).
   */
  static long verify(
      Storage storage, String user, int writer, Set<Long> sequences, String context) {
    Keyspace keyspace = keyspace(user, writer);
    String where = context + ", writer " + writer;
    long rounds = storage.globalVersion(keyspace);
    List<String> expected = new ArrayList<>();
    if (rounds > 0) {
      StoredRecord counter =
          storage
              .get(keyspace, "counter")
              .orElseThrow(
                  () ->
                      new AssertionError(
                          where
                              + ": global version "
                              + rounds
                              + " without the counter"
                              + " its round wrote"));
      require(
          counter.version() == rounds && counter.value().toStringUtf8().equals("" + rounds),
          where,
          "global version %d but counter at version %d with value %s",
          rounds,
          counter.version(),
          counter.value().toStringUtf8());
      for (long round = 1; round <= rounds; round++) {
        long r = round;
        StoredRecord a =
            storage
                .get(keyspace, createdKey(round, "a"))
                .orElseThrow(
                    () ->
                        new AssertionError(
                            where
                                + ": round "
                                + r
                                + " of "
                                + rounds
                                + " committed without its key "
                                + createdKey(r, "a")));
        require(
            a.version() == 1 && a.value().equals(valueA(writer, round)),
            where,
            "%s has version %d and %d bytes, not what round %d wrote",
            a.key(),
            a.version(),
            a.value().size(),
            round);
        // Creation order: each round creates a then b, and round 1 then the counter.
        expected.add(createdKey(round, "a"));
        if (round == rounds) {
          expected.add(createdKey(round, "b"));
        }
        if (round == 1) {
          expected.add("counter");
        }
      }
      StoredRecord b =
          storage
              .get(keyspace, createdKey(rounds, "b"))
              .orElseThrow(
                  () ->
                      new AssertionError(
                          where
                              + ": round "
                              + rounds
                              + " committed without "
                              + createdKey(rounds, "b")));
      require(b.value().toStringUtf8().equals("b" + rounds), where, "wrong value of %s", b.key());
      Collections.reverse(expected);
    }
    // The keyspace is exactly the rounds' keys, newest creation first: nothing of a half-applied
    // round (its new keys, an undeleted b) and nothing lost.
    List<String> listed = new ArrayList<>();
    long before = Long.MAX_VALUE;
    while (true) {
      List<KeyVersion> page = storage.list(keyspace, "", before, 500);
      if (page.isEmpty()) {
        break;
      }
      for (KeyVersion entry : page) {
        require(entry.sequence() < before, where, "listing is not newest first at %s", entry.key());
        require(
            sequences.add(entry.sequence()),
            where,
            "sequence %d of %s used twice in the" + " store",
            entry.sequence(),
            entry.key());
        before = entry.sequence();
        listed.add(entry.key());
      }
    }
    require(
        listed.equals(expected),
        where,
        "after %d rounds the keyspace lists%n  %s%n" + "instead of%n  %s",
        rounds,
        abbreviate(listed),
        abbreviate(expected));
    Optional<StoredRecord> next = storage.get(keyspace, createdKey(rounds + 1, "a"));
    require(next.isEmpty(), where, "round %d is partly visible", rounds + 1);
    return rounds;
  }

  /**
   * For a store that {@linkplain Storage#tracksUsage() tracks usage}: every writer's keyspace, and
   * the user, report exactly the usage of the data the store holds (counted by {@link UsageScan}).
   */
  static void verifyUsage(Storage storage, String user, int writers, String context) {
    if (!storage.tracksUsage()) {
      return;
    }
    List<Keyspace> keyspaces = new ArrayList<>();
    for (int writer = 0; writer < writers; writer++) {
      Keyspace keyspace = keyspace(user, writer);
      keyspaces.add(keyspace);
      Usage stored = UsageScan.of(storage, keyspace);
      require(
          storage.usage(keyspace).equals(stored),
          context + ", writer " + writer,
          "tracked usage %s but the data holds %s",
          storage.usage(keyspace),
          stored);
    }
    Usage stored = UsageScan.of(storage, keyspaces);
    require(
        storage.userUsage(user).equals(stored),
        context,
        "tracked usage of the user %s but" + " the data holds %s",
        storage.userUsage(user),
        stored);
  }

  private static String abbreviate(List<String> keys) {
    return keys.size() <= 12
        ? keys.toString()
        : keys.subList(0, 6)
            + " ... "
            + keys.subList(keys.size() - 3, keys.size())
            + " ("
            + keys.size()
            + " keys)";
  }

  private static void require(boolean holds, String where, String format, Object... args) {
    if (!holds) {
      throw new AssertionError(where + ": " + String.format(format, args));
    }
  }

  static String readLog(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "(no output)";
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
