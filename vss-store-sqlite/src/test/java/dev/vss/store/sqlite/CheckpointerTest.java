package dev.vss.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write-ahead log is copied into the database file by the checkpoint thread, not left to the
 * writer: the writer's own automatic checkpoint starts only past {@link
 * Checkpointer#WRITER_BACKSTOP_PAGES} log pages, far more than this test writes.
 */
class CheckpointerTest {
  private static final int RECORDS = 1000;
  private static final int VALUE_BYTES = 4096;

  @TempDir Path dir;

  @Test
  void theLogReachesTheDatabaseFileWhileTheWriterKeepsWriting() throws Exception {
    try (SqliteStorage storage = SqliteStorage.open(dir)) {
      VssService vss = new VssService(storage, Limits.DEFAULTS);
      Path file = dir.resolve(SqliteStorage.DATABASE_FILE_NAME);
      long before = Files.size(file);
      for (int i = 0; i < RECORDS; i++) {
        vss.putObjects(
            "user",
            PutObjectRequest.newBuilder()
                .setStoreId("s")
                .addTransactionItems(
                    KeyValue.newBuilder()
                        .setKey("k" + i)
                        .setVersion(0)
                        .setValue(ByteString.copyFrom(new byte[VALUE_BYTES])))
                .build());
      }
      long data = (long) RECORDS * VALUE_BYTES;
      // ~1000 log pages: well under the writer's backstop, so only the checkpoint thread copies.
      assertThat(data / 4096).isLessThan(Checkpointer.WRITER_BACKSTOP_PAGES);
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (Files.size(file) < before + data && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(Files.size(file)).isGreaterThanOrEqualTo(before + data);
      assertThat(
              vss.getObject(
                      "user", GetObjectRequest.newBuilder().setStoreId("s").setKey("k7").build())
                  .getValue()
                  .getValue()
                  .size())
          .isEqualTo(VALUE_BYTES);
    }
  }

  @Test
  void aCheckpointCopiesTheWholeLogWhenNoReaderHoldsIt() throws Exception {
    try (SqliteStorage storage = SqliteStorage.open(dir)) {
      VssService vss = new VssService(storage, Limits.DEFAULTS);
      vss.putObjects(
          "user",
          PutObjectRequest.newBuilder()
              .setStoreId("s")
              .addTransactionItems(
                  KeyValue.newBuilder().setKey("a").setVersion(0).setValue(ByteString.EMPTY))
              .build());
      long[] frames = storage.checkpointer().checkpoint();
      assertThat(frames[1]).isEqualTo(frames[0]);
    }
  }
}
