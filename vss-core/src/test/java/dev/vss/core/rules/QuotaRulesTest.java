package dev.vss.core.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.vss.core.Keyspace;
import dev.vss.core.Limits;
import dev.vss.core.Quotas;
import dev.vss.core.VssException;
import dev.vss.core.VssService;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.core.spi.Usage;
import dev.vss.core.spi.WritePlan;
import dev.vss.core.spi.WriteView;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The quota rule as a pure function of a view, and through a service over memory. */
class QuotaRulesTest {
  private static final Keyspace KS = new Keyspace("alice", "wallet");

  /** Stored value sizes by key, plus the usage figures the view reports. */
  private final Map<String, Integer> stored = new HashMap<>();

  private Usage keyspaceUsage = Usage.ZERO;
  private Usage userUsage = Usage.ZERO;

  private WriteView view(PutObjectRequest request) {
    java.util.Set<String> keys = new java.util.HashSet<>();
    request.getTransactionItemsList().forEach(item -> keys.add(item.getKey()));
    request.getDeleteItemsList().forEach(item -> keys.add(item.getKey()));
    return WriteView.of(
        keys,
        key -> stored.containsKey(key) ? OptionalLong.of(1) : OptionalLong.empty(),
        key -> stored.containsKey(key) ? OptionalLong.of(stored.get(key)) : OptionalLong.empty(),
        () -> 0,
        () -> keyspaceUsage,
        () -> userUsage);
  }

  private static PutObjectRequest put(String key, int valueBytes) {
    return PutObjectRequest.newBuilder()
        .setStoreId(KS.storeId())
        .addTransactionItems(
            KeyValue.newBuilder()
                .setKey(key)
                .setVersion(-1)
                .setValue(ByteString.copyFrom(new byte[valueBytes])))
        .build();
  }

  private WritePlan<WriteOutcome> decide(PutObjectRequest request, Quotas quotas) {
    return QuotaRules.decidePut(request, KS, view(request), quotas);
  }

  /** The error {@code plan} is rejected with; fails when it is not a rejecting abort. */
  private static VssException rejection(WritePlan<WriteOutcome> plan) {
    assertThat(plan.isAbort()).isTrue();
    assertThat(plan.result()).isInstanceOf(WriteOutcome.Rejected.class);
    return ((WriteOutcome.Rejected) plan.result()).reason();
  }

  @Test
  void aPutReachingTheUserByteQuotaExactlyIsAllowedOneByteMoreIsRefused() {
    userUsage = new Usage(900, 3);
    Quotas quotas = new Quotas(1000, 0, 0);
    assertThat(decide(put("k", 100), quotas).isAbort()).isFalse();
    VssException over = rejection(decide(put("k", 101), quotas));
    assertThat(over.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST_EXCEPTION);
    assertThat(over.quotaExceeded()).contains(Quotas.Kind.BYTES_PER_USER);
    assertThat(over.getMessage())
        .isEqualTo(
            "put would exceed the per-user quota of 1000"
                + " stored bytes (in use: 900, this put adds 101)");
  }

  @Test
  void anOverwriteCountsOnlyTheDifference() {
    stored.put("k", 400);
    userUsage = new Usage(1000, 1);
    Quotas quotas = new Quotas(1000, 0, 0);
    assertThat(decide(put("k", 400), quotas).isAbort()).as("same size").isFalse();
    assertThat(decide(put("k", 10), quotas).isAbort()).as("smaller").isFalse();
    assertThat(rejection(decide(put("k", 401), quotas)).getMessage())
        .endsWith("(in use: 1000, this put adds 1)");
  }

  @Test
  void aPutThatLowersUsageIsAllowedWhenAlreadyOverQuota() {
    stored.put("big", 5000);
    userUsage = new Usage(5000, 1);
    keyspaceUsage = new Usage(5000, 1);
    Quotas quotas = new Quotas(1000, 1, 1000);
    PutObjectRequest shrinkAndDelete =
        PutObjectRequest.newBuilder()
            .setStoreId(KS.storeId())
            .addTransactionItems(
                KeyValue.newBuilder()
                    .setKey("small")
                    .setVersion(0)
                    .setValue(ByteString.copyFrom(new byte[10])))
            .addDeleteItems(KeyValue.newBuilder().setKey("big").setVersion(-1))
            .build();
    assertThat(decide(shrinkAndDelete, quotas).isAbort()).isFalse();
    assertThat(decide(put("big", 4999), quotas).isAbort()).isFalse();
    assertThat(rejection(decide(put("other", 0), quotas)).quotaExceeded())
        .as("a new record, even empty, raises the record count")
        .contains(Quotas.Kind.RECORDS_PER_USER);
  }

