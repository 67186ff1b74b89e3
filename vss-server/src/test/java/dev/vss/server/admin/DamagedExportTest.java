package dev.vss.server.admin;

import static dev.vss.server.admin.AdminFixture.admin;
import static dev.vss.server.admin.AdminFixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vss.core.Keyspace;
import dev.vss.core.spi.Storage;
import dev.vss.server.admin.AdminFixture.Change;
import dev.vss.server.admin.AdminFixture.Kind;
import dev.vss.server.admin.AdminFixture.Put;
import dev.vss.server.admin.AdminFixture.SetGlobalVersion;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A damaged, truncated or foreign export is refused by import with one line, and the target store
 * is unchanged (Guava testlib style: assert the failure and the state).
 */
class DamagedExportTest {
  private static final Keyspace EXPORTED = new Keyspace("alice", "wallet");
  private static final Keyspace PRESENT = new Keyspace("carol", "wallet");
  private static final List<Keyspace> ALL = List.of(EXPORTED, PRESENT);

  @TempDir Path dir;
  private Path export;
  private byte[] good;

  @BeforeEach
  void exportSomething() throws Exception {
    Path source = dir.resolve("source");
    List<Change> changes = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      changes.add(new Put(EXPORTED, "k" + i, i, bytes("value number " + i)));
    }
    changes.add(new SetGlobalVersion(EXPORTED, 7));
    try (Storage storage = Kind.SQLITE.open(source)) {
      AdminFixture.apply(storage, changes);
    }
    export = dir.resolve("good.vssexport");
    AdminFixture.Run run =
        admin(
            "export",
            "--store",
            "sqlite",
            "--data-dir",
            source.toString(),
            "--out",
            export.toString());
    assertThat(run.status()).as(run.err()).isZero();
    good = Files.readAllBytes(export);
  }

  @ParameterizedTest
  @EnumSource(names = {"SQLITE", "ROCKSDB"})
  void truncatedAnywhereIsRefusedAndChangesNothing(Kind kind) throws Exception {
    Path target = targetWithOtherData(kind);
    Map<Keyspace, List<String>> before = AdminFixture.visible(kind, target, ALL);
    // Every cut: inside the magic, the header, the records, just before and inside the trailer.
    for (int length :
        new int[] {0, 5, 12, 20, good.length / 2, good.length - 40, good.length - 1}) {
      Path cut = write("cut-" + length, Arrays.copyOf(good, length));
      AdminFixture.Run run = importInto(kind, target, cut);
      assertThat(run.status()).as("cut at " + length).isEqualTo(1);
      assertThat(run.errLines()).as("cut at " + length).hasSize(1);
      assertThat(run.err()).contains("refused").containsAnyOf("truncated", "not a VSS export");
    }
    assertThat(AdminFixture.visible(kind, target, ALL)).isEqualTo(before);
  }

  @Test
  void aFlippedValueByteIsRefusedByTheChecksum() throws Exception {
    Path target = targetWithOtherData(Kind.SQLITE);
    Map<Keyspace, List<String>> before = AdminFixture.visible(Kind.SQLITE, target, ALL);
    byte[] damaged = good.clone();
    int at = indexOf(damaged, bytes("value number 25"));
    damaged[at + 3] ^= 0x01; // still a valid frame: only the checksum can tell
    AdminFixture.Run run = importInto(Kind.SQLITE, target, write("flipped", damaged));
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.errLines()).hasSize(1);
    assertThat(run.err()).contains("refused: damaged export: its SHA-256 does not match");
    assertThat(AdminFixture.visible(Kind.SQLITE, target, ALL)).isEqualTo(before);
  }

  @Test
  void aDamagedFrameLengthIsRefused() throws Exception {
    Path target = targetWithOtherData(Kind.ROCKSDB);
    Map<Keyspace, List<String>> before = AdminFixture.visible(Kind.ROCKSDB, target, ALL);
    byte[] damaged = good.clone();
    damaged[12] = (byte) 0xFF; // the header frame's length prefix
    AdminFixture.Run run = importInto(Kind.ROCKSDB, target, write("length", damaged));
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.errLines()).hasSize(1);
    assertThat(run.err()).contains("refused");
    assertThat(AdminFixture.visible(Kind.ROCKSDB, target, ALL)).isEqualTo(before);
  }

  @Test
  void wrongMagicUnknownVersionAndTrailingBytesAreRefused() throws Exception {
    Path target = targetWithOtherData(Kind.SQLITE);
    Map<Keyspace, List<String>> before = AdminFixture.visible(Kind.SQLITE, target, ALL);

    byte[] magic = good.clone();
    magic[1] = 'X';
    AdminFixture.Run run = importInto(Kind.SQLITE, target, write("magic", magic));
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("not a VSS export");

    byte[] version = good.clone();
    ByteBuffer.wrap(version).putInt(8, 2);
    run = importInto(Kind.SQLITE, target, write("version", version));
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("export format version 2 is not supported");

    byte[] trailing = Arrays.copyOf(good, good.length + 1);
    run = importInto(Kind.SQLITE, target, write("trailing", trailing));
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("bytes follow the trailer");

    assertThat(AdminFixture.visible(Kind.SQLITE, target, ALL)).isEqualTo(before);
  }

  @Test
  void aDamagedExportDoesNotEvenCreateTheTargetStore() throws Exception {
    Path target = dir.resolve("never");
    AdminFixture.Run run =
        importInto(Kind.SQLITE, target, write("cut", Arrays.copyOf(good, good.length - 3)));
    assertThat(run.status()).isEqualTo(1);
    assertThat(target).doesNotExist();
  }

  @Test
  void theGoodExportImportsAfterAll() throws Exception {
    Path target = targetWithOtherData(Kind.SQLITE);
    AdminFixture.Run run = importInto(Kind.SQLITE, target, export);
    assertThat(run.status()).as(run.err()).isZero();
    Map<Keyspace, List<String>> after = AdminFixture.visible(Kind.SQLITE, target, ALL);
    assertThat(after.get(EXPORTED)).hasSize(51).first().isEqualTo("global_version=7");
    assertThat(after.get(PRESENT)).containsExactly("global_version=0", "other@1=6f74686572");
  }

  private Path targetWithOtherData(Kind kind) {
    Path target = dir.resolve("target-" + kind);
    try (Storage storage = kind.open(target)) {
      AdminFixture.apply(storage, List.of(new Put(PRESENT, "other", 1, bytes("other"))));
    }
    return target;
  }

  private static AdminFixture.Run importInto(Kind kind, Path target, Path file) {
    return admin(
        "import",
        "--store",
        kind.configName(),
        "--data-dir",
        target.toString(),
        "--in",
        file.toString());
  }

  private Path write(String name, byte[] content) throws Exception {
    Path file = dir.resolve(name + ".vssexport");
    Files.write(file, content);
    return file;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
