package dev.vss.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vss.core.Keyspace;
import dev.vss.core.Limits;
import dev.vss.core.Quotas;
import dev.vss.core.VssService;
import dev.vss.core.spi.Usage;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import dev.vss.testkit.UsageScan;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The usage counters of a database the reference server wrote (which keeps no counters): counted at
 * first open, and counted again by {@link PostgresStorage#recountUsage} after the reference wrote
 * once more.
 */
class UsageCountTest {
  private static final TestPostgres POSTGRES = TestPostgres.shared();
  private static final Keyspace WALLET = new Keyspace("02ab", "wallet");

  /** Rows as the reference writes them: a NULL value, the global_version row, plain records. */
  private static void writeAsTheReference(Connection connection, String... rows) throws Exception {
    try (Statement statement = connection.createStatement()) {
      for (String row : rows) {
        statement.execute(
            "INSERT INTO vss_db (user_token, store_id, key, value, version,"
                + " created_at, last_updated_at) VALUES "
                + row);
      }
    }
  }

  @Test
  void aDatabaseTheReferenceWroteIsCountedAtOpenAndRecountedOnRequest() throws Exception {
    String database = TestPostgres.uniqueDatabase("usage");
    PostgresOptions options = POSTGRES.options(database);
    PostgresStorage.open(options).close(); // the schema, as the reference would have made it
    try (Connection c = POSTGRES.connect(database);
        Statement s = c.createStatement()) {
      // As if the reference had created and filled it: none of our counters.
      s.execute("DROP TABLE " + Schema.USAGE_TABLE);
      s.execute(
          "DELETE FROM " + Schema.META_TABLE + " WHERE name = '" + Schema.USAGE_COUNTED + "'");
      writeAsTheReference(
          c,
          "('02ab', 'wallet', 'a', decode('00010203', 'hex'), 1, now(), now())",
          "('02ab', 'wallet', 'n', NULL, 1, now(), now())",
          "('02ab', 'wallet', 'global_version', ''::bytea, 5, now(), now())",
          "('02ab', 'other', 'b', decode('0001', 'hex'), 3, now(), now())",
          "('03cd', 'wallet', 'c', decode('00', 'hex'), 1, now(), now())");
    }
    try (PostgresStorage storage = PostgresStorage.open(options)) {
      assertThat(storage.usage(WALLET))
          .isEqualTo(new Usage(4, 2))
          .isEqualTo(UsageScan.of(storage, WALLET));
      assertThat(storage.userUsage("02ab")).isEqualTo(new Usage(6, 3));
      assertThat(storage.userUsage("03cd")).isEqualTo(new Usage(1, 1));
      new VssService(storage, Limits.DEFAULTS, new Quotas(0, 0, 1000))
          .putObjects(
              "02ab",
              PutObjectRequest.newBuilder()
                  .setStoreId("wallet")
                  .addTransactionItems(
                      KeyValue.newBuilder()
                          .setKey("n")
                          .setVersion(1)
                          .setValue(ByteString.copyFromUtf8("12345")))
                  .build());
      assertThat(storage.usage(WALLET)).isEqualTo(new Usage(9, 2));
    }
    // The reference writes again: the counters cannot know; a recount puts them right.
    try (Connection c = POSTGRES.connect(database);
        Statement s = c.createStatement()) {
      writeAsTheReference(c, "('02ab', 'wallet', 'z', decode('000000', 'hex'), 1, now(), now())");
      s.execute("DELETE FROM vss_db WHERE user_token = '03cd'");
    }
    assertThat(PostgresStorage.recountUsage(options)).startsWith("2 keyspace(s), 4 record(s)");
    try (PostgresStorage storage = PostgresStorage.open(options)) {
      assertThat(storage.usage(WALLET))
          .isEqualTo(new Usage(12, 3))
          .isEqualTo(UsageScan.of(storage, WALLET));
      assertThat(storage.userUsage("03cd")).isEqualTo(Usage.ZERO);
    }
  }
}
