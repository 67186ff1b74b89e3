package dev.vss.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.core.spi.KeyVersion;
import dev.vss.core.spi.Storage;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.StoredRecord;
import dev.vss.core.spi.WriteDecision;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.PutObjectRequest;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VssServiceTest {
  /** A storage whose every call fails the way a broken database would. */
  private static final class BrokenStorage implements Storage {
    private static StorageException fault() {
      return new StorageException(
          "SQLITE_IOERR on /var/lib/vss/vss.sqlite3: SELECT * FROM records");
    }

    @Override
    public Optional<StoredRecord> get(Keyspace keyspace, String key) {
      throw fault();
    }

    @Override
    public long globalVersion(Keyspace keyspace) {
      throw fault();
    }

    @Override
    public List<KeyVersion> list(Keyspace keyspace, String prefix, long before, int limit) {
      throw fault();
    }

    @Override
    public <R> R write(Keyspace keyspace, Set<String> keys, WriteDecision<R> decision) {
      throw new IllegalStateException("bug at /home/build/Secret.java:12");
    }

    @Override
    public byte[] pageTokenSecret() {
      throw fault();
    }

    @Override
    public void checkHealth() {
      throw fault();
    }

    @Override
    public String name() {
      return "broken";
    }

    @Override
    public void close() {}
  }

  private static PutObjectRequest putOne(String key, long version) {
    return PutObjectRequest.newBuilder()
        .setStoreId("s")
        .addTransactionItems(
            KeyValue.newBuilder()
                .setKey(key)
                .setVersion(version)
                .setValue(ByteString.copyFromUtf8("v")))
        .build();
  }

  @Test
  void storageFaultsBecomeAGenericInternalError() {
    VssService vss = new VssService(new BrokenStorage(), Limits.DEFAULTS);
    assertThatThrownBy(() -> vss.getObject("u", GetObjectRequest.newBuilder().setKey("k").build()))
        .isInstanceOfSatisfying(
            VssException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(ErrorCode.INTERNAL_SERVER_EXCEPTION);
              assertThat(e.getMessage()).isEqualTo("internal server error");
            });
    assertThatThrownBy(() -> vss.putObjects("u", putOne("k", 0)))
        .isInstanceOfSatisfying(
            VssException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(ErrorCode.INTERNAL_SERVER_EXCEPTION);
              assertThat(e.getMessage()).doesNotContain("Secret", "/home");
            });
  }

  @Test
  void invalidInputIsRejectedBeforeStorageIsTouched() {
    VssService vss = new VssService(new BrokenStorage(), Limits.DEFAULTS);
    assertThatThrownBy(() -> vss.putObjects("u", putOne("", 0)))
        .isInstanceOfSatisfying(
            VssException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST_EXCEPTION));
    assertThatThrownBy(() -> vss.getObject("", GetObjectRequest.newBuilder().setKey("k").build()))
        .isInstanceOfSatisfying(
            VssException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST_EXCEPTION));
    assertThatThrownBy(() -> vss.putObjects("u", null))
        .isInstanceOfSatisfying(
            VssException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST_EXCEPTION));
  }

  @Test
  void userTokensSeparateKeyspacesWithTheSameStoreId() {
    try (InMemoryStorage storage = new InMemoryStorage()) {
      VssService vss = new VssService(storage, Limits.DEFAULTS);
      vss.putObjects("alice", putOne("k", 0));
      assertThatThrownBy(
              () ->
                  vss.getObject(
                      "bob", GetObjectRequest.newBuilder().setStoreId("s").setKey("k").build()))
          .isInstanceOfSatisfying(
              VssException.class,
              e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.NO_SUCH_KEY_EXCEPTION));
      assertThat(
              vss.listKeyVersions(
                      "bob", ListKeyVersionsRequest.newBuilder().setStoreId("s").build())
                  .getKeyVersionsList())
          .isEmpty();
      assertThat(
              vss.getObject(
                      "alice", GetObjectRequest.newBuilder().setStoreId("s").setKey("k").build())
                  .getValue()
                  .getVersion())
          .isEqualTo(1);
    }
  }
}
