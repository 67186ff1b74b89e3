package dev.vss.server.admin;

import static dev.vss.server.admin.AdminFixture.admin;
import static dev.vss.server.admin.AdminFixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vss.core.Keyspace;
import dev.vss.core.spi.Storage;
import dev.vss.core.spi.Usage;
import dev.vss.server.admin.AdminFixture.Change;
import dev.vss.server.admin.AdminFixture.Delete;
import dev.vss.server.admin.AdminFixture.Kind;
import dev.vss.server.admin.AdminFixture.Put;
import dev.vss.server.admin.AdminFixture.SetGlobalVersion;
import dev.vss.store.sqlite.SqliteStorage;
import dev.vss.testkit.UsageScan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The admin commands other than the round trip: refusals, replace, delete-user, stats, backup. */
class AdminCommandsTest {
  private static final Keyspace ALICE_WALLET = new Keyspace("alice", "wallet");
  private static final Keyspace ALICE_EMPTY_ID = new Keyspace("alice", "");
  private static final Keyspace BOB_WALLET = new Keyspace("bob", "wallet");
  private static final List<Keyspace> ALL = List.of(ALICE_WALLET, ALICE_EMPTY_ID, BOB_WALLET);

  @TempDir Path dir;

  /**
   * alice/wallet: 10 records (two re-created), global version 3; alice/"": only a global version;
   * bob/wallet: 3 records.
   */
  private static List<Change> sample() {
    List<Change> changes = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      changes.add(new Put(ALICE_WALLET, "k" + i, i + 1, bytes("alice " + i)));
    }
    changes.add(new Delete(ALICE_WALLET, "k2"));
    changes.add(new Put(ALICE_WALLET, "k2", 5, bytes("again")));
    changes.add(new Put(ALICE_WALLET, "k0", 9, bytes("updated")));
    changes.add(new SetGlobalVersion(ALICE_WALLET, 3));
    changes.add(new SetGlobalVersion(ALICE_EMPTY_ID, 12));
    for (int i = 0; i < 3; i++) {
      changes.add(new Put(BOB_WALLET, "b" + i, 1, bytes("bob " + i)));
    }
    return changes;
  }

  private Path store(Kind kind, String name, List<Change> changes) {
    Path path = dir.resolve(name);
    try (Storage storage = kind.open(path)) {
      AdminFixture.apply(storage, changes);
    }
    return path;
  }

  private static String[] with(Kind kind, Path dataDir, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--store", kind.configName(), "--data-dir", dataDir.toString()));
    return all.toArray(String[]::new);
  }

  @ParameterizedTest
  @EnumSource(names = {"SQLITE", "ROCKSDB"})
  void importRefusesKeyspacesTheTargetHoldsUnlessReplace(Kind kind) throws Exception {
    Path source = store(kind, "source", sample());
    Path export = dir.resolve("alice.vssexport");
    AdminFixture.Run run =
        admin(with(kind, source, "export", "--out", export.toString(), "--user", "alice"));
    assertThat(run.status()).as(run.err()).isZero();
    Path target =
        store(
            kind,
            "target",
            List.of(
                new Put(ALICE_WALLET, "old", 1, bytes("old")),
                new SetGlobalVersion(ALICE_WALLET, 99),
                new Put(BOB_WALLET, "mine", 4, bytes("bob's"))));
    Map<Keyspace, List<String>> before = AdminFixture.visible(kind, target, ALL);

    run = admin(with(kind, target, "import", "--in", export.toString()));
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.errLines())
        .singleElement()
        .asString()
        .contains(
            "refused",
            "already holds 1 of" + " the export's 2 keyspaces",
            "alice",
            "--replace",
            "nothing was changed");
    assertThat(AdminFixture.visible(kind, target, ALL)).isEqualTo(before);

    run = admin(with(kind, target, "import", "--in", export.toString(), "--replace"));
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("imported 10 records in 2 keyspaces (1 replaced)");
    Map<Keyspace, List<String>> expected = AdminFixture.visible(kind, source, ALL);
    Map<Keyspace, List<String>> after = AdminFixture.visible(kind, target, ALL);
    assertThat(after.get(ALICE_WALLET)).isEqualTo(expected.get(ALICE_WALLET));
    assertThat(after.get(ALICE_EMPTY_ID)).isEqualTo(expected.get(ALICE_EMPTY_ID));
    assertThat(after.get(BOB_WALLET)).isEqualTo(before.get(BOB_WALLET));
  }

  @ParameterizedTest
  @EnumSource(names = {"SQLITE", "ROCKSDB"})
  void deleteUserRemovesEveryKeyspaceOfTheUserOnly(Kind kind) {
    Path data = store(kind, "data", sample());
    Map<Keyspace, List<String>> before = AdminFixture.visible(kind, data, ALL);
    AdminFixture.Run run = admin(with(kind, data, "delete-user", "--user", "alice"));
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("deleted user \"alice\": 2 keyspaces, 10 records");
    Map<Keyspace, List<String>> after = AdminFixture.visible(kind, data, ALL);
    assertThat(after.get(ALICE_WALLET)).containsExactly("global_version=0");
    assertThat(after.get(ALICE_EMPTY_ID)).containsExactly("global_version=0");
    assertThat(after.get(BOB_WALLET)).isEqualTo(before.get(BOB_WALLET));

    run = admin(with(kind, data, "stats"));
    assertThat(run.out()).contains("users        1", "keyspaces    1", "records      3");
  }

  @Test
  void deleteUserOfAMissingStoreCreatesNothing() {
    Path missing = dir.resolve("missing");
    AdminFixture.Run run = admin(with(Kind.SQLITE, missing, "delete-user", "--user", "alice"));
    assertThat(run.status()).isEqualTo(1);
    assertThat(missing).doesNotExist();
  }

  @ParameterizedTest
  @EnumSource(names = {"SQLITE", "ROCKSDB"})
  void statsCountUsersKeyspacesRecordsAndBytes(Kind kind) {
    Path data = store(kind, "data", sample());
    AdminFixture.Run run = admin(with(kind, data, "stats"));
    assertThat(run.status()).as(run.err()).isZero();
    // values: alice 0..9 is 7 bytes each but "again" (5) and "updated" (7): 8*7 + 5 + 7 = 68;
    // bob: 3 * 5 = 15.
    assertThat(run.out())
        .contains("users        2", "keyspaces    3", "records      13", "value bytes  83 ");
    run = admin(with(kind, data, "stats", "--user", "bob"));
    assertThat(run.out())
        .contains("user \"bob\"", "keyspaces    1", "records      3", "value bytes  15 ");
  }

  @ParameterizedTest
  @EnumSource(names = {"SQLITE", "ROCKSDB"})
  void statsShowUsageAgainstTheConfiguredQuotas(Kind kind) {
    Path data = store(kind, "data", sample());
    String[] quotas = {
      "--quota-max-bytes-per-user",
      "70",
      "--quota-max-records-per-user",
      "10",
      "--quota-max-bytes-per-store",
      "60"
    };
    AdminFixture.Run run = admin(with(kind, data, concat(new String[] {"stats"}, quotas)));
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out())
        .contains(
            "quotas (stored bytes are value bytes):",
            "bytes per user     fullest user \"alice\": 68 of 70 (97.1%); 0 user(s) over it",
            "records per user   fullest user \"alice\": 10 of 10 (100.0%); 0 user(s) over it",
            "bytes per store    fullest store \"alice\" / \"wallet\": 68 of 60 (113.3%)");
    run = admin(with(kind, data, concat(new String[] {"stats", "--user", "bob"}, quotas)));
    assertThat(run.out())
        .contains("bytes per user     15 of 70 (21.4%)", "records per user   3 of 10 (30.0%)");
    assertThat(admin(with(kind, data, "stats")).out()).doesNotContain("quotas");
  }

  /** Import and delete-user leave the usage counters equal to the data. */
  @ParameterizedTest
  @EnumSource(names = {"SQLITE", "ROCKSDB"})
  void importAndDeleteUserKeepTheUsageCountersRight(Kind kind) throws Exception {
    Path source = store(kind, "source", sample());
    Path export = dir.resolve("all.vssexport");
    assertThat(admin(with(kind, source, "export", "--out", export.toString())).status()).isZero();
    Path target =
        store(kind, "target", List.of(new Put(ALICE_WALLET, "old", 1, bytes("to be replaced"))));
    AdminFixture.Run run =
        admin(with(kind, target, "import", "--in", export.toString(), "--replace"));
    assertThat(run.status()).as(run.err()).isZero();
    try (Storage storage = kind.open(target)) {
      assertThat(storage.usage(ALICE_WALLET))
          .isEqualTo(new Usage(68, 10))
          .isEqualTo(UsageScan.of(storage, ALICE_WALLET));
      assertThat(storage.userUsage("bob")).isEqualTo(new Usage(15, 3));
    }
    assertThat(admin(with(kind, target, "delete-user", "--user", "alice")).status()).isZero();
    try (Storage storage = kind.open(target)) {
      assertThat(storage.userUsage("alice")).isEqualTo(Usage.ZERO);
      assertThat(storage.userUsage("bob")).isEqualTo(new Usage(15, 3));
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  @ParameterizedTest
  @EnumSource(names = {"SQLITE", "ROCKSDB"})
  void backupWhileTheStoreIsOpenGivesACopyTheStoreOpens(Kind kind) throws Exception {
    Path data = dir.resolve("data");
    Path copy = dir.resolve("backup");
    Map<Keyspace, List<String>> atBackup;
    try (Storage running = kind.open(data)) {
      AdminFixture.apply(running, sample());
      atBackup = AdminFixture.visible(running, ALL);
      AdminFixture.Run run = admin(with(kind, data, "backup", "--to", copy.toString()));
      assertThat(run.status()).as(run.err()).isZero();
      assertThat(run.out()).contains("backed up", "restore");
      // Writes after the backup are not in it.
      AdminFixture.apply(running, List.of(new Put(BOB_WALLET, "later", 1, bytes("later"))));
    }
    assertThat(AdminFixture.visible(kind, copy, ALL)).isEqualTo(atBackup);
    assertThat(copy.resolveSibling("backup.partial")).doesNotExist();

    AdminFixture.Run again = admin(with(kind, data, "backup", "--to", copy.toString()));
    assertThat(again.status()).isEqualTo(1);
    assertThat(again.err()).contains("not empty");
  }

  @Test
  void rocksDbBackupOfAStoppedStoreIsACheckpoint() {
    Path data = store(Kind.ROCKSDB, "data", sample());
    Path copy = dir.resolve("backup");
    AdminFixture.Run run = admin(with(Kind.ROCKSDB, data, "backup", "--to", copy.toString()));
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("RocksDB checkpoint");
    assertThat(AdminFixture.visible(Kind.ROCKSDB, copy, ALL))
        .isEqualTo(AdminFixture.visible(Kind.ROCKSDB, data, ALL));
  }

  @ParameterizedTest
  @EnumSource(names = {"SQLITE", "ROCKSDB"})
  void exportWorksWhileTheStoreIsOpenAndImportIsRefused(Kind kind) throws Exception {
    Path data = dir.resolve("data");
    Path export = dir.resolve("online.vssexport");
    try (Storage running = kind.open(data)) {
      AdminFixture.apply(running, sample());
      AdminFixture.Run run = admin(with(kind, data, "export", "--out", export.toString()));
      assertThat(run.status()).as(run.err()).isZero();
      assertThat(run.out()).contains("exported 13 records in 3 keyspaces");

      run = admin(with(kind, data, "import", "--in", export.toString(), "--replace"));
      assertThat(run.status()).isEqualTo(1);
      assertThat(run.errLines()).singleElement().asString().contains("cannot open", "for writing");
      run = admin(with(kind, data, "delete-user", "--user", "bob"));
      assertThat(run.status()).isEqualTo(1);
      assertThat(AdminFixture.visible(running, ALL).get(BOB_WALLET)).hasSize(4);
    }
    AdminFixture.Run verify = admin(with(kind, data, "verify", "--against", export.toString()));
    assertThat(verify.status()).as(verify.out() + verify.err()).isZero();
    assertThat(verify.out()).contains("integrity", "ok", "are equal");
  }

  @Test
  void verifyReportsEachDifference() throws Exception {
    Path data = store(Kind.SQLITE, "data", sample());
    Path export = dir.resolve("before.vssexport");
    assertThat(admin(with(Kind.SQLITE, data, "export", "--out", export.toString())).status())
        .isZero();
    try (Storage storage = Kind.SQLITE.open(data)) {
      AdminFixture.apply(
          storage,
          List.of(
              new Put(ALICE_WALLET, "k5", 6, bytes("changed")),
              new Put(BOB_WALLET, "b1", 7, bytes("bob 1")),
              new Delete(BOB_WALLET, "b2"),
              new SetGlobalVersion(ALICE_WALLET, 4)));
    }
    AdminFixture.Run run = admin(with(Kind.SQLITE, data, "verify", "--against", export.toString()));
    assertThat(run.status()).isEqualTo(3);
    assertThat(run.out())
        .contains(
            "DIFFER",
            "4 difference(s)",
            "global version 4",
            "key \"k5\": values differ",
            "key \"b1\": version 7",
            "key \"b2\" only in export");
  }

  @Test
  void aDamagedSqliteRecordFailsVerifyAndExport() throws Exception {
    Path data = store(Kind.SQLITE, "data", sample());
    try (Connection connection =
            DriverManager.getConnection(
                "jdbc:sqlite:" + data.resolve(SqliteStorage.DATABASE_FILE_NAME));
        Statement statement = connection.createStatement()) {
      // A changed value the record checksum no longer matches, as a flipped bit on disk would be.
      statement.executeUpdate("UPDATE records SET value = x'00' WHERE sequence = 4");
    }
    AdminFixture.Run run = admin(with(Kind.SQLITE, data, "verify"));
    assertThat(run.status()).isEqualTo(3);
    assertThat(run.out()).contains("DAMAGED", "fails its checksum");

    Path export = dir.resolve("never.vssexport");
    run = admin(with(Kind.SQLITE, data, "export", "--out", export.toString()));
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.errLines()).singleElement().asString().contains("fails its checksum");
    assertThat(export).doesNotExist();
    assertThat(export.resolveSibling("never.vssexport.partial")).doesNotExist();
  }

  @Test
  void anInterruptedExportLeavesNoFile() {
    Path data = store(Kind.SQLITE, "data", sample());
    Path export = dir.resolve("cut.vssexport");
    Interruption interruption = Interruption.none();
    interruption.request();
    AdminFixture.Run run =
        admin(interruption, with(Kind.SQLITE, data, "export", "--out", export.toString()));
    assertThat(run.status()).isEqualTo(130);
    assertThat(export).doesNotExist();
    assertThat(export.resolveSibling("cut.vssexport.partial")).doesNotExist();
  }

  @Test
  void badUsageIsOneLineWithStatus2() {
    assertThat(admin("frobnicate").status()).isEqualTo(2);
    AdminFixture.Run run = admin("export", "--store", "sqlite", "--data-dir", dir.toString());
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.errLines()).singleElement().asString().contains("--out FILE|- is required");
    run = admin("export", "--store", "memory", "--out", dir.resolve("x").toString());
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("memory store keeps nothing");
    run = admin("export", "--store-id", "w", "--out", "x");
    assertThat(run.status()).isEqualTo(2);
    assertThat(admin("--help").out())
        .contains("export", "import", "backup", "verify", "delete-user", "stats", "recount-usage");
    run = admin("recount-usage", "--store", "sqlite", "--data-dir", dir.toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("refused: only a PostgreSQL database needs a recount");
    assertThat(Files.exists(dir.resolve("x"))).isFalse();
  }
}
