package dev.vss.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * One SQL statement prepared once per connection, and prepared again after a failure: sqlite-jdbc
 * finalizes a prepared statement when its execution fails with most error codes (I/O, disk full,
 * "no such savepoint", ...) without the statement reporting itself closed, and a connection that
 * kept using it would fail for ever after one transient fault. Owners therefore {@link
 * #invalidate()} their statements whenever a statement on the connection failed.
 */
final class PreparedSql {
  private final Connection connection;
  private final String sql;
  private PreparedStatement statement;

  PreparedSql(Connection connection, String sql) throws SQLException {
    this.connection = connection;
    this.sql = sql;
    this.statement = connection.prepareStatement(sql);
  }

  /** The prepared statement, preparing it first if it was invalidated. */
  PreparedStatement get() throws SQLException {
    if (statement == null) {
      statement = connection.prepareStatement(sql);
    }
    return statement;
  }

  /** Shorthand for statements without parameters or results. */
  void execute() throws SQLException {
    get().execute();
  }

  /** Drops the statement; the next {@link #get()} prepares it again. */
  void invalidate() {
    if (statement != null) {
      try {
        statement.close();
      } catch (SQLException e) {
        // Already finalized by the driver; nothing left to release.
      }
      statement = null;
    }
  }
}
