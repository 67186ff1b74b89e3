package dev.vss.server.admin;

import com.google.protobuf.ByteString;
import dev.vss.core.Keyspace;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.core.rules.WriteOutcome;
import dev.vss.core.spi.KeyVersion;
import dev.vss.core.spi.Storage;
import dev.vss.core.spi.WritePlan;
import dev.vss.store.rocksdb.RocksDbStorage;
import dev.vss.store.sqlite.SqliteStorage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;

/** Stores, data and command runs shared by the admin tests. */
final class AdminFixture {
  private AdminFixture() {}

  /** The stores the tests move data between. */
  enum Kind {
    MEMORY,
    SQLITE,
    ROCKSDB;

    String configName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    Storage open(Path dir) {
      return switch (this) {
        case MEMORY -> new InMemoryStorage();
        case SQLITE -> SqliteStorage.open(dir);
        case ROCKSDB -> RocksDbStorage.open(dir);
      };
    }
  }

  /** One change to a store, applied through the storage SPI. */
  sealed interface Change permits Put, Delete, SetGlobalVersion {}

  record Put(Keyspace keyspace, String key, long version, byte[] value) implements Change {}

  record Delete(Keyspace keyspace, String key) implements Change {}

  record SetGlobalVersion(Keyspace keyspace, long globalVersion) implements Change {}

  static void apply(Storage storage, List<Change> changes) {
    for (Change change : changes) {
      if (change instanceof Put put) {
        storage.write(
            put.keyspace(),
            Set.of(put.key()),
            view ->
                WritePlan.apply(
                    List.of(
                        new WritePlan.Upsert(
                            put.key(), put.version(), ByteString.copyFrom(put.value()))),
                    List.of(),
                    OptionalLong.empty(),
                    WriteOutcome.APPLIED));
      } else if (change instanceof Delete delete) {
        storage.write(
            delete.keyspace(),
            Set.of(delete.key()),
            view ->
                WritePlan.apply(
                    List.of(), List.of(delete.key()), OptionalLong.empty(), WriteOutcome.APPLIED));
      } else if (change instanceof SetGlobalVersion gv) {
        storage.write(
            gv.keyspace(),
            Set.of(),
            view ->
                WritePlan.apply(
                    List.of(),
                    List.of(),
                    OptionalLong.of(gv.globalVersion()),
                    WriteOutcome.APPLIED));
      }
    }
  }

  /**
   * What a client can see of {@code keyspaces}: per keyspace, the global version and the full
   * listing (newest first, as served) with each key's version and value.
   */
  static Map<Keyspace, List<String>> visible(Storage storage, List<Keyspace> keyspaces) {
    Map<Keyspace, List<String>> all = new LinkedHashMap<>();
    for (Keyspace keyspace : keyspaces) {
      List<String> lines = new ArrayList<>();
      lines.add("global_version=" + storage.globalVersion(keyspace));
      long before = Long.MAX_VALUE;
      while (true) {
        List<KeyVersion> page = storage.list(keyspace, "", before, 3);
        if (page.isEmpty()) {
          break;
        }
        for (KeyVersion entry : page) {
          ByteString value = storage.get(keyspace, entry.key()).orElseThrow().value();
          lines.add(
              entry.key()
                  + "@"
                  + entry.version()
                  + "="
                  + HexFormat.of().formatHex(value.toByteArray()));
          before = entry.sequence();
        }
      }
      all.put(keyspace, lines);
    }
    return all;
  }

  /** The visible state of a store on disk, opened and closed for the purpose. */
  static Map<Keyspace, List<String>> visible(Kind kind, Path dir, List<Keyspace> keyspaces) {
    try (Storage storage = kind.open(dir)) {
      return visible(storage, keyspaces);
    }
  }

  /** The outcome of one admin command run in-process. */
  record Run(int status, String out, String err) {
    List<String> errLines() {
      return err.isEmpty() ? List.of() : Arrays.asList(err.split("\n"));
    }
  }

  static Run admin(String... args) {
    return admin(Interruption.none(), args);
  }

  static Run admin(Interruption interruption, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      status = Admin.run(List.of(args), Map.of(), o, e, interruption, false);
    }
    return new Run(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> tree = Files.walk(dir)) {
      for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
