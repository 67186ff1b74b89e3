package dev.vss.server;

import dev.vss.core.Keyspace;
import dev.vss.core.spi.KeyVersion;
import dev.vss.core.spi.Storage;
import dev.vss.core.spi.StoredRecord;
import dev.vss.core.spi.WriteDecision;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** A storage that forwards to another, so tests can observe or disturb single calls. */
class ForwardingStorage implements Storage {
  private final Storage delegate;

  ForwardingStorage(Storage delegate) {
    this.delegate = delegate;
  }

  /** Runs before every storage call; tests override it to record, block or fail. */
  void beforeCall(String call) {}

  @Override
  public Optional<StoredRecord> get(Keyspace keyspace, String key) {
    beforeCall("get");
    return delegate.get(keyspace, key);
  }

  @Override
  public long globalVersion(Keyspace keyspace) {
    beforeCall("globalVersion");
    return delegate.globalVersion(keyspace);
  }

  @Override
  public List<KeyVersion> list(Keyspace keyspace, String prefix, long beforeSequence, int limit) {
    beforeCall("list");
    return delegate.list(keyspace, prefix, beforeSequence, limit);
  }

  @Override
  public <R> R write(Keyspace keyspace, Set<String> keys, WriteDecision<R> decision) {
    beforeCall("write");
    return delegate.write(keyspace, keys, decision);
  }

  @Override
  public byte[] pageTokenSecret() {
    beforeCall("pageTokenSecret");
    return delegate.pageTokenSecret();
  }

  @Override
  public void checkHealth() {
    beforeCall("checkHealth");
    delegate.checkHealth();
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
