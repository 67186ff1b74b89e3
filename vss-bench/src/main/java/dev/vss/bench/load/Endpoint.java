package dev.vss.bench.load;

import java.io.IOException;

/**
 * Where one worker sends its calls: one HTTP connection, or the service itself. A worker owns its
 * endpoint; endpoints are not shared between threads.
 */
interface Endpoint extends AutoCloseable {
  /**
   * Sends {@code call} and waits for the whole response.
   *
   * @return the HTTP status, or for a direct call the status its outcome would map to
   * @throws IOException if the connection fails
   */
  int call(Call call) throws IOException;

  /** Releases the connection. */
  @Override
  void close() throws IOException;

  /** Opens one endpoint per worker. */
  @FunctionalInterface
  interface Factory {
    /**
     * Opens the endpoint of a worker.
     *
     * @throws IOException if it cannot connect
     */
    Endpoint open() throws IOException;
  }
}