  @Test
  void recordAndPerStoreQuotasNameThemselves() {
    userUsage = new Usage(0, 2);
    assertThat(rejection(decide(put("k", 1), new Quotas(0, 2, 0))).getMessage())
        .isEqualTo("put would exceed the per-user quota of 2 records (in use: 2, this put adds 1)");
    keyspaceUsage = new Usage(50, 1);
    VssException perStore = rejection(decide(put("k", 51), new Quotas(0, 0, 100)));
    assertThat(perStore.quotaExceeded()).contains(Quotas.Kind.BYTES_PER_STORE);
    assertThat(perStore.getMessage())
        .isEqualTo(
            "put would exceed the per-store quota of 100"
                + " stored bytes for store_id 'wallet' (in use: 50, this put adds 51)");
    assertThat(decide(put("k", 50), new Quotas(0, 0, 100)).isAbort()).isFalse();
  }

  @Test
  void aConflictIsReportedBeforeAnyQuota() {
    userUsage = new Usage(1000, 0);
    PutObjectRequest create =
        PutObjectRequest.newBuilder()
            .setStoreId(KS.storeId())
            .addTransactionItems(
                KeyValue.newBuilder()
                    .setKey("k")
                    .setVersion(3)
                    .setValue(ByteString.copyFrom(new byte[10])))
            .build();
    assertThat(rejection(decide(create, new Quotas(1, 0, 0))).errorCode())
        .isEqualTo(ErrorCode.CONFLICT_EXCEPTION);
  }

  @Test
  void withNoQuotaTheDecisionReadsNoUsage() {
    PutObjectRequest request = put("k", 10);
    WriteView noUsage = WriteView.of(java.util.Set.of("k"), key -> OptionalLong.empty(), 0);
    assertThat(QuotaRules.putDecision(request, KS, Quotas.NONE).decide(noUsage).isAbort())
        .isFalse();
    assertThat(QuotaRules.putDecision(request, KS, Quotas.NONE).readsUsage()).isFalse();
    assertThat(QuotaRules.putDecision(request, KS, new Quotas(0, 0, 5)).readsUsage()).isTrue();
    assertThat(QuotaRules.putDecision(request, KS, new Quotas(0, 5, 0)).readsUsage()).isTrue();
  }

  @Test
  void overAServiceUsageFollowsPutsOverwritesAndDeletesAndDeletesAreNeverRefused() {
    try (InMemoryStorage storage = new InMemoryStorage()) {
      VssService vss = new VssService(storage, Limits.DEFAULTS, new Quotas(100, 0, 0));
      vss.putObjects("alice", put("a", 60));
      vss.putObjects(
          "alice",
          PutObjectRequest.newBuilder()
              .setStoreId("other")
              .addTransactionItems(
                  KeyValue.newBuilder()
                      .setKey("b")
                      .setVersion(-1)
                      .setValue(ByteString.copyFrom(new byte[40])))
              .build());
      assertThat(storage.userUsage("alice")).isEqualTo(new Usage(100, 2));
      assertThat(storage.usage(KS)).isEqualTo(new Usage(60, 1));
      assertThatThrownBy(() -> vss.putObjects("alice", put("c", 1)))
          .isInstanceOfSatisfying(
              VssException.class,
              e -> assertThat(e.quotaExceeded()).contains(Quotas.Kind.BYTES_PER_USER));
      assertThat(storage.userUsage("alice"))
          .as("the refused put applied nothing")
          .isEqualTo(new Usage(100, 2));
      vss.putObjects("bob", put("c", 100));
      vss.deleteObject(
          "alice",
          DeleteObjectRequest.newBuilder()
              .setStoreId("wallet")
              .setKeyValue(KeyValue.newBuilder().setKey("a").setVersion(-1))
              .build());
      assertThat(storage.userUsage("alice")).isEqualTo(new Usage(40, 1));
      vss.putObjects("alice", put("c", 60));
      assertThat(storage.userUsage("alice")).isEqualTo(new Usage(100, 2));
    }
  }

  @Test
  void quotasNeedAStoreThatTracksUsage() {
    assertThatThrownBy(() -> new Quotas(-1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThat(Quotas.NONE.enabled()).isFalse();
  }
}
