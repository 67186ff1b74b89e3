package dev.vss.store.sqlite;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.NullMarked;

/**
 * The outcome of {@link SqliteStorage#checkIntegrity()}: whether SQLite's {@code PRAGMA
 * integrity_check} and every record's checksums passed, and what was wrong if not.
 *
 * @param sqliteProblems what {@code integrity_check} reported (empty when it said "ok"); at most
 *     {@link #MAX_PROBLEMS}
 * @param recordProblems records whose checksums failed, each naming keyspace, key and sequence; at
 *     most {@link #MAX_PROBLEMS}
 * @param recordProblemCount every record problem found, also beyond those listed
 * @param recordsChecked records whose checksums were verified (rows and list-index entries)
 * @param elapsed how long the check took
 */
@NullMarked
public record IntegrityReport(
    List<String> sqliteProblems,
    List<String> recordProblems,
    long recordProblemCount,
    long recordsChecked,
    Duration elapsed) {
  /** The most problems of each kind a report lists. */
  public static final int MAX_PROBLEMS = 100;

  /**
   * Copies the lists.
   *
   * @param sqliteProblems what integrity_check reported
   * @param recordProblems records that failed their checksums
   * @param recordProblemCount all record problems found
   * @param recordsChecked records verified
   * @param elapsed how long it took
   */
  public IntegrityReport {
    sqliteProblems = List.copyOf(sqliteProblems);
    recordProblems = List.copyOf(recordProblems);
    Objects.requireNonNull(elapsed, "elapsed");
  }

  /**
   * Whether nothing was found.
   *
   * @return true when both SQLite's check and every checksum passed
   */
  public boolean ok() {
    return sqliteProblems.isEmpty() && recordProblemCount == 0;
  }
}
