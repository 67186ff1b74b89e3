package dev.vss.store.sqlite;

import dev.vss.core.spi.StorageException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What readiness knows without scanning anything: two sticky conditions, set by the statements that
 * hit them and read by {@link SqliteStorage#checkHealth()}.
 *
 * <ul>
 *   <li><b>Write fault</b>: a write failed for a storage reason (disk full, I/O error, read-only
 *       file, ...). Cleared by the next batch or write probe that commits without one.
 *   <li><b>Damage</b>: SQLite reported the file malformed ({@code SQLITE_CORRUPT}, {@code
 *       SQLITE_NOTADB}) to any statement, or the integrity check found a problem. Damage does not
 *       heal by itself: cleared only by a full integrity check that passes.
 * </ul>
 */
final class StoreHealth {
  private static final Logger LOG = System.getLogger(StoreHealth.class.getName());

  // Primary SQLite result codes (https://www.sqlite.org/rescode.html).
  private static final int SQLITE_NOMEM = 7;
  private static final int SQLITE_READONLY = 8;
  private static final int SQLITE_IOERR = 10;
  private static final int SQLITE_CORRUPT = 11;
  private static final int SQLITE_FULL = 13;
  private static final int SQLITE_CANTOPEN = 14;
  private static final int SQLITE_PROTOCOL = 15;
  private static final int SQLITE_NOTADB = 26;

  private final AtomicReference<String> writeFault = new AtomicReference<>();
  private final AtomicReference<String> damage = new AtomicReference<>();

  /**
   * Records a failed write statement; returns whether it was a storage fault (which keeps the store
   * not ready until a commit succeeds).
   */
  boolean noteWriteFailure(SQLException failure) {
    int code = primaryCode(failure);
    noteDamageIf(code, failure);
    boolean fault =
        switch (code) {
          case SQLITE_NOMEM,
              SQLITE_READONLY,
              SQLITE_IOERR,
              SQLITE_CORRUPT,
              SQLITE_FULL,
              SQLITE_CANTOPEN,
              SQLITE_PROTOCOL,
              SQLITE_NOTADB ->
              true;
          default -> false;
        };
    if (fault && writeFault.getAndSet(failure.getMessage()) == null) {
      LOG.log(
          Level.ERROR,
          "SQLite storage cannot take writes ("
              + failure.getMessage()
              + "); readiness fails until a write commits");
    }
    return fault;
  }

  /** Records a failed read statement: only damage matters for readiness. */
  void noteReadFailure(SQLException failure) {
    noteDamageIf(primaryCode(failure), failure);
  }

  /** A batch or probe committed without a storage fault: the store takes writes again. */
  void writesSucceeded() {
    if (writeFault.getAndSet(null) != null) {
      LOG.log(Level.INFO, "SQLite storage takes writes again");
    }
  }

  /** Whether a write fault is pending. */
  boolean writeFaultPending() {
    return writeFault.get() != null;
  }

  /** Marks the file damaged, with what was found, until an integrity check passes. */
  void noteDamage(String what) {
    if (damage.getAndSet(what) == null) {
      LOG.log(
          Level.ERROR,
          "SQLite storage is DAMAGED ("
              + what
              + "); readiness fails until"
              + " SqliteStorage.checkIntegrity() passes");
    }
  }

  /** A full integrity check passed. */
  void damageCleared() {
    if (damage.getAndSet(null) != null) {
      LOG.log(Level.INFO, "SQLite storage passed its integrity check; the damage mark is cleared");
    }
  }

  /** Throws if the file is known damaged or the last write failed for a storage reason. */
  void throwIfDamaged() {
    String found = damage.get();
    if (found != null) {
      throw new StorageException("SQLite database is damaged: " + found);
    }
  }

  /** The pending write fault, or null. */
  String writeFault() {
    return writeFault.get();
  }

  private void noteDamageIf(int code, SQLException failure) {
    if (IntegrityCheck.isDamage(failure)) {
      noteDamage(failure.getMessage());
    }
  }

  /** The primary SQLite result code of the first SQLException in the chain that has one. */
  static int primaryCode(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getErrorCode() != 0) {
        return sql.getErrorCode() & 0xff;
      }
    }
    return 0;
  }
}
