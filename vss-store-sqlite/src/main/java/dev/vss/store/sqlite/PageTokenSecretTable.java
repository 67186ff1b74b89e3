package dev.vss.store.sqlite;

import dev.vss.core.rules.PageToken;
import dev.vss.core.spi.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The store's page-token secret ({@link dev.vss.core.spi.Storage#pageTokenSecret()}), kept in the
 * database file next to the data it protects, in a one-row table of its own:
 *
 * <pre>
 * page_token_secret (id INTEGER PRIMARY KEY CHECK (id = 1), secret BLOB NOT NULL)
 * </pre>
 *
 * <p>The table is created if missing rather than by a schema migration: it is additive, no other
 * table refers to it, and a build that does not know it simply ignores it. The secret is made once,
 * from a secure random source, in the same immediate transaction that finds it missing, so two
 * processes opening a new file at once still end up with one secret.
 */
final class PageTokenSecretTable {
  static final String CREATE_SQL =
      "CREATE TABLE IF NOT EXISTS page_token_secret ("
          + " id INTEGER PRIMARY KEY CHECK (id = 1),"
          + " secret BLOB NOT NULL)";
  static final String INSERT_SQL =
      "INSERT OR IGNORE INTO page_token_secret (id, secret) VALUES (1, ?)";
  static final String SELECT_SQL = "SELECT secret FROM page_token_secret WHERE id = 1";

  private PageTokenSecretTable() {}

  /**
   * Reads the secret from {@code connection}'s file, creating the table and the secret first if the
   * file has none. Runs its own transaction; call it while nothing else uses the connection.
   *
   * @throws StorageException if SQLite fails or the stored secret is not {@value
   *     PageToken#SECRET_BYTES} bytes (a damaged file: reported, never replaced, so that a
   *     corruption does not go unnoticed)
   */
  static byte[] loadOrCreate(Connection connection) {
    byte[] secret;
    try (Statement statement = connection.createStatement()) {
      statement.execute("BEGIN IMMEDIATE");
      try {
        statement.execute(CREATE_SQL);
        try (PreparedStatement insert = connection.prepareStatement(INSERT_SQL)) {
          insert.setBytes(1, PageToken.newSecret());
          insert.executeUpdate();
        }
        try (ResultSet row = statement.executeQuery(SELECT_SQL)) {
          secret = row.next() ? row.getBytes(1) : null;
        }
        statement.execute("COMMIT");
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(statement, e);
        throw e;
      }
    } catch (SQLException e) {
      throw new StorageException("reading or creating the page-token secret failed", e);
    }
    if (secret == null || secret.length != PageToken.SECRET_BYTES) {
      throw new StorageException(
          "the stored page-token secret is damaged: expected "
              + PageToken.SECRET_BYTES
              + " bytes, found "
              + (secret == null ? "none" : secret.length + " bytes"));
    }
    return secret;
  }

  private static void rollbackQuietly(Statement statement, Exception cause) {
    try {
      statement.execute("ROLLBACK");
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
