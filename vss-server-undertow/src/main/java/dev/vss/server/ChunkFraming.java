package dev.vss.server;

import io.undertow.conduits.ChunkedStreamSourceConduit;
import io.undertow.server.AbstractServerConnection;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import java.io.Closeable;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.conduits.StreamSourceConduit;

/**
 * Lets a request with a malformed chunked body be answered with a 400 instead of a closed
 * connection.
 *
 * <p>Undertow's request chunk decoder ({@link ChunkedStreamSourceConduit}) closes the whole
 * connection by itself when a chunk size or trailer is malformed, before the handler that is
 * reading learns of it, so no answer can be written. Undertow has no option for this; the decoder
 * takes the thing it closes as a constructor argument. Before the body is read, this swaps that
 * argument (by reflection: it is a private field) for one that only marks the exchange as not
 * persistent: the read then fails with the decoder's {@code IOException}, the body reader answers
 * 400 with an {@code ErrorResponse}, and the connection closes after that answer. If a response has
 * already started when the decoder fails (Undertow draining a body nobody read), the connection is
 * closed as Undertow would.
 *
 * <p>If a future Undertow renames the field, the swap is skipped (one line at start-up in the log)
 * and malformed chunks close the connection as before; {@code HardeningTest} fails on that.
 */
final class ChunkFraming {
  private static final Logger LOG = LoggerFactory.getLogger(ChunkFraming.class);
  private static final Field CLOSEABLE = closeableField();

  private ChunkFraming() {}

  /**
   * Makes a chunk framing error in {@code exchange}'s body answerable; call on the IO thread before
   * the first read. Does nothing for a body that is not chunked.
   */
  static void answerFramingErrors(HttpServerExchange exchange) {
    if (CLOSEABLE == null) {
      return;
    }
    ServerConnection connection = exchange.getConnection();
    if (!(connection instanceof AbstractServerConnection http)) {
      return;
    }
    StreamSourceConduit conduit = http.getChannel().getSourceChannel().getConduit();
    if (!(conduit instanceof ChunkedStreamSourceConduit)) {
      return;
    }
    Closeable onFramingError =
        () -> {
          if (exchange.isResponseStarted()) {
            IoUtils.safeClose(connection);
          } else {
            exchange.setPersistent(false);
          }
        };
    try {
      CLOSEABLE.set(conduit, onFramingError);
    } catch (IllegalAccessException | RuntimeException e) {
      LOG.debug("could not adjust the chunk decoder: {}", String.valueOf(e));
    }
  }

  private static Field closeableField() {
    try {
      Field field = ChunkedStreamSourceConduit.class.getDeclaredField("closeable");
      if (field.getType() != Closeable.class) {
        throw new NoSuchFieldException("closeable has type " + field.getType());
      }
      field.setAccessible(true);
      return field;
    } catch (NoSuchFieldException | RuntimeException e) {
      LOG.info(
          "this Undertow's chunk decoder cannot be adjusted ({}); a malformed chunked body"
              + " closes the connection without an answer",
          String.valueOf(e));
      return null;
    }
  }
}
