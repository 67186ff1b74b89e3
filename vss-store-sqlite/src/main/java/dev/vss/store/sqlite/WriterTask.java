package dev.vss.store.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;

/**
 * Something the writer thread takes from its queue: a caller's write, a connection task or stop.
 */
sealed interface WriterTask permits WriteRequest, WriterTask.OnConnection, WriterTask.Stop {

  /**
   * Work run on the writer thread between two batches with the write connection, outside any
   * transaction; fault-injection tests use it to change connection settings mid-run.
   */
  final class OnConnection implements WriterTask {
    /** The work itself. */
    @FunctionalInterface
    interface Work {
      void run(Connection connection) throws SQLException;
    }

    final Work work;
    final CompletableFuture<Void> done = new CompletableFuture<>();

    OnConnection(Work work) {
      this.work = work;
    }
  }

  /** The last task: the writer commits what came before it and ends. */
  enum Stop implements WriterTask {
    INSTANCE
  }
}
