package dev.vss.server.admin;

import static dev.vss.server.admin.AdminFixture.admin;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vss.core.Keyspace;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.core.spi.KeyspaceFilter;
import dev.vss.core.spi.Storage;
import dev.vss.server.admin.AdminFixture.Change;
import dev.vss.server.admin.AdminFixture.Delete;
import dev.vss.server.admin.AdminFixture.Kind;
import dev.vss.server.admin.AdminFixture.Put;
import dev.vss.server.admin.AdminFixture.SetGlobalVersion;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.PropertyDefaults;
import net.jqwik.api.Provide;

/**
 * Export from every store, import into every other (through the admin commands): what a client sees
 * afterwards is what it saw before, keyspace by keyspace: the global version, and the full listing
 * in its order with every key's version and value. The changes include deletes and re-creations, so
 * creation sequences have gaps and differ from key order.
 */
@PropertyDefaults(tries = 6, shrinking = net.jqwik.api.ShrinkingMode.OFF)
class RoundTripProperties {
  static final List<Keyspace> KEYSPACES =
      List.of(
          new Keyspace("alice", ""),
          new Keyspace("alice", "wallet"),
          new Keyspace("bob", "wallet"),
          new Keyspace("b\u00f6b \ud83d\ude00", "w/2"),
          new Keyspace("bob", "wallet2"));

  @Property
  void memoryToSqlite(@ForAll("changes") List<Change> changes) throws Exception {
    roundTrip(Kind.MEMORY, Kind.SQLITE, changes);
  }

  @Property
  void memoryToRocksDb(@ForAll("changes") List<Change> changes) throws Exception {
    roundTrip(Kind.MEMORY, Kind.ROCKSDB, changes);
  }

  @Property
  void sqliteToRocksDb(@ForAll("changes") List<Change> changes) throws Exception {
    roundTrip(Kind.SQLITE, Kind.ROCKSDB, changes);
  }

  @Property
  void rocksDbToSqlite(@ForAll("changes") List<Change> changes) throws Exception {
    roundTrip(Kind.ROCKSDB, Kind.SQLITE, changes);
  }

  @Property(tries = 3)
  void sqliteToSqlite(@ForAll("changes") List<Change> changes) throws Exception {
    roundTrip(Kind.SQLITE, Kind.SQLITE, changes);
  }

  @Property(tries = 3)
  void rocksDbToRocksDb(@ForAll("changes") List<Change> changes) throws Exception {
    roundTrip(Kind.ROCKSDB, Kind.ROCKSDB, changes);
  }

  private void roundTrip(Kind from, Kind to, List<Change> changes) throws IOException {
    Path work = Files.createTempDirectory("vss-roundtrip");
    try {
      Path source = work.resolve("source");
      Path target = work.resolve("target");
      Path export = work.resolve("all.vssexport");
      Map<Keyspace, List<String>> before;
      if (from == Kind.MEMORY) {
        try (InMemoryStorage memory = new InMemoryStorage();
            OutputStream out = new BufferedOutputStream(Files.newOutputStream(export))) {
          AdminFixture.apply(memory, changes);
          before = AdminFixture.visible(memory, KEYSPACES);
          ExportCommand.export(memory, KeyspaceFilter.ALL, out, context());
        }
      } else {
        try (Storage storage = from.open(source)) {
          AdminFixture.apply(storage, changes);
          before = AdminFixture.visible(storage, KEYSPACES);
        }
        AdminFixture.Run exported =
            admin(
                "export",
                "--store",
                from.configName(),
                "--data-dir",
                source.toString(),
                "--out",
                export.toString());
        assertThat(exported.status()).as(exported.err()).isZero();
      }
      AdminFixture.Run imported =
          admin(
              "import",
              "--store",
              to.configName(),
              "--data-dir",
              target.toString(),
              "--in",
              export.toString());
      assertThat(imported.status()).as(imported.err()).isZero();
      assertThat(AdminFixture.visible(to, target, KEYSPACES)).isEqualTo(before);

      if (from != Kind.MEMORY) {
        AdminFixture.Run verified =
            admin(
                "verify",
                "--store",
                to.configName(),
                "--data-dir",
                target.toString(),
                "--against-store",
                from.configName(),
                "--against-data-dir",
                source.toString());
        assertThat(verified.status()).as(verified.out() + verified.err()).isZero();
      }
      AdminFixture.Run againstFile =
          admin(
              "verify",
              "--store",
              to.configName(),
              "--data-dir",
              target.toString(),
              "--against",
              export.toString());
      assertThat(againstFile.status()).as(againstFile.out() + againstFile.err()).isZero();
    } finally {
      AdminFixture.deleteTree(work);
    }
  }

  static Admin.Context context() {
    return new Admin.Context(
        "export",
        Admin.Options.parse("export", List.of()),
        null,
        System.out,
        System.err,
        Interruption.none(),
        false);
  }

  @Provide
  Arbitrary<List<Change>> changes() {
    return changeLists();
  }

  /** Puts, deletes (so re-creations) and global versions over {@link #KEYSPACES}. */
  static Arbitrary<List<Change>> changeLists() {
    Arbitrary<Keyspace> keyspace = Arbitraries.of(KEYSPACES);
    Arbitrary<String> key =
        Arbitraries.of(
            "k0", "k1", "k2", "k3", "k4", "k5", "k6", "\u00e9t\u00e9", "a/b", "k\ud83d\ude00");
    Arbitrary<byte[]> value = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
    Arbitrary<Change> put =
        Combinators.combine(keyspace, key, Arbitraries.longs().between(0, 9), value)
            .as((k, name, version, bytes) -> (Change) new Put(k, name, version, bytes));
    Arbitrary<Change> delete =
        Combinators.combine(keyspace, key).as((k, name) -> (Change) new Delete(k, name));
    Arbitrary<Change> globalVersion =
        Combinators.combine(keyspace, Arbitraries.longs().between(0, 50))
            .as((k, v) -> (Change) new SetGlobalVersion(k, v));
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, put),
            net.jqwik.api.Tuple.of(2, delete),
            net.jqwik.api.Tuple.of(1, globalVersion))
        .list()
        .ofMinSize(0)
        .ofMaxSize(60)
        .map(ArrayList::new);
  }
}
