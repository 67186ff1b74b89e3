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
import dev.vss.proto.DeleteObjectRequest;
import dev.vss.proto.ErrorCode;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.KeyValue;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.PutObjectRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
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

  /**
   * A store whose writes wait in a queue until the test releases them, as a store with its own
   * writer thread answers later: {@code writeAsync} returns at once.
   */
  private static final class QueuedStorage extends ForwardingWrites {
    final List<Runnable> queued = new ArrayList<>();

    QueuedStorage(Storage delegate) {
      super(delegate);
    }

    @Override
    public <R> CompletionStage<R> writeAsync(
        Keyspace keyspace, Set<String> keys, WriteDecision<R> decision) {
      CompletableFuture<R> outcome = new CompletableFuture<>();
      queued.add(
          () -> {
            try {
              outcome.complete(delegate.write(keyspace, keys, decision));
            } catch (RuntimeException e) {
              outcome.completeExceptionally(e);
            }
          });
      return outcome;
    }

    @Override
    public boolean writesWithoutBlocking() {
      return true;
    }

    void runQueued() {
      queued.forEach(Runnable::run);
      queued.clear();
    }
  }

  /** Forwards the calls a test does not change. */
  private abstract static class ForwardingWrites implements Storage {
    final Storage delegate;

    ForwardingWrites(Storage delegate) {
      this.delegate = delegate;
    }

    @Override
    public Optional<StoredRecord> get(Keyspace keyspace, String key) {
      return delegate.get(keyspace, key);
    }

    @Override
    public long globalVersion(Keyspace keyspace) {
      return delegate.globalVersion(keyspace);
    }

    @Override
    public List<KeyVersion> list(Keyspace keyspace, String prefix, long before, int limit) {
      return delegate.list(keyspace, prefix, before, limit);
    }

    @Override
    public <R> R write(Keyspace keyspace, Set<String> keys, WriteDecision<R> decision) {
      return delegate.write(keyspace, keys, decision);
    }

    @Override
    public byte[] pageTokenSecret() {
      return delegate.pageTokenSecret();
    }

    @Override
    public void checkHealth() {
      delegate.checkHealth();
    }

    @Override
    public String name() {
      return "queued";
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  private static ErrorCode failureOf(CompletionStage<?> stage) {
    CompletableFuture<?> future = stage.toCompletableFuture();
    assertThat(future).isCompletedExceptionally();
    Throwable failure = future.handle((value, thrown) -> thrown).join();
    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
    assertThat(cause).isInstanceOf(VssException.class);
    return ((VssException) cause).errorCode();
  }

  @Test
  void asynchronousWritesCompleteOnlyWhenTheStoreHasWritten() {
    try (InMemoryStorage memory = new InMemoryStorage()) {
      QueuedStorage storage = new QueuedStorage(memory);
      VssService vss = new VssService(storage, Limits.DEFAULTS);
      assertThat(vss.writesWithoutBlocking()).isTrue();

      CompletionStage<?> create = vss.putObjectsAsync("u", putOne("k", 0));
      CompletionStage<?> again = vss.putObjectsAsync("u", putOne("k", 0));
      CompletionStage<?> delete =
          vss.deleteObjectAsync(
              "u",
              DeleteObjectRequest.newBuilder()
                  .setStoreId("s")
                  .setKeyValue(KeyValue.newBuilder().setKey("other").setVersion(-1))
                  .build());
      assertThat(create.toCompletableFuture()).isNotDone();
      assertThat(again.toCompletableFuture()).isNotDone();
      assertThat(delete.toCompletableFuture()).isNotDone();
      assertThat(memory.get(new Keyspace("u", "s"), "k")).isEmpty();

      storage.runQueued();
      assertThat(create.toCompletableFuture()).isCompleted().isNotCompletedExceptionally();
      assertThat(failureOf(again)).isEqualTo(ErrorCode.CONFLICT_EXCEPTION);
      assertThat(delete.toCompletableFuture()).isCompleted().isNotCompletedExceptionally();
      assertThat(memory.get(new Keyspace("u", "s"), "k").orElseThrow().version()).isEqualTo(1);
    }
  }

  @Test
  void asynchronousWritesNeverThrow() {
    VssService broken = new VssService(new BrokenStorage(), Limits.DEFAULTS);
    assertThat(broken.writesWithoutBlocking()).isFalse();
    assertThat(failureOf(broken.putObjectsAsync("u", putOne("", 0))))
        .as("invalid request")
        .isEqualTo(ErrorCode.INVALID_REQUEST_EXCEPTION);
    assertThat(failureOf(broken.putObjectsAsync("u", null)))
        .isEqualTo(ErrorCode.INVALID_REQUEST_EXCEPTION);
    assertThat(failureOf(broken.putObjectsAsync("", putOne("k", 0))))
        .as("no user")
        .isEqualTo(ErrorCode.INVALID_REQUEST_EXCEPTION);
    assertThat(failureOf(broken.putObjectsAsync("u", putOne("k", 0))))
        .as("a fault of the default writeAsync, which runs write")
        .isEqualTo(ErrorCode.INTERNAL_SERVER_EXCEPTION);
  }

  @Test
  void aStoreFaultArrivingLaterBecomesAGenericInternalError() {
    QueuedStorage storage = new QueuedStorage(new BrokenStorage());
    VssService vss = new VssService(storage, Limits.DEFAULTS);
    CompletionStage<?> put = vss.putObjectsAsync("u", putOne("k", 0));
    assertThat(put.toCompletableFuture()).isNotDone();

    storage.runQueued();
    assertThat(failureOf(put)).isEqualTo(ErrorCode.INTERNAL_SERVER_EXCEPTION);
    Throwable failure = put.toCompletableFuture().handle((value, thrown) -> thrown).join();
    assertThat(failure).hasRootCauseInstanceOf(VssException.class);
    assertThat(failure.getCause().getMessage()).doesNotContain("Secret", "/home");
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
