package dev.vss.server;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.xnio.ChannelListener;
import org.xnio.XnioExecutor;
import org.xnio.channels.StreamSourceChannel;

/**
 * Reads a request body into one heap array without ever holding more than the bytes that arrived
 * (at most twice as much, as the array doubles), unlike Undertow's {@code receiveFullBytes}, which
 * allocates the declared {@code Content-Length} before the first byte.
 *
 * <ul>
 *   <li>The array starts at {@value #INITIAL_CAPACITY} bytes and doubles as data arrives, up to the
 *       declared length (so a complete body of known length ends in an array of exactly its size)
 *       or, for a chunked body, the body limit.
 *   <li>Every growth reserves its bytes from the server's {@link BodyBudget}; when the budget is
 *       exhausted the read fails with {@link Failure#OVER_BUDGET}. The reservation is released when
 *       the exchange completes, since the parsed request aliases the array until then.
 *   <li>The whole body must arrive within the read timeout, else {@link Failure#TIMED_OUT}.
 *   <li>Reads take at most {@value #READ_SLICE} bytes at a time, so the JDK's temporary direct
 *       buffer for a heap read stays small.
 * </ul>
 *
 * <p>All of it runs on the exchange's IO thread: the read listener and the timeout share that one
 * thread, so the reader's state needs no locking. {@link #start} must be called there.
 */
final class BodyReader implements ChannelListener<StreamSourceChannel> {
  static final int INITIAL_CAPACITY = 16 * 1024;
  static final int READ_SLICE = 64 * 1024;

  /** Why a body could not be read. */
  enum Failure {
    /** More bytes than the body limit. */
    TOO_LARGE,
    /** The server's in-flight body budget is used up. */
    OVER_BUDGET,
    /** The body did not arrive within the read timeout. */
    TIMED_OUT,
    /** The client closed the connection or broke the framing mid-body. */
    BROKEN
  }

  /** Receives the outcome, on the IO thread. */
  interface Callback {
    /** The body is {@code body[0, length)}; the array is not touched again by the reader. */
    void complete(HttpServerExchange exchange, byte[] body, int length);

    /** Reading failed; the reader has let go of its buffer. */
    void failed(HttpServerExchange exchange, Failure failure, IOException cause);
  }

  private static final byte[] EMPTY = new byte[0];

  private final HttpServerExchange exchange;
  private final int maxBytes;
  private final long declared;
  private final BodyBudget budget;
  private final Callback callback;
  private StreamSourceChannel channel;
  private byte[] buffer = EMPTY;
  private int length;

  /** Released from another thread when the exchange completes. */
  private final AtomicLong reserved = new AtomicLong();

  private boolean done;
  private XnioExecutor.Key timer;

  private BodyReader(
      HttpServerExchange exchange, int maxBytes, BodyBudget budget, Callback callback) {
    this.exchange = exchange;
    this.maxBytes = maxBytes;
    this.declared = exchange.getRequestContentLength();
    this.budget = budget;
    this.callback = callback;
  }

  /**
   * Starts reading the body of {@code exchange}; on its IO thread only. The declared length, if
   * any, has already been checked against {@code maxBytes}.
   */
  static void start(
      HttpServerExchange exchange,
      int maxBytes,
      BodyBudget budget,
      Duration timeout,
      Callback callback) {
    BodyReader reader = new BodyReader(exchange, maxBytes, budget, callback);
    exchange.addExchangeCompleteListener(
        (ex, next) -> {
          reader.releaseBudget();
          next.proceed();
        });
    ChunkFraming.answerFramingErrors(exchange);
    reader.channel = exchange.getRequestChannel();
    if (reader.channel == null) {
      reader.fail(Failure.BROKEN, new IOException("the request body was already read"));
      return;
    }
    reader.timer =
        exchange
            .getIoThread()
            .executeAfter(reader::timedOut, timeout.toMillis(), TimeUnit.MILLISECONDS);
    reader.handleEvent(reader.channel);
  }

  @Override
  public void handleEvent(StreamSourceChannel source) {
    if (done) {
      return;
    }
    try {
      while (true) {
        if (length == buffer.length && !grow()) {
          if (done) {
            return;
          }
          // Full at the final size: the next read must be the end of the body.
          int extra = source.read(ByteBuffer.allocate(1));
          if (extra == -1) {
            complete();
          } else if (extra > 0) {
            fail(Failure.TOO_LARGE, null);
          } else {
            awaitMore(source);
          }
          return;
        }
        int read =
            source.read(
                ByteBuffer.wrap(buffer, length, Math.min(READ_SLICE, buffer.length - length)));
        if (read > 0) {
          length += read;
        } else if (read == 0) {
          awaitMore(source);
          return;
        } else {
          if (declared >= 0 && length < declared) {
            fail(
                Failure.BROKEN,
                new IOException("the body ended after " + length + " of " + declared + " bytes"));
          } else {
            complete();
          }
          return;
        }
      }
    } catch (RequestTooBigException e) {
      fail(Failure.TOO_LARGE, e);
    } catch (IOException e) {
      fail(Failure.BROKEN, e);
    }
  }

  /**
   * Makes room for more bytes; false when the array is already at its final size, or when the
   * budget refused (then the read has failed and {@link #done} is set).
   */
  private boolean grow() {
    long finalSize = declared >= 0 ? declared : maxBytes;
    if (buffer.length >= finalSize) {
      return false;
    }
    long capacity = Math.min(finalSize, Math.max(INITIAL_CAPACITY, (long) buffer.length * 2));
    long extra = capacity - buffer.length;
    if (!budget.tryReserve(extra)) {
      fail(Failure.OVER_BUDGET, null);
      return false;
    }
    reserved.addAndGet(extra);
    buffer = Arrays.copyOf(buffer, (int) capacity);
    return true;
  }

  private void awaitMore(StreamSourceChannel source) {
    source.getReadSetter().set(this);
    source.resumeReads();
  }

  private void timedOut() {
    if (!done) {
      fail(Failure.TIMED_OUT, null);
    }
  }

  private void complete() {
    finish();
    byte[] body = buffer;
    buffer = null;
    callback.complete(exchange, body, length);
  }

  private void fail(Failure failure, IOException cause) {
    finish();
    buffer = null;
    callback.failed(exchange, failure, cause);
  }

  private void finish() {
    done = true;
    if (timer != null) {
      timer.remove();
    }
    if (channel != null) {
      channel.getReadSetter().set(null);
      channel.suspendReads();
    }
  }

  private void releaseBudget() {
    budget.release(reserved.getAndSet(0));
  }
}
