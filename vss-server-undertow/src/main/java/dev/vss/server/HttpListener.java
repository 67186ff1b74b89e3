package dev.vss.server;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.connector.ByteBufferPool;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http.HttpOpenListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLContext;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

/**
 * One Undertow HTTP/1.1 listener (plain or TLS) assembled from Undertow's parts, as {@code
 * Undertow.start()} assembles it, with one addition: every accepted connection gets a {@link
 * StackErrorConduit} at the bottom of its output, so the bad-request answers Undertow writes by
 * itself carry the protocol version header and an {@code ErrorResponse}. {@code Undertow.Builder}
 * has no hook for that.
 */
final class HttpListener {
  private final XnioWorker worker;
  private final AcceptingChannel<? extends StreamConnection> channel;
  private final int workerShutdownMillis;

  private HttpListener(
      XnioWorker worker,
      AcceptingChannel<? extends StreamConnection> channel,
      int workerShutdownMillis) {
    this.worker = worker;
    this.channel = channel;
    this.workerShutdownMillis = workerShutdownMillis;
  }

  /**
   * Binds and starts accepting.
   *
   * @param serverOptions Undertow options ({@code UndertowOptions.*})
   * @param workerThreads the size of the worker pool that handlers dispatch to
   * @param workerShutdownMillis how long {@link #stop()} waits for busy workers before interrupting
   * @throws UncheckedIOException if the address cannot be bound
   */
  static HttpListener start(
      String host,
      int port,
      SSLContext sslContext,
      HttpHandler root,
      OptionMap serverOptions,
      int workerThreads,
      int workerShutdownMillis) {
    int ioThreads = Math.max(Runtime.getRuntime().availableProcessors(), 2);
    Xnio xnio = Xnio.getInstance(Undertow.class.getClassLoader());
    XnioWorker worker;
    try {
      worker =
          xnio.createWorker(
              OptionMap.builder()
                  .set(Options.WORKER_IO_THREADS, ioThreads)
                  .set(Options.CONNECTION_HIGH_WATER, 1_000_000)
                  .set(Options.CONNECTION_LOW_WATER, 1_000_000)
                  .set(Options.WORKER_TASK_CORE_THREADS, workerThreads)
                  .set(Options.WORKER_TASK_MAX_THREADS, workerThreads)
                  .set(Options.TCP_NODELAY, true)
                  .set(Options.CORK, true)
                  .getMap());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      OptionMap socketOptions =
          OptionMap.builder()
              .set(Options.WORKER_IO_THREADS, ioThreads)
              .set(Options.TCP_NODELAY, true)
              .set(Options.REUSE_ADDRESSES, true)
              .set(Options.BALANCING_TOKENS, 1)
              .set(Options.BALANCING_CONNECTIONS, 2)
              .set(Options.BACKLOG, 1000)
              .getMap();
      OptionMap undertowOptions =
          OptionMap.builder()
              .set(UndertowOptions.BUFFER_PIPELINED_DATA, true)
              .addAll(serverOptions)
              .getMap();
      // Undertow's default for a heap of 128 MiB or more: 16 KiB direct buffers.
      ByteBufferPool buffers = new DefaultByteBufferPool(true, 16 * 1024 - 20, -1, 4);
      HttpOpenListener http = new HttpOpenListener(buffers, undertowOptions);
      http.setRootHandler(root);
      ChannelListener<StreamConnection> open =
          connection -> {
            connection
                .getSinkChannel()
                .setConduit(new StackErrorConduit(connection.getSinkChannel().getConduit()));
            http.handleEvent(connection);
          };
      ChannelListener<AcceptingChannel<StreamConnection>> accept =
          ChannelListeners.openListenerAdapter(open);
      InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(host), port);
      AcceptingChannel<? extends StreamConnection> channel;
      if (sslContext == null) {
        channel = worker.createStreamConnectionServer(address, accept, socketOptions);
      } else {
        UndertowXnioSsl ssl =
            new UndertowXnioSsl(
                xnio, OptionMap.create(Options.USE_DIRECT_BUFFERS, true), sslContext);
        @SuppressWarnings({"unchecked", "rawtypes"})
        AcceptingChannel<? extends StreamConnection> sslChannel =
            ssl.createSslConnectionServer(worker, address, (ChannelListener) accept, socketOptions);
        channel = sslChannel;
      }
      channel.resumeAccepts();
      return new HttpListener(worker, channel, workerShutdownMillis);
    } catch (IOException | RuntimeException e) {
      worker.shutdownNow();
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  /** The bound address, with the real port when port 0 was asked for. */
  InetSocketAddress address() {
    return (InetSocketAddress) channel.getLocalAddress();
  }

  /**
   * Closes the listener and the worker (and with it every connection); a worker still busy after
   * the shutdown wait is interrupted.
   */
  void stop() {
    IoUtils.safeClose(channel);
    worker.shutdown();
    try {
      if (!worker.awaitTermination(
          workerShutdownMillis, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        worker.shutdownNow();
      }
    } catch (InterruptedException e) {
      worker.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
