package dev.vss.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vss.core.spi.StorageException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page-token secret lives in the database file, survives reopening and is never replaced. */
class PageTokenSecretTableTest {
  @TempDir Path dir;

  private Connection connect() throws Exception {
    return DriverManager.getConnection(
        "jdbc:sqlite:" + dir.resolve(SqliteStorage.DATABASE_FILE_NAME));
  }

  @Test
  void theSecretIsStoredInTheFileAndKeptAcrossReopens() throws Exception {
    byte[] first;
    try (SqliteStorage storage = SqliteStorage.open(dir)) {
      first = storage.pageTokenSecret();
    }
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(PageTokenSecretTable.SELECT_SQL)) {
      assertThat(row.next()).isTrue();
      assertThat(row.getBytes(1)).isEqualTo(first);
    }
    try (SqliteStorage reopened = SqliteStorage.open(dir)) {
      assertThat(reopened.pageTokenSecret()).hasSize(32).isEqualTo(first);
    }
  }

  @Test
  void twoStoresHaveDifferentSecrets() {
    try (SqliteStorage one = SqliteStorage.open(dir.resolve("one"));
        SqliteStorage two = SqliteStorage.open(dir.resolve("two"))) {
      assertThat(one.pageTokenSecret()).isNotEqualTo(two.pageTokenSecret());
    }
  }

  @Test
  void aDamagedSecretIsReportedNotReplaced() throws Exception {
    SqliteStorage.open(dir).close();
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      statement.executeUpdate("UPDATE page_token_secret SET secret = x'0102'");
    }

    assertThatThrownBy(() -> SqliteStorage.open(dir))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("page-token secret is damaged");
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(PageTokenSecretTable.SELECT_SQL)) {
      assertThat(row.next()).isTrue();
      assertThat(row.getBytes(1)).containsExactly(1, 2);
    }
  }
}
