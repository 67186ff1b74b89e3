package dev.vss.core.rules;

import dev.vss.core.VssException;
import dev.vss.core.spi.WritePlan;
import dev.vss.core.spi.WritePlan.Upsert;
import dev.vss.core.spi.WriteView;
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import dev.vss.protocol.Versions;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The conflict decisions of putObjects and deleteObject (SPEC section 4), as pure functions from a
 * {@link WriteView} to a {@link WritePlan}. Requests must already have passed {@link
 * RequestValidation}.
 *
 * <p>A plan's result is a {@link WriteOutcome}: {@link WriteOutcome#APPLIED} when the request
 * succeeds, or {@link WriteOutcome.Rejected} with the CONFLICT to report, whose plan is an abort,
 * so on conflict the keyspace is unchanged.
 */
public final class ConflictRules {
  private ConflictRules() {}

  /**
   * Decides a putObjects transaction.
   *
   * <ol>
   *   <li>A present {@code global_version} must equal the stored one.
   *   <li>Item version {@code -1} upserts and stores version 1; {@code 0} creates (the key must not
   *       exist) and stores 1; {@code n > 0} requires stored version {@code n} and stores {@code n
   *       + 1}, saturating at {@link Long#MAX_VALUE}.
   *   <li>Delete version {@code -1} requires the key to exist; {@code n >= 0} requires stored
   *       version {@code n}.
   *   <li>If every check passes, all upserts, deletes and {@code global_version + 1} (when a global
   *       version was given) apply together; otherwise nothing does.
   * </ol>
   */
  public static WritePlan<WriteOutcome> decidePut(PutObjectRequest request, WriteView view) {
    if (request.hasGlobalVersion() && request.getGlobalVersion() != view.globalVersion()) {
      return reject(
          VssException.conflict(
              "global_version mismatch: request has "
                  + request.getGlobalVersion()
                  + ", stored is "
                  + view.globalVersion()));
    }
    List<Upsert> upserts = new ArrayList<>(request.getTransactionItemsCount());
    for (KeyValue item : request.getTransactionItemsList()) {
      OptionalLong stored = view.version(item.getKey());
      long requested = item.getVersion();
      if (requested == 0 && stored.isPresent()) {
        return reject(
            VssException.conflict(
                "key '"
                    + item.getKey()
                    + "' already exists (version "
                    + stored.getAsLong()
                    + "); version 0 only creates"));
      }
      if (requested > 0 && (stored.isEmpty() || stored.getAsLong() != requested)) {
        return reject(versionMismatch(item.getKey(), requested, stored));
      }
      upserts.add(new Upsert(item.getKey(), Versions.afterPut(requested), item.getValue()));
    }
    List<String> deletes = new ArrayList<>(request.getDeleteItemsCount());
    for (KeyValue item : request.getDeleteItemsList()) {
      OptionalLong stored = view.version(item.getKey());
      if (stored.isEmpty()) {
        return reject(
            VssException.conflict(
                "delete of key '" + item.getKey() + "' failed: the key does not exist"));
      }
      if (item.getVersion() != -1 && stored.getAsLong() != item.getVersion()) {
        return reject(versionMismatch(item.getKey(), item.getVersion(), stored));
      }
      deletes.add(item.getKey());
    }
    OptionalLong newGlobalVersion =
        request.hasGlobalVersion()
            ? OptionalLong.of(Versions.next(view.globalVersion()))
            : OptionalLong.empty();
    return WritePlan.apply(upserts, deletes, newGlobalVersion, WriteOutcome.APPLIED);
  }

  /**
   * Decides a deleteObject: version {@code -1} deletes whatever is stored, {@code n >= 0} deletes
   * only if the stored version is {@code n}. A missing key or a mismatch is not an error: the plan
   * aborts, nothing is deleted, and the outcome is still {@link WriteOutcome#APPLIED}.
   */
  public static WritePlan<WriteOutcome> decideDelete(DeleteObjectRequest request, WriteView view) {
    KeyValue target = request.getKeyValue();
    OptionalLong stored = view.version(target.getKey());
    boolean matches =
        stored.isPresent()
            && (target.getVersion() == -1 || target.getVersion() == stored.getAsLong());
    return matches
        ? WritePlan.apply(
            List.of(), List.of(target.getKey()), OptionalLong.empty(), WriteOutcome.APPLIED)
        : WritePlan.abort(WriteOutcome.APPLIED);
  }

  /** An abort that reports {@code conflict} (or any refusal: quotas use it too). */
  static WritePlan<WriteOutcome> reject(VssException conflict) {
    return WritePlan.abort(WriteOutcome.rejected(conflict));
  }

  private static VssException versionMismatch(String key, long requested, OptionalLong stored) {
    return VssException.conflict(
        "version mismatch for key '"
            + key
            + "': request has "
            + requested
            + ", stored is "
            + (stored.isPresent() ? Long.toString(stored.getAsLong()) : "none"));
  }
}
