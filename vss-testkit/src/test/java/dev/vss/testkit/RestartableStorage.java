package dev.vss.testkit;

import dev.vss.core.Keyspace;
import dev.vss.core.rules.PageToken;
import dev.vss.core.spi.KeyVersion;
import dev.vss.core.spi.Storage;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.StoredRecord;
import dev.vss.core.spi.WriteDecision;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A handle on an in-memory store that can be closed and reopened over the same data, standing in
 * for a persistent adapter so the kit's durability scenarios run here too. A closed handle refuses
 * every call, as a closed adapter would.
 */
final class RestartableStorage implements Storage {
  private final Storage data;

  /** Null: the data's own secret, kept across restarts. Else this handle's own (a flaw). */
  private final byte[] handleSecret;

  private volatile boolean closed;

  RestartableStorage(Storage data) {
    this(data, false);
  }

  /**
   * A handle over {@code data}; with {@code forgetsTokenSecret}, each handle makes its own
   * page-token secret, as an adapter that does not persist it would after every restart.
   */
  RestartableStorage(Storage data, boolean forgetsTokenSecret) {
    this.data = data;
    this.handleSecret = forgetsTokenSecret ? PageToken.newSecret() : null;
  }

  /** Closes this handle and opens a new one over the same data. */
  RestartableStorage restart() {
    close();
    return new RestartableStorage(data, handleSecret != null);
  }

  /** Closes this handle and the data behind it. */
  void destroy() {
    close();
    data.close();
  }

  @Override
  public Optional<StoredRecord> get(Keyspace keyspace, String key) {
    ensureOpen();
    return data.get(keyspace, key);
  }

  @Override
  public long globalVersion(Keyspace keyspace) {
    ensureOpen();
    return data.globalVersion(keyspace);
  }

  @Override
  public List<KeyVersion> list(Keyspace keyspace, String prefix, long beforeSequence, int limit) {
    ensureOpen();
    return data.list(keyspace, prefix, beforeSequence, limit);
  }

  @Override
  public <R> R write(Keyspace keyspace, Set<String> keys, WriteDecision<R> decision) {
    ensureOpen();
    return data.write(keyspace, keys, decision);
  }

  @Override
  public byte[] pageTokenSecret() {
    ensureOpen();
    return handleSecret != null ? handleSecret.clone() : data.pageTokenSecret();
  }

  @Override
  public void checkHealth() {
    ensureOpen();
    data.checkHealth();
  }

  @Override
  public String name() {
    return "restartable " + data.name();
  }

  @Override
  public void close() {
    closed = true;
  }

  private void ensureOpen() {
    if (closed) {
      throw new StorageException("storage handle is closed");
    }
  }
}
