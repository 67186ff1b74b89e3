package dev.vss.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.vss.core.Keyspace;
import dev.vss.core.Limits;
import dev.vss.core.Quotas;
import dev.vss.core.VssException;
import dev.vss.core.VssService;
import dev.vss.core.spi.Storage;
import dev.vss.core.spi.Usage;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The quota scenarios for a {@link Storage} adapter that {@linkplain Storage#tracksUsage() tracks
 * usage}: the tracked usage equals the stored data after any mix of creates, overwrites and deletes
 * (and after a reopen), quotas refuse exactly at their edge, deletes are never refused, and writers
 * racing for a user's last bytes from different store ids never take it over quota.
 *
 * <pre>{@code
 * class MyStorageQuotaTest extends StorageQuotaSuite {
 *   @TempDir Path dir;
 *
 *   @Override
 *   protected Storage newStorage() {
 *     return MyStorage.open(dir);
 *   }
 * }
 * }</pre>
 *
 * <p>Each test uses user tokens of its own, so a store shared between tests (a database server) may
 * hold other data.
 */
public abstract class StorageQuotaSuite {
  private Storage storage;

  /** A user token of this test's own. */
  private String user;

  /**
   * A new storage for one test (it may hold data of other tests' users).
   *
   * @throws Exception if it cannot be opened; the test then fails
   */
  protected abstract Storage newStorage() throws Exception;

  /**
   * Closes {@code storage} and opens the same data again, as a process restart would; empty (the
   * default) skips the reopen scenario.
   *
   * @throws Exception if reopening fails; the test then fails
   */
  protected Optional<Storage> reopenStorage(Storage storage) throws Exception {
    return Optional.empty();
  }

  /**
   * Releases a storage; closes it unless overridden.
   *
   * @throws Exception if releasing fails; the test then fails
   */
  protected void closeStorage(Storage storage) throws Exception {
    storage.close();
  }

  @BeforeEach
  final void openStorage() throws Exception {
    storage = newStorage();
    user = "quota-" + UUID.randomUUID();
  }

  @AfterEach
  final void releaseStorage() throws Exception {
    Storage used = storage;
    storage = null;
    if (used != null) {
      closeStorage(used);
    }
  }

  private VssService service(Quotas quotas) {
    return new VssService(storage, Limits.DEFAULTS, quotas);
  }

  private static PutObjectRequest put(String storeId, String key, long version, int valueBytes) {
    return PutObjectRequest.newBuilder()
        .setStoreId(storeId)
        .addTransactionItems(
            KeyValue.newBuilder().setKey(key).setVersion(version).setValue(value(valueBytes)))
        .build();
  }

  private static ByteString value(int bytes) {
    byte[] value = new byte[bytes];
    new Random(bytes).nextBytes(value);
    return ByteString.copyFrom(value);
  }

  private static DeleteObjectRequest delete(String storeId, String key) {
    return DeleteObjectRequest.newBuilder()
        .setStoreId(storeId)
        .setKeyValue(KeyValue.newBuilder().setKey(key).setVersion(-1))
        .build();
  }

  private Keyspace keyspace(String storeId) {
    return new Keyspace(user, storeId);
  }

  private void assertUsageIsTheData(List<String> storeIds) {
    List<Keyspace> keyspaces = storeIds.stream().map(this::keyspace).toList();
    for (Keyspace keyspace : keyspaces) {
      assertThat(storage.usage(keyspace))
          .as("tracked usage of %s", keyspace)
          .isEqualTo(UsageScan.of(storage, keyspace));
    }
    assertThat(storage.userUsage(user))
        .as("tracked usage of the user")
        .isEqualTo(UsageScan.of(storage, keyspaces));
  }

  /** A store under quotas must track usage. */
  @Test
  public void storeTracksUsage() {
    assertThat(storage.tracksUsage()).isTrue();
    assertThat(storage.usage(keyspace("never-written"))).isEqualTo(Usage.ZERO);
    assertThat(storage.userUsage(user)).isEqualTo(Usage.ZERO);
  }

