package dev.vss.testkit;

import com.google.protobuf.ByteString;
import dev.vss.core.Keyspace;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.core.rules.WriteOutcome;
import dev.vss.core.spi.KeyVersion;
import dev.vss.core.spi.Storage;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.StoredRecord;
import dev.vss.core.spi.WriteDecision;
import dev.vss.core.spi.WritePlan;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * The smallest durable store: an in-memory store whose every applied plan is first appended to a
 * log file, which a reopen replays. It stands in for a persistent adapter so that the kit's kill
 * test can prove itself here, healthy and sabotaged.
 *
 * <p>Healthy, a plan is handed to the OS ({@code write}) inside the keyspace's lock, before the
 * write returns; a SIGKILL then loses nothing acknowledged (no fsync: the kill test cannot tell,
 * and power loss is out of its reach). With {@code acknowledgeBeforeWriting}, records go to a
 * buffer that a background thread writes every 50 ms, the "non-durable ack" bug: a kill loses the
 * acknowledged writes still in the buffer.
 *
 * <p>Log record: {@code int length, long crc32, payload}; a torn or corrupt tail (a kill during a
 * write) ends the replay and is cut off.
 */
final class FileLogStorage implements Storage {
  private static final long FLUSH_MILLIS = 50;

  private final InMemoryStorage data = new InMemoryStorage();
  private final FileChannel log;
  private final boolean acknowledgeBeforeWriting;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private final Thread flusher;
  private volatile boolean closed;

  private FileLogStorage(FileChannel log, boolean acknowledgeBeforeWriting) {
    this.log = log;
    this.acknowledgeBeforeWriting = acknowledgeBeforeWriting;
    if (acknowledgeBeforeWriting) {
      flusher = new Thread(this::flushPeriodically, "file-log-flusher");
      flusher.setDaemon(true);
      flusher.start();
    } else {
      flusher = null;
    }
  }

  /** Opens (creating when missing) the store in {@code directory} and replays its log. */
  static FileLogStorage open(Path directory, boolean acknowledgeBeforeWriting) {
    try {
      Files.createDirectories(directory);
      FileChannel log =
          FileChannel.open(
              directory.resolve("vss.log"),
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      FileLogStorage storage = new FileLogStorage(log, acknowledgeBeforeWriting);
      storage.replay();
      return storage;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Optional<StoredRecord> get(Keyspace keyspace, String key) {
    return data.get(keyspace, key);
  }

  @Override
  public long globalVersion(Keyspace keyspace) {
    return data.globalVersion(keyspace);
  }

  @Override
  public List<KeyVersion> list(Keyspace keyspace, String prefix, long beforeSequence, int limit) {
    return data.list(keyspace, prefix, beforeSequence, limit);
  }

  @Override
  public <R> R write(Keyspace keyspace, Set<String> keys, WriteDecision<R> decision) {
    return data.write(
        keyspace,
        keys,
        view -> {
          WritePlan<R> plan = decision.decide(view);
          if (!plan.isEmpty()) {
            // Inside the keyspace's lock: the log holds each keyspace's plans in their order.
            append(record(keyspace, plan));
          }
          return plan;
        });
  }

  @Override
  public byte[] pageTokenSecret() {
    return data.pageTokenSecret();
  }

  @Override
  public void checkHealth() {
    data.checkHealth();
  }

  @Override
  public String name() {
    return acknowledgeBeforeWriting ? "file log (acknowledges before writing)" : "file log";
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (flusher != null) {
        flusher.interrupt();
        flusher.join();
      }
      flush();
      log.close();
    } catch (IOException e) {
      throw new StorageException("closing the log failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      data.close();
    }
  }

  private void append(byte[] record) {
    try {
      synchronized (pending) {
        if (acknowledgeBeforeWriting) {
          pending.write(record);
        } else {
          ByteBuffer buffer = ByteBuffer.wrap(record);
          while (buffer.hasRemaining()) {
            log.write(buffer);
          }
        }
      }
    } catch (IOException e) {
      throw new StorageException("appending to the log failed", e);
    }
  }

  private void flushPeriodically() {
    try {
      while (!closed) {
        Thread.sleep(FLUSH_MILLIS);
        flush();
      }
    } catch (InterruptedException e) {
      // closing
    } catch (IOException e) {
      e.printStackTrace();
    }
  }

  private void flush() throws IOException {
    synchronized (pending) {
      ByteBuffer buffer = ByteBuffer.wrap(pending.toByteArray());
      pending.reset();
      while (buffer.hasRemaining()) {
        log.write(buffer);
      }
    }
  }

  private static byte[] record(Keyspace keyspace, WritePlan<?> plan) {
    try {
      ByteArrayOutputStream payload = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(payload);
      out.writeUTF(keyspace.userToken());
      out.writeUTF(keyspace.storeId());
      out.writeInt(plan.upserts().size());
      for (WritePlan.Upsert upsert : plan.upserts()) {
        out.writeUTF(upsert.key());
        out.writeLong(upsert.version());
        out.writeInt(upsert.value().size());
        upsert.value().writeTo(out);
      }
      out.writeInt(plan.deletes().size());
      for (String key : plan.deletes()) {
        out.writeUTF(key);
      }
      out.writeBoolean(plan.newGlobalVersion().isPresent());
      out.writeLong(plan.newGlobalVersion().orElse(0));
      out.flush();
      byte[] body = payload.toByteArray();
      CRC32 crc = new CRC32();
      crc.update(body);
      ByteBuffer record = ByteBuffer.allocate(12 + body.length);
      record.putInt(body.length).putLong(crc.getValue()).put(body);
      return record.array();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Applies every whole record of the log and cuts off a torn tail. */
  private void replay() throws IOException {
    long size = log.size();
    ByteBuffer all = ByteBuffer.allocate((int) size);
    log.read(all, 0);
    all.flip();
    long good = 0;
    while (all.remaining() >= 12) {
      int length = all.getInt();
      long crc = all.getLong();
      if (length < 0 || length > all.remaining()) {
        break;
      }
      byte[] body = new byte[length];
      all.get(body);
      CRC32 check = new CRC32();
      check.update(body);
      if (check.getValue() != crc) {
        break;
      }
      apply(new DataInputStream(new java.io.ByteArrayInputStream(body)));
      good = all.position();
    }
    log.truncate(good);
    log.position(good);
  }

  private void apply(DataInputStream in) throws IOException {
    try {
      Keyspace keyspace = new Keyspace(in.readUTF(), in.readUTF());
      List<WritePlan.Upsert> upserts = new ArrayList<>();
      Set<String> keys = new HashSet<>();
      for (int i = in.readInt(); i > 0; i--) {
        String key = in.readUTF();
        long version = in.readLong();
        byte[] value = new byte[in.readInt()];
        in.readFully(value);
        upserts.add(new WritePlan.Upsert(key, version, ByteString.copyFrom(value)));
        keys.add(key);
      }
      List<String> deletes = new ArrayList<>();
      for (int i = in.readInt(); i > 0; i--) {
        String key = in.readUTF();
        deletes.add(key);
        keys.add(key);
      }
      boolean hasGlobal = in.readBoolean();
      long global = in.readLong();
      OptionalLong newGlobal = hasGlobal ? OptionalLong.of(global) : OptionalLong.empty();
      data.write(
          keyspace,
          keys,
          view -> WritePlan.apply(upserts, deletes, newGlobal, WriteOutcome.APPLIED));
    } catch (EOFException e) {
      throw new StorageException("log record shorter than its length says", e);
    }
  }
}
