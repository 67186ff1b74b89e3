package dev.vss.core.rules;

import dev.vss.core.Keyspace;
import dev.vss.core.Quotas;
import dev.vss.core.VssException;
import dev.vss.core.spi.Usage;
import dev.vss.core.spi.WriteDecision;
import dev.vss.core.spi.WritePlan;
import dev.vss.core.spi.WriteView;
import dev.vss.proto.PutObjectRequest;
import java.util.Optional;

/**
 * The quota rule, beside the conflict rules: a putObjects that passes {@link ConflictRules} is
 * refused, before anything is applied, if it would take its user or keyspace over a {@link Quotas}
 * limit.
 *
 * <ol>
 *   <li>The change a put makes is {@link Usage#change}: a new key adds its value's bytes and one
 *       record, an overwrite adds the difference of the values, a delete item removes its record.
 *   <li>A quota refuses a put only if the put <i>raises</i> what that quota counts and the result
 *       is above the limit. Exactly at the limit is allowed. A put that lowers (or keeps) a count
 *       is allowed even when the user is already over the quota (after quotas were lowered), so a
 *       user can always get back under it.
 *   <li>deleteObject is never refused (it only lowers usage), so it runs without this rule.
 *   <li>Checked in this order: bytes per user, records per user, bytes per store; the first
 *       exceeded is reported, as INVALID_REQUEST naming the quota, the usage and the change: the
 *       plan aborts with a {@link WriteOutcome.Rejected}.
 * </ol>
 */
public final class QuotaRules {
  private QuotaRules() {}

  /**
   * The decision of a putObjects under {@code quotas}: {@link ConflictRules#decidePut}, then the
   * quota check. With no quota on it is exactly {@code decidePut}, reading no usage.
   */
  public static WriteDecision<WriteOutcome> putDecision(
      PutObjectRequest request, Keyspace keyspace, Quotas quotas) {
    if (!quotas.enabled()) {
      return view -> ConflictRules.decidePut(request, view);
    }
    return new WriteDecision<>() {
      @Override
      public WritePlan<WriteOutcome> decide(WriteView view) {
        return decidePut(request, keyspace, view, quotas);
      }

      @Override
      public boolean readsUsage() {
        return true;
      }
    };
  }

  /** Decides a putObjects: the conflict rules first, then the quotas on the plan's change. */
  public static WritePlan<WriteOutcome> decidePut(
      PutObjectRequest request, Keyspace keyspace, WriteView view, Quotas quotas) {
    WritePlan<WriteOutcome> plan = ConflictRules.decidePut(request, view);
    if (plan.isAbort() || !quotas.enabled()) {
      return plan;
    }
    return check(quotas, keyspace, Usage.change(plan, view::storedBytes), view)
        .map(ConflictRules::reject)
        .orElse(plan);
  }

  /**
   * The refusal of a write making {@code change} under {@code quotas}, or empty when it is allowed.
   * Usage is read from {@code view} only for the quotas that are on and that the change raises.
   */
  public static Optional<VssException> check(
      Quotas quotas, Keyspace keyspace, Usage change, WriteView view) {
    if (quotas.userLevel() && (change.bytes() > 0 || change.records() > 0)) {
      Usage user = view.userUsage();
      if (exceeds(quotas.maxBytesPerUser(), user.bytes(), change.bytes())) {
        return Optional.of(
            VssException.quotaExceeded(
                Quotas.Kind.BYTES_PER_USER,
                "put would exceed the per-user quota of "
                    + quotas.maxBytesPerUser()
                    + " stored bytes (in use: "
                    + user.bytes()
                    + ", this put adds "
                    + change.bytes()
                    + ")"));
      }
      if (exceeds(quotas.maxRecordsPerUser(), user.records(), change.records())) {
        return Optional.of(
            VssException.quotaExceeded(
                Quotas.Kind.RECORDS_PER_USER,
                "put would exceed the per-user quota of "
                    + quotas.maxRecordsPerUser()
                    + " records (in use: "
                    + user.records()
                    + ", this put adds "
                    + change.records()
                    + ")"));
      }
    }
    if (quotas.maxBytesPerStore() > 0 && change.bytes() > 0) {
      Usage store = view.keyspaceUsage();
      if (exceeds(quotas.maxBytesPerStore(), store.bytes(), change.bytes())) {
        return Optional.of(
            VssException.quotaExceeded(
                Quotas.Kind.BYTES_PER_STORE,
                "put would exceed the per-store quota of "
                    + quotas.maxBytesPerStore()
                    + " stored bytes for store_id '"
                    + keyspace.storeId()
                    + "' (in use: "
                    + store.bytes()
                    + ", this put adds "
                    + change.bytes()
                    + ")"));
      }
    }
    return Optional.empty();
  }

  /** Whether a quota {@code limit} (0: off) refuses adding {@code added} to {@code inUse}. */
  private static boolean exceeds(long limit, long inUse, long added) {
    // Written as a subtraction so that no sum can overflow; inUse is never negative.
    return limit > 0 && added > 0 && added > limit - inUse;
  }
}
