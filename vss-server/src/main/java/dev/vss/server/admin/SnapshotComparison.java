package dev.vss.server.admin;

import dev.vss.core.Keyspace;
import dev.vss.core.spi.KeyspaceFilter;
import dev.vss.core.spi.Snapshot;
import dev.vss.core.spi.SnapshotKeyspace;
import dev.vss.core.spi.StoredRecord;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compares two snapshots record by record: keyspaces present on one side only, global versions, and
 * per keyspace the keys, versions, values (by SHA-256) and the creation order (the order a listing
 * shows). Creation sequences themselves are not compared: each store numbers its own.
 *
 * <p>Both snapshots stream keyspaces in {@link KeyspaceFilter#ORDER}, so they are merged in one
 * pass; one keyspace of each side is held in memory at a time (keys and value digests, not values).
 * A keyspace with no record and global version 0 counts as absent.
 */
final class SnapshotComparison {
  /** The most differences listed; all are counted. */
  static final int MAX_LISTED = 20;

  private final String left;
  private final String right;
  private final List<String> listed = new ArrayList<>();
  private long differences;
  private long keyspaces;
  private long records;

  private SnapshotComparison(String left, String right) {
    this.left = left;
    this.right = right;
  }

  /** One keyspace of one side: its global version and its records in creation order. */
  private record Side(long globalVersion, Map<String, Entry> records) {
    boolean empty() {
      return globalVersion == 0 && records.isEmpty();
    }
  }

  private record Entry(long version, byte[] digest) {}

  /** Compares {@code a} (called {@code left}) with {@code b} (called {@code right}). */
  static SnapshotComparison compare(
      Snapshot a,
      String left,
      Snapshot b,
      String right,
      Progress progress,
      Interruption interruption) {
    SnapshotComparison comparison = new SnapshotComparison(left, right);
    Optional<SnapshotKeyspace> x = a.nextKeyspace();
    Optional<SnapshotKeyspace> y = b.nextKeyspace();
    while (x.isPresent() || y.isPresent()) {
      interruption.check();
      int order =
          x.isEmpty()
              ? 1
              : y.isEmpty()
                  ? -1
                  : KeyspaceFilter.ORDER.compare(x.get().keyspace(), y.get().keyspace());
      if (order < 0) {
        Side side = read(a, x.get(), progress, interruption);
        if (!side.empty()) {
          comparison.differ(
              x.get().keyspace(), "only in " + left + " (" + side.records().size() + " records)");
        }
        x = a.nextKeyspace();
      } else if (order > 0) {
        Side side = read(b, y.get(), progress, interruption);
        if (!side.empty()) {
          comparison.differ(
              y.get().keyspace(), "only in " + right + " (" + side.records().size() + " records)");
        }
        y = b.nextKeyspace();
      } else {
        comparison.keyspace(
            x.get().keyspace(),
            read(a, x.get(), progress, interruption),
            read(b, y.get(), progress, interruption));
        x = a.nextKeyspace();
        y = b.nextKeyspace();
      }
    }
    return comparison;
  }

  private void keyspace(Keyspace keyspace, Side a, Side b) {
    keyspaces++;
    if (a.globalVersion() != b.globalVersion()) {
      differ(
          keyspace,
          "global version "
              + a.globalVersion()
              + " in "
              + left
              + ", "
              + b.globalVersion()
              + " in "
              + right);
    }
    List<String> orderA = new ArrayList<>();
    for (Map.Entry<String, Entry> record : a.records().entrySet()) {
      records++;
      Entry other = b.records().get(record.getKey());
      if (other == null) {
        differ(keyspace, "key \"" + record.getKey() + "\" only in " + left);
        continue;
      }
      orderA.add(record.getKey());
      if (other.version() != record.getValue().version()) {
        differ(
            keyspace,
            "key \""
                + record.getKey()
                + "\": version "
                + record.getValue().version()
                + " in "
                + left
                + ", "
                + other.version()
                + " in "
                + right);
      } else if (!Arrays.equals(other.digest(), record.getValue().digest())) {
        differ(keyspace, "key \"" + record.getKey() + "\": values differ");
      }
    }
    List<String> orderB = new ArrayList<>();
    for (String key : b.records().keySet()) {
      if (!a.records().containsKey(key)) {
        differ(keyspace, "key \"" + key + "\" only in " + right);
      } else {
        orderB.add(key);
      }
    }
    if (!orderA.equals(orderB)) {
      int at = 0;
      while (orderA.get(at).equals(orderB.get(at))) {
        at++;
      }
      differ(
          keyspace,
          "creation (listing) order differs from the "
              + (at + 1)
              + "th common key: \""
              + orderA.get(at)
              + "\" in "
              + left
              + ", \""
              + orderB.get(at)
              + "\" in "
              + right);
    }
  }

  private static Side read(
      Snapshot snapshot, SnapshotKeyspace keyspace, Progress progress, Interruption interruption) {
    Map<String, Entry> records = new LinkedHashMap<>();
    for (Optional<StoredRecord> record = snapshot.nextRecord();
        record.isPresent();
        record = snapshot.nextRecord()) {
      interruption.check();
      StoredRecord r = record.get();
      records.put(r.key(), new Entry(r.version(), sha256(r)));
      progress.add(1, r.value().size());
    }
    return new Side(keyspace.globalVersion(), records);
  }

  private static byte[] sha256(StoredRecord record) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (var buffer : record.value().asReadOnlyByteBufferList()) {
        digest.update(buffer);
      }
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void differ(Keyspace keyspace, String what) {
    differences++;
    if (listed.size() < MAX_LISTED) {
      listed.add(
          "user \""
              + keyspace.userToken()
              + "\", store_id \""
              + keyspace.storeId()
              + "\": "
              + what);
    }
  }

  /** Every difference found. */
  long differences() {
    return differences;
  }

  /** The first {@link #MAX_LISTED} differences. */
  List<String> listed() {
    return List.copyOf(listed);
  }

  /** Keyspaces present on both sides. */
  long commonKeyspaces() {
    return keyspaces;
  }

  /** Records compared on the left side of common keyspaces. */
  long records() {
    return records;
  }
}
