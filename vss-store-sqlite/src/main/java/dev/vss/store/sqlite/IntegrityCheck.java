package dev.vss.store.sqlite;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks that read the whole file: SQLite's own ({@code PRAGMA quick_check}, {@code PRAGMA
 * integrity_check}) and the record checksums. Both run on a connection of their own, inside one
 * read transaction, so they see one consistent state and never block the writer (WAL mode).
 */
final class IntegrityCheck {
  private static final Logger LOG = System.getLogger(IntegrityCheck.class.getName());

  private IntegrityCheck() {}

  /** Which of SQLite's checks to run. */
  enum SqliteCheck {
    /**
     * {@code PRAGMA quick_check}: every page's structure, record formats and constraints; not
     * whether indexes match their tables. O(size of the file).
     */
    QUICK("quick_check"),
    /** {@code PRAGMA integrity_check}: also that every index holds exactly its table's rows. */
    FULL("integrity_check");

    final String pragma;

    SqliteCheck(String pragma) {
      this.pragma = pragma;
    }
  }

  /**
   * What SQLite's check reported, at most {@code max} lines; empty when it said "ok". Damage bad
   * enough to stop the check itself (SQLITE_CORRUPT, SQLITE_NOTADB) is reported as a problem too.
   */
  static List<String> sqlite(Connection connection, SqliteCheck check, int max)
      throws SQLException {
    List<String> problems = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("PRAGMA " + check.pragma + "(" + max + ")")) {
      while (rows.next()) {
        String line = rows.getString(1);
        if (!"ok".equals(line)) {
          problems.add(line.replaceAll("\\s+", " ")); // one line per problem in the log
        }
      }
    } catch (SQLException e) {
      if (!isDamage(e)) {
        throw e;
      }
      problems.add(check.pragma + " stopped: " + e.getMessage());
    }
    return problems;
  }

  /** Whether SQLite failed because the file is malformed, rather than for another reason. */
  static boolean isDamage(SQLException e) {
    int code = StoreHealth.primaryCode(e);
    return code == 11 || code == 26; // SQLITE_CORRUPT, SQLITE_NOTADB
  }

  /** SQLite's full check and every record's checksums, in one read transaction. */
  static IntegrityReport full(Connection connection) throws SQLException {
    long started = System.nanoTime();
    try (Statement transaction = connection.createStatement()) {
      // One snapshot for both parts: a record written between them is in neither or in both.
      transaction.execute("BEGIN");
      try (Statement statement = connection.createStatement()) {
        List<String> sqliteProblems =
            new ArrayList<>(sqlite(connection, SqliteCheck.FULL, IntegrityReport.MAX_PROBLEMS));
        Problems records = new Problems();
        long checked = 0;
        try {
          checked = verifyRows(statement, records) + verifyListIndex(statement, records);
        } catch (SQLException e) {
          if (!isDamage(e)) {
            throw e;
          }
          // Records past the damaged page cannot be read, so they cannot be verified either.
          sqliteProblems.add("reading the records stopped: " + e.getMessage());
        }
        return new IntegrityReport(
            sqliteProblems,
            records.listed,
            records.count,
            checked,
            Duration.ofNanos(System.nanoTime() - started));
      } finally {
        endReadTransaction(connection);
      }
    }
  }

  /**
   * Ends the read transaction on a fresh statement (a statement that failed on a damaged page may
   * report that failure again); a read transaction has nothing to lose, so a failure to end it
   * cleanly only matters in that the connection is closed right after.
   */
  private static void endReadTransaction(Connection connection) {
    try (Statement end = connection.createStatement()) {
      end.execute("ROLLBACK");
    } catch (SQLException e) {
      LOG.log(Level.DEBUG, "ending the integrity check's read transaction failed", e);
    }
  }

  /** Both checksums of every row, computed from the row's own columns. */
  private static long verifyRows(Statement statement, Problems problems) throws SQLException {
    long checked = 0;
    try (ResultSet rows =
        statement.executeQuery(
            "SELECT r.sequence, r.keyspace_id, r.key,"
                + " r.version, r.value, r.entry_crc, r.record_crc, k.user_token, k.store_id"
                + " FROM records r LEFT JOIN keyspaces k ON k.id = r.keyspace_id")) {
      while (rows.next()) {
        checked++;
        long sequence = rows.getLong(1);
        long keyspaceId = rows.getLong(2);
        byte[] key = rows.getBytes(3);
        long version = rows.getLong(4);
        byte[] value = rows.getBytes(5);
        int entry = rows.getInt(6);
        boolean entryMissing = rows.wasNull();
        int record = rows.getInt(7);
        boolean recordMissing = rows.wasNull();
        byte[] userToken = rows.getBytes(8);
        byte[] storeId = rows.getBytes(9);
        String where = where(userToken, storeId, key, sequence);
        if (key == null || userToken == null || storeId == null) {
          problems.add("record " + where + " has no key or belongs to no keyspace");
          continue;
        }
        RecordChecksum.Sums sums =
            RecordChecksum.of(
                keyspaceId, sequence, version, key, value == null ? new byte[0] : value);
        if (entryMissing || recordMissing || entry != sums.entry() || record != sums.record()) {
          problems.add("record " + where + " fails its checksum");
        }
      }
    }
    return checked;
  }

  /** The entry checksum of every entry of the list index, read from the index alone. */
  private static long verifyListIndex(Statement statement, Problems problems) throws SQLException {
    long checked = 0;
    try (ResultSet rows =
        statement.executeQuery(
            "SELECT keyspace_id, sequence, key, version,"
                + " entry_crc FROM records INDEXED BY records_by_sequence")) {
      while (rows.next()) {
        checked++;
        long keyspaceId = rows.getLong(1);
        long sequence = rows.getLong(2);
        byte[] key = rows.getBytes(3);
        int entry = rows.getInt(5);
        if (rows.wasNull()
            || key == null
            || entry != RecordChecksum.entry(keyspaceId, sequence, rows.getLong(4), key)) {
          problems.add(
              "list index entry of record sequence="
                  + sequence
                  + " (keyspace id "
                  + keyspaceId
                  + ") fails its checksum");
        }
      }
    }
    return checked;
  }

  private static String where(byte[] userToken, byte[] storeId, byte[] key, long sequence) {
    return "(user_token="
        + (userToken == null ? "?" : new String(userToken, UTF_8))
        + ", store_id="
        + (storeId == null ? "?" : new String(storeId, UTF_8))
        + ", key="
        + (key == null ? "?" : new String(key, UTF_8))
        + ", sequence="
        + sequence
        + ")";
  }

  /** Record problems: all counted, the first ones listed and logged. */
  private static final class Problems {
    final List<String> listed = new ArrayList<>();
    long count;

    void add(String problem) {
      count++;
      if (listed.size() < IntegrityReport.MAX_PROBLEMS) {
        listed.add(problem);
        LOG.log(Level.ERROR, "integrity check: " + problem);
      }
    }
  }
}
