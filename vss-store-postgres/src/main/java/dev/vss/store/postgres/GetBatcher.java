package dev.vss.store.postgres;

import com.google.protobuf.ByteString;
import dev.vss.core.Keyspace;
import dev.vss.core.spi.StorageException;
import dev.vss.core.spi.StoredRecord;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * The get path of a {@link PostgresStorage}: a few reader threads share one queue; each takes every
 * get waiting in it (up to the batch size, whatever their keyspaces) and answers all of them from
 * one statement on a pooled autocommit connection, looking each key up by the primary key.
 *
 * <p>Why: on a machine where the server, PostgreSQL and the clients share a few cores, a get's cost
 * is mostly per statement (a round trip, a transaction start, the executor set-up, the backend's
 * wake-up), not per row. Concurrent gets sharing a statement share that cost.
 *
 * <p>Consistency is the same as one statement per get: an autocommit statement takes its snapshot
 * when it starts, which is after every get of its batch was queued, so each get sees every write
 * acknowledged (committed) before it was queued, and it is answered from one committed state read
 * between its call and its return (a linearization point inside the call). A multi-key write
 * committed in one transaction is seen whole or not at all by a batch.
 *
 * <p>A failed statement (or no connection within the pool's timeout) fails every get of the batch
 * with a {@link StorageException}; a reader thread never stops before {@link #stop()}, so no get
 * waits forever.
 */
final class GetBatcher {
  private static final Logger LOG = System.getLogger(GetBatcher.class.getName());

  /**
   * The batch's keys as three arrays, each looked up by the primary key ({@code i} is the key's
   * position in the batch). The lookup is a {@code LATERAL} subquery with {@code LIMIT 1} (the key
   * is unique, so it changes no answer) so that the planner cannot turn it into a join that scans
   * {@code vss_db}: the plan is always a nested loop of primary-key index scans, whatever it
   * estimates of the arrays' length or the table's size.
   */
  static final String GET_BATCH_SQL =
      "SELECT r.i, d.version, d.value, d.sort_order"
          + " FROM unnest(?::varchar[], ?::varchar[], ?::varchar[]) WITH ORDINALITY AS r(u, s, k, i)"
          + " CROSS JOIN LATERAL (SELECT version, value, sort_order FROM vss_db"
          + " WHERE user_token = r.u AND store_id = r.s AND key = r.k LIMIT 1) d";

  private final DataSource pool;
  private final int maxBatchSize;
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();

  /**
   * Tells the reader threads to stop: queued once, after every get, and put back by each reader
   * that takes it for the next one (a reader may drain it with a batch, so one token per thread
   * could all be drained by one reader, leaving another waiting forever).
   */
  private final Object stopToken = new Object();

  private final Object submitLock = new Object();
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicLong statements = new AtomicLong();
  private final AtomicLong gets = new AtomicLong();
  private boolean stopping; // guarded by submitLock

  /** Starts {@code readers} threads answering gets through {@code pool}. */
  GetBatcher(DataSource pool, int readers, int maxBatchSize, String threadName) {
    if (readers < 1 || maxBatchSize < 1) {
      throw new IllegalArgumentException("readers and maxBatchSize must be positive");
    }
    this.pool = pool;
    this.maxBatchSize = maxBatchSize;
    for (int i = 0; i < readers; i++) {
      Thread thread = new Thread(this::run, threadName + "-" + i);
      thread.setDaemon(true);
      threads.add(thread);
    }
    threads.forEach(Thread::start);
  }

  /**
   * Queues a get and waits for its answer.
   *
   * @throws StorageException if the store is closing or the batch's statement failed
   */
  Optional<StoredRecord> get(Keyspace keyspace, String key) {
    GetRequest request =
        new GetRequest(
            TextCodec.encode(keyspace.userToken()),
            TextCodec.encode(keyspace.storeId()),
            TextCodec.encode(key),
            key);
    synchronized (submitLock) {
      if (stopping) {
        throw new StorageException("PostgreSQL storage is closed");
      }
      queue.add(request);
    }
    try {
      return request.outcome.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new StorageException("PostgreSQL get failed", e.getCause());
    }
  }

  /** Gets queued and not yet taken by a reader (for tests). */
  int queuedGets() {
    return (int) queue.stream().filter(task -> task != stopToken).count();
  }

  /** Statements run since start (for tests). */
  long statements() {
    return statements.get();
  }

  /** Gets answered by those statements (for tests). */
  long gets() {
    return gets.get();
  }

  /** Stops accepting gets, answers every get queued before, and waits for the threads. */
  void stop() {
    synchronized (submitLock) {
      if (!stopping) {
        stopping = true;
        queue.add(stopToken);
      }
    }
    boolean interrupted = false;
    for (Thread thread : threads) {
      while (thread.isAlive()) {
        try {
          thread.join();
        } catch (InterruptedException e) {
          interrupted = true; // finish stopping: the pool must not close under a reader
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    List<Object> drained = new ArrayList<>(maxBatchSize);
    List<GetRequest> batch = new ArrayList<>(maxBatchSize);
    boolean stop = false;
    while (!stop) {
      drained.add(takeUninterruptibly());
      // The stop token comes after every get submitted before stop(): a thread that takes it
      // answers the gets drained with it, then puts it back for the next thread and ends.
      queue.drainTo(drained, maxBatchSize - 1);
      for (Object task : drained) {
        if (task == stopToken) {
          stop = true;
        } else {
          batch.add((GetRequest) task);
        }
      }
      drained.clear();
      if (!batch.isEmpty()) {
        try {
          runBatch(batch);
        } catch (RuntimeException | Error e) {
          // A bug here must not kill the reader and leave callers waiting forever.
          LOG.log(Level.ERROR, "PostgreSQL reader failed unexpectedly; failing its gets", e);
          StorageException fault = new StorageException("PostgreSQL get failed", e);
          batch.forEach(request -> request.outcome.completeExceptionally(fault));
        }
        batch.clear();
      }
    }
    queue.add(stopToken);
  }

  private Object takeUninterruptibly() {
    while (true) {
      try {
        return queue.take();
      } catch (InterruptedException e) {
        // Only stop() ends a reader, so that no queued get is left without an answer.
      }
    }
  }

  /** Answers every get of {@code batch} from one statement, or fails all of them. */
  private void runBatch(List<GetRequest> batch) {
    int size = batch.size();
    String[] users = new String[size];
    String[] stores = new String[size];
    String[] keys = new String[size];
    for (int i = 0; i < size; i++) {
      GetRequest request = batch.get(i);
      users[i] = request.userToken;
      stores[i] = request.storeId;
      keys[i] = request.storedKey;
    }
    StoredRecord[] found = new StoredRecord[size];
    try (Connection connection = pool.getConnection();
        PreparedStatement get = connection.prepareStatement(GET_BATCH_SQL)) {
      get.setArray(1, connection.createArrayOf("varchar", users));
      get.setArray(2, connection.createArrayOf("varchar", stores));
      get.setArray(3, connection.createArrayOf("varchar", keys));
      try (ResultSet rows = get.executeQuery()) {
        while (rows.next()) {
          int i = (int) rows.getLong(1) - 1;
          byte[] value = rows.getBytes(3);
          found[i] =
              new StoredRecord(
                  batch.get(i).key,
                  rows.getLong(2),
                  value == null ? ByteString.EMPTY : ByteString.copyFrom(value),
                  rows.getLong(4));
        }
      }
    } catch (SQLException e) {
      LOG.log(Level.WARNING, "PostgreSQL get of a batch of " + size + " failed", e);
      StorageException fault = new StorageException("PostgreSQL get failed: " + e.getMessage(), e);
      batch.forEach(request -> request.outcome.completeExceptionally(fault));
      return;
    }
    statements.incrementAndGet();
    gets.addAndGet(size);
    for (int i = 0; i < size; i++) {
      batch.get(i).outcome.complete(Optional.ofNullable(found[i]));
    }
  }

  /** One caller's get: the stored forms of its keyspace and key, and its answer. */
  private static final class GetRequest {
    final String userToken;
    final String storeId;
    final String storedKey;
    final String key;
    final CompletableFuture<Optional<StoredRecord>> outcome = new CompletableFuture<>();

    GetRequest(String userToken, String storeId, String storedKey, String key) {
      this.userToken = userToken;
      this.storeId = storeId;
      this.storedKey = storedKey;
      this.key = key;
    }
  }
}
