package dev.vss.store.sqlite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.SplittableRandom;

/**
 * Measures what the integrity features cost (numbers in the module README); not a test. Arguments:
 * data directory (must not exist), records, value bytes.
 *
 * <ol>
 *   <li>Builds a schema-1 file (the release without checksums) with that many records in one
 *       keyspace, in one transaction.
 *   <li>Opens it: migration 2 computes every checksum (timed from the log line).
 *   <li>Times {@code PRAGMA quick_check}, an open with {@code QUICK} against one with {@code NONE},
 *       and {@link SqliteStorage#checkIntegrity()}.
 *   <li>Times the checksum of one record of that value size.
 * </ol>
 *
 * The file is in the page cache (it was just written): these are warm-cache numbers.
 */
public final class IntegrityCost {
  private IntegrityCost() {}

  /** See the class comment. */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int records = Integer.parseInt(args[1]);
    int valueBytes = Integer.parseInt(args[2]);
    Files.createDirectories(dir);
    Path file = dir.resolve(SqliteStorage.DATABASE_FILE_NAME);
    long t0 = System.nanoTime();
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = connection.createStatement()) {
      Schema.migrate(connection, Schema.MIGRATIONS.subList(0, 1));
      statement.execute("BEGIN");
      statement.execute(
          "INSERT INTO keyspaces (id, user_token, store_id) VALUES (1,"
              + " CAST('alice' AS BLOB), CAST('wallet' AS BLOB))");
      SplittableRandom random = new SplittableRandom(1);
      byte[] value = new byte[valueBytes];
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO records (sequence, keyspace_id, key, version, value)"
                  + " VALUES (?, 1, ?, 1, ?)")) {
        for (int i = 1; i <= records; i++) {
          random.nextBytes(value);
          insert.setLong(1, i);
          insert.setBytes(2, ("key/" + i).getBytes());
          insert.setBytes(3, value);
          insert.executeUpdate();
        }
      }
      statement.execute("UPDATE sequence_counter SET last_sequence = " + records);
      statement.execute("COMMIT");
    }
    System.out.printf(
        "built %d records of %d bytes: %d MB file in %d ms%n",
        records, valueBytes, Files.size(file) >> 20, ms(t0));

    t0 = System.nanoTime();
    SqliteStorage.open(dir, SqliteOptions.DEFAULTS.withOpenCheck(SqliteOptions.OpenCheck.NONE))
        .close();
    System.out.printf(
        "first open (migration 2 backfill, no check): %d ms; file now %d MB%n",
        ms(t0), Files.size(file) >> 20);

    for (int round = 0; round < 2; round++) {
      try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
          Statement statement = connection.createStatement()) {
        t0 = System.nanoTime();
        try (ResultSet rows = statement.executeQuery("PRAGMA quick_check")) {
          rows.next();
          System.out.printf("PRAGMA quick_check: %s in %d ms%n", rows.getString(1), ms(t0));
        }
      }
      t0 = System.nanoTime();
      SqliteStorage.open(dir, SqliteOptions.DEFAULTS.withOpenCheck(SqliteOptions.OpenCheck.NONE))
          .close();
      long none = ms(t0);
      t0 = System.nanoTime();
      SqliteStorage.open(dir).close();
      System.out.printf("open NONE %d ms, open QUICK (default) %d ms%n", none, ms(t0));
      try (SqliteStorage storage =
          SqliteStorage.open(
              dir, SqliteOptions.DEFAULTS.withOpenCheck(SqliteOptions.OpenCheck.NONE))) {
        t0 = System.nanoTime();
        IntegrityReport report = storage.checkIntegrity();
        System.out.printf(
            "checkIntegrity: ok=%s, %d checksums, %d ms%n",
            report.ok(), report.recordsChecked(), ms(t0));
      }
    }

    byte[] key = "key/123456".getBytes();
    byte[] value = new byte[valueBytes];
    long sink = 0;
    for (int round = 0; round < 3; round++) {
      int n = 2_000_000;
      t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        sink += RecordChecksum.of(1, i, 1, key, value).record();
      }
      System.out.printf(
          "checksum of one record (%d-byte value): %.0f ns%n",
          valueBytes, (System.nanoTime() - t0) / (double) n);
    }
    System.out.println(sink == 42 ? "" : "done");
  }

  private static long ms(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }
}