  /**
   * Creates, overwrites (larger, smaller, empty), multi-item puts with deletes, deleteObject,
   * conflicts and global versions, with quotas off: the tracked usage always equals the data.
   */
  @Test
  public void trackedUsageEqualsTheDataWithoutQuotas() {
    VssService vss = service(Quotas.NONE);
    vss.putObjects(user, put("a", "k1", 0, 100));
    vss.putObjects(user, put("a", "k2", 0, 50));
    vss.putObjects(user, put("b", "k1", -1, 7));
    assertThat(storage.usage(keyspace("a"))).isEqualTo(new Usage(150, 2));
    assertThat(storage.userUsage(user)).isEqualTo(new Usage(157, 3));
    vss.putObjects(user, put("a", "k1", 1, 300)); // overwrite, larger
    vss.putObjects(user, put("a", "k2", -1, 0)); // overwrite, empty
    assertThat(storage.usage(keyspace("a"))).isEqualTo(new Usage(300, 2));
    vss.putObjects(
        user,
        PutObjectRequest.newBuilder()
            .setStoreId("a")
            .setGlobalVersion(0)
            .addTransactionItems(
                KeyValue.newBuilder().setKey("k3").setVersion(0).setValue(value(10)))
            .addTransactionItems(
                KeyValue.newBuilder().setKey("k1").setVersion(2).setValue(value(1)))
            .addDeleteItems(KeyValue.newBuilder().setKey("k2").setVersion(-1))
            .build());
    assertThat(storage.usage(keyspace("a")))
        .as("the global version is no record")
        .isEqualTo(new Usage(11, 2));
    assertThatThrownBy(() -> vss.putObjects(user, put("a", "k3", 0, 999)))
        .isInstanceOfSatisfying(
            VssException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFLICT_EXCEPTION));
    vss.deleteObject(user, delete("b", "k1"));
    vss.deleteObject(user, delete("b", "k1")); // idempotent: nothing left to count
    assertThat(storage.usage(keyspace("b"))).isEqualTo(Usage.ZERO);
    assertThat(storage.userUsage(user)).isEqualTo(new Usage(11, 2));
    assertUsageIsTheData(List.of("a", "b"));
  }

  /** The tracked usage is kept with the data: a reopened store reports the same. */
  @Test
  public void trackedUsageSurvivesReopen() throws Exception {
    VssService vss = service(Quotas.NONE);
    vss.putObjects(user, put("a", "k1", 0, 1000));
    vss.putObjects(user, put("b", "k1", 0, 24));
    vss.putObjects(user, put("a", "k1", 1, 10));
    Optional<Storage> reopened = reopenStorage(storage);
    org.junit.jupiter.api.Assumptions.assumeTrue(
        reopened.isPresent(), "the store cannot be reopened (reopenStorage not overridden)");
    storage = reopened.get();
    assertThat(storage.userUsage(user)).isEqualTo(new Usage(34, 2));
    assertUsageIsTheData(List.of("a", "b"));
  }

  /** Exactly at the per-user byte quota is allowed; one byte over is refused with its numbers. */
  @Test
  public void perUserBytesAtTheEdge() {
    VssService vss = service(new Quotas(1000, 0, 0));
    vss.putObjects(user, put("a", "k1", 0, 600));
    vss.putObjects(user, put("b", "k1", 0, 399));
    assertThatThrownBy(() -> vss.putObjects(user, put("b", "k2", 0, 2)))
        .isInstanceOfSatisfying(
            VssException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST_EXCEPTION);
              assertThat(e.quotaExceeded()).contains(Quotas.Kind.BYTES_PER_USER);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "put would exceed the per-user quota of 1000"
                          + " stored bytes (in use: 999, this put adds 2)");
            });
    assertThat(storage.get(keyspace("b"), "k2")).as("the refused put applied nothing").isEmpty();
    vss.putObjects(user, put("b", "k2", 0, 1)); // exactly at the quota
    assertThat(storage.userUsage(user)).isEqualTo(new Usage(1000, 3));
    assertThatThrownBy(() -> vss.putObjects(user, put("c", "k", 0, 1)))
        .isInstanceOf(VssException.class);
    // An overwrite of the same size, and one that shrinks, are allowed at the quota.
    vss.putObjects(user, put("a", "k1", 1, 600));
    vss.putObjects(user, put("a", "k1", 2, 500));
    vss.putObjects(user, put("c", "k", 0, 100));
    assertUsageIsTheData(List.of("a", "b", "c"));
  }

  /** The record quota counts records, not bytes: an empty value counts too. */
  @Test
  public void perUserRecordsAtTheEdge() {
    VssService vss = service(new Quotas(0, 3, 0));
    vss.putObjects(user, put("a", "k1", 0, 0));
    vss.putObjects(user, put("a", "k2", 0, 0));
    vss.putObjects(user, put("b", "k1", 0, 10));
    vss.putObjects(user, put("b", "k1", 1, 20)); // an overwrite adds no record
    assertThatThrownBy(() -> vss.putObjects(user, put("b", "k2", 0, 0)))
        .isInstanceOfSatisfying(
            VssException.class,
            e ->
                assertThat(e.getMessage())
                    .isEqualTo(
                        "put would exceed the per-user quota of 3 records"
                            + " (in use: 3, this put adds 1)"));
    vss.deleteObject(user, delete("a", "k1"));
    vss.putObjects(user, put("b", "k2", 0, 0));
    assertUsageIsTheData(List.of("a", "b"));
  }

  /** The per-store quota counts one keyspace: another store id of the user has its own. */
  @Test
  public void perStoreBytesAtTheEdge() {
    VssService vss = service(new Quotas(0, 0, 100));
    vss.putObjects(user, put("a", "k1", 0, 100));
    vss.putObjects(user, put("b", "k1", 0, 100));
    assertThatThrownBy(() -> vss.putObjects(user, put("a", "k2", 0, 1)))
        .isInstanceOfSatisfying(
            VssException.class,
            e -> {
              assertThat(e.quotaExceeded()).contains(Quotas.Kind.BYTES_PER_STORE);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "put would exceed the per-store quota of 100"
                          + " stored bytes for store_id 'a' (in use: 100, this put adds 1)");
            });
    assertUsageIsTheData(List.of("a", "b"));
  }

  /**
   * Deletes always work, and a put that lowers usage is allowed, when the user is over its quota
   * (quotas were lowered after the data was written); a put that raises it is refused.
   */
  @Test
  public void overQuotaUsersCanAlwaysShrink() {
    service(Quotas.NONE).putObjects(user, put("a", "big", 0, 5000));
    service(Quotas.NONE).putObjects(user, put("a", "other", 0, 10));
    VssService vss = service(new Quotas(1000, 1, 1000));
    assertThatThrownBy(() -> vss.putObjects(user, put("a", "other", 1, 11)))
        .isInstanceOf(VssException.class);
    vss.putObjects(user, put("a", "big", 1, 4000));
    vss.putObjects(
        user,
        PutObjectRequest.newBuilder()
            .setStoreId("a")
            .addDeleteItems(KeyValue.newBuilder().setKey("other").setVersion(-1))
            .build());
    vss.deleteObject(user, delete("a", "big"));
    assertThat(storage.userUsage(user)).isEqualTo(Usage.ZERO);
    vss.putObjects(user, put("a", "k", 0, 1000));
    assertUsageIsTheData(List.of("a"));
  }

  /**
   * Writers on different store ids of one user race for the last bytes of the per-user quota: room
   * for exactly {@code n} values, and exactly {@code n} puts succeed, never more.
   */
  @Test
  public void writersOnSeveralStoreIdsNeverTakeAUserOverQuota() throws Exception {
    int valueBytes = 100;
    int room = 30;
    VssService vss = service(new Quotas((long) room * valueBytes + valueBytes / 2, 0, 0));
    List<String> storeIds = race(vss, 8, 12, valueBytes, writer -> "s" + writer, room);
    assertThat(storage.userUsage(user)).isEqualTo(new Usage((long) room * valueBytes, room));
    assertUsageIsTheData(storeIds);
  }

  /** As above for the record quota, with empty values. */
  @Test
  public void writersOnSeveralStoreIdsNeverExceedTheRecordQuota() throws Exception {
    int room = 25;
    VssService vss = service(new Quotas(0, room, 0));
    List<String> storeIds = race(vss, 8, 10, 0, writer -> "s" + writer, room);
    assertThat(storage.userUsage(user).records()).isEqualTo(room);
    assertUsageIsTheData(storeIds);
  }

  /** Writers on one store id race for the last bytes of the per-store quota. */
  @Test
  public void writersOnOneStoreIdNeverExceedThePerStoreQuota() throws Exception {
    int room = 20;
    VssService vss = service(new Quotas(0, 0, room * 64L));
    race(vss, 6, 10, 64, writer -> "shared", room);
    assertThat(storage.usage(keyspace("shared"))).isEqualTo(new Usage(room * 64L, room));
    assertUsageIsTheData(List.of("shared"));
  }

  /**
   * Starts {@code writers} threads at once, each creating {@code attempts} new keys of {@code
   * valueBytes} in its store id, and checks that exactly {@code room} puts succeeded and every
   * other was refused by a quota. Returns the store ids used.
   */
  private List<String> race(
      VssService vss,
      int writers,
      int attempts,
      int valueBytes,
      java.util.function.IntFunction<String> storeIdOf,
      int room)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger succeeded = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    List<Future<?>> futures = new ArrayList<>();
    List<String> storeIds = new ArrayList<>();
    try {
      for (int w = 0; w < writers; w++) {
        int writer = w;
        String storeId = storeIdOf.apply(w);
        if (!storeIds.contains(storeId)) {
          storeIds.add(storeId);
        }
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < attempts; i++) {
                    try {
                      vss.putObjects(user, put(storeId, "w" + writer + "-" + i, 0, valueBytes));
                      succeeded.incrementAndGet();
                    } catch (VssException e) {
                      assertThat(e.quotaExceeded()).as("%s", e).isPresent();
                      refused.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> future : futures) {
        future.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(succeeded.get()).as("puts that fitted the quota").isEqualTo(room);
    assertThat(refused.get()).isEqualTo(writers * attempts - room);
    return storeIds;
  }
}
