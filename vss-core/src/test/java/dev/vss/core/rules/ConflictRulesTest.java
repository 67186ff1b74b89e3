package dev.vss.core.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vss.core.spi.WritePlan;
import dev.vss.core.spi.WriteView;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import dev.vss.protocol.Versions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ConflictRulesTest {
  private static final ByteString V = ByteString.copyFromUtf8("v");

  private static WriteView view(long globalVersion, Map<String, Long> versions) {
    return WriteView.of(
        Map.of("a", 0, "b", 0, "c", 0).keySet(),
        k -> versions.containsKey(k) ? OptionalLong.of(versions.get(k)) : OptionalLong.empty(),
        globalVersion);
  }

  private static KeyValue kv(String key, long version) {
    return KeyValue.newBuilder().setKey(key).setVersion(version).setValue(V).build();
  }

  private static PutObjectRequest.Builder put(KeyValue... items) {
    return PutObjectRequest.newBuilder().addAllTransactionItems(List.of(items));
  }

  private static void assertConflict(WritePlan<WriteOutcome> plan) {
    assertThat(plan.isAbort()).isTrue();
    assertThat(plan.result())
        .isInstanceOfSatisfying(
            WriteOutcome.Rejected.class,
            rejected ->
                assertThat(rejected.reason().errorCode()).isEqualTo(ErrorCode.CONFLICT_EXCEPTION));
    assertThat(plan.upserts()).isEmpty();
    assertThat(plan.deletes()).isEmpty();
    assertThat(plan.newGlobalVersion()).isEmpty();
  }

  @Test
  void versionAfterPutIsWhatTheDecisionStores() {
    assertThat(Versions.afterPut(-1)).isEqualTo(1);
    assertThat(Versions.afterPut(0)).isEqualTo(1);
    assertThat(Versions.afterPut(7)).isEqualTo(8);
    assertThat(Versions.afterPut(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void unconditionalUpsertAlwaysStoresVersionOne() {
    WritePlan<WriteOutcome> plan =
        ConflictRules.decidePut(put(kv("a", -1)).build(), view(0, Map.of("a", 41L)));
    assertThat(plan.isAbort()).isFalse();
    assertThat(plan.result()).isEqualTo(WriteOutcome.APPLIED);
    assertThat(plan.upserts()).containsExactly(new WritePlan.Upsert("a", 1, V));
  }

  @Test
  void createConflictsWhenKeyExists() {
    assertConflict(ConflictRules.decidePut(put(kv("a", 0)).build(), view(0, Map.of("a", 1L))));
    assertThat(ConflictRules.decidePut(put(kv("a", 0)).build(), view(0, Map.of())).upserts())
        .containsExactly(new WritePlan.Upsert("a", 1, V));
  }

  @Test
  void compareAndSetNeedsTheStoredVersionAndIncrements() {
    assertThat(ConflictRules.decidePut(put(kv("a", 3)).build(), view(0, Map.of("a", 3L))).upserts())
        .containsExactly(new WritePlan.Upsert("a", 4, V));
    assertConflict(ConflictRules.decidePut(put(kv("a", 3)).build(), view(0, Map.of("a", 2L))));
    assertConflict(ConflictRules.decidePut(put(kv("a", 3)).build(), view(0, Map.of())));
  }

  @Test
  void versionSaturatesAtLongMax() {
    WritePlan<WriteOutcome> plan =
        ConflictRules.decidePut(
            put(kv("a", Long.MAX_VALUE)).build(), view(0, Map.of("a", Long.MAX_VALUE)));
    assertThat(plan.upserts()).containsExactly(new WritePlan.Upsert("a", Long.MAX_VALUE, V));
  }

  @Test
  void globalVersionMustMatchAndIsIncremented() {
    assertConflict(
        ConflictRules.decidePut(put(kv("a", -1)).setGlobalVersion(4).build(), view(5, Map.of())));
    WritePlan<WriteOutcome> plan =
        ConflictRules.decidePut(put(kv("a", -1)).setGlobalVersion(5).build(), view(5, Map.of()));
    assertThat(plan.newGlobalVersion()).hasValue(6);
    assertThat(
            ConflictRules.decidePut(put(kv("a", -1)).build(), view(5, Map.of())).newGlobalVersion())
        .isEmpty();
  }

  @Test
  void deleteItemsNeedAnExistingKeyAndMatchingVersion() {
    assertConflict(
        ConflictRules.decidePut(
            PutObjectRequest.newBuilder().addDeleteItems(kv("a", -1)).build(), view(0, Map.of())));
    assertConflict(
        ConflictRules.decidePut(
            PutObjectRequest.newBuilder().addDeleteItems(kv("a", 2)).build(),
            view(0, Map.of("a", 3L))));
    WritePlan<WriteOutcome> ok =
        ConflictRules.decidePut(
            PutObjectRequest.newBuilder()
                .addDeleteItems(kv("a", 3))
                .addDeleteItems(kv("b", -1))
                .build(),
            view(0, Map.of("a", 3L, "b", 9L)));
    assertThat(ok.isAbort()).isFalse();
    assertThat(ok.result().isApplied()).isTrue();
    assertThat(ok.deletes()).containsExactly("a", "b");
  }

  @Test
  void oneFailingItemAbortsTheWholeTransaction() {
    Map<String, Long> stored = new HashMap<>(Map.of("a", 1L, "b", 1L));
    assertConflict(
        ConflictRules.decidePut(
            put(kv("a", 1), kv("c", 0)).addDeleteItems(kv("b", 7)).build(), view(0, stored)));
    assertConflict(
        ConflictRules.decidePut(
            put(kv("a", 2), kv("c", 0)).addDeleteItems(kv("b", 1)).build(), view(0, stored)));
  }

  @Test
  void deleteObjectIsIdempotentAndConditional() {
    DeleteObjectRequest unconditional =
        DeleteObjectRequest.newBuilder().setKeyValue(kv("a", -1)).build();
    DeleteObjectRequest conditional =
        DeleteObjectRequest.newBuilder().setKeyValue(kv("a", 2)).build();
    WritePlan<WriteOutcome> missing = ConflictRules.decideDelete(unconditional, view(0, Map.of()));
    assertThat(missing.isAbort()).isTrue();
    assertThat(missing.result())
        .as("a delete of a missing key succeeds")
        .isEqualTo(WriteOutcome.APPLIED);
    assertThat(ConflictRules.decideDelete(unconditional, view(0, Map.of("a", 5L))).deletes())
        .containsExactly("a");
    WritePlan<WriteOutcome> mismatch =
        ConflictRules.decideDelete(conditional, view(0, Map.of("a", 5L)));
    assertThat(mismatch.isAbort()).isTrue();
    assertThat(mismatch.result())
        .as("a mismatched delete succeeds")
        .isEqualTo(WriteOutcome.APPLIED);
    assertThat(ConflictRules.decideDelete(conditional, view(0, Map.of("a", 2L))).deletes())
        .containsExactly("a");
    assertThat(ConflictRules.decideDelete(conditional, view(0, Map.of("a", 2L))).result())
        .isEqualTo(WriteOutcome.APPLIED);
  }
}
