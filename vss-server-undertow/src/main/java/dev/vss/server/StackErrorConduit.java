package dev.vss.server;

import dev.vss.proto.ErrorCode;
import io.undertow.server.handlers.HostHeaderHandler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.xnio.channels.StreamSourceChannel;
import org.xnio.conduits.AbstractStreamSinkConduit;
import org.xnio.conduits.Conduits;
import org.xnio.conduits.StreamSinkConduit;

/**
 * The bottom of every connection's output: replaces the few responses that Undertow writes by
 * itself, before any handler of ours runs, with a SPEC section 1 error response (status 400, the
 * protocol version header, a decodable {@code ErrorResponse}).
 *
 * <p>Undertow answers two kinds of bad request without calling the root handler:
 *
 * <ul>
 *   <li>a request it cannot parse (bad request line, a bare {@code %} in the target, oversized or
 *       invalid headers, a bad, negative or duplicated {@code Content-Length}, both {@code
 *       Content-Length} and {@code Transfer-Encoding}, an unknown protocol): {@code
 *       HttpReadListener} writes the fixed bytes {@value #UNDERTOW_BAD_REQUEST_TEXT} straight onto
 *       the connection and closes it;
 *   <li>a missing, duplicated or malformed {@code Host} header: {@code HostHeaderHandler}, which
 *       Undertow puts in front of the root handler, ends the exchange with status 400, an empty
 *       body, {@code Connection: close} and one of its fixed reason phrases.
 * </ul>
 *
 * <p>Neither offers a hook, so this conduit recognizes those exact bytes when they are written: a
 * response head that is the whole of one write, starts with Undertow's fixed status line or one of
 * {@code HostHeaderHandler}'s reason phrases (no handler of ours sets a reason phrase) and has an
 * empty body. Everything else passes through untouched; only writes of at most {@value
 * #MAX_INSPECTED} bytes are inspected. Both answers close the connection, so nothing follows the
 * replacement.
 */
final class StackErrorConduit extends AbstractStreamSinkConduit<StreamSinkConduit> {
  static final String UNDERTOW_BAD_REQUEST_TEXT =
      "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  private static final byte[] UNDERTOW_BAD_REQUEST =
      UNDERTOW_BAD_REQUEST_TEXT.getBytes(StandardCharsets.US_ASCII);

  /** Undertow's own error heads are short; bodies and real responses are not inspected. */
  static final int MAX_INSPECTED = 512;

  /** The length of {@code "HTTP/1.1 400 "}: enough of a head to tell its status. */
  private static final int STATUS_END = 13;

  private static final List<String> HOST_REASONS =
      List.of(
          HostHeaderHandler.STATUS_NO_HOST_HEADER,
          HostHeaderHandler.STATUS_TOO_MANY_HOST_HEADERS,
          HostHeaderHandler.STATUS_MALFORMED_PORT,
          HostHeaderHandler.STATUS_MALFORMED_IP_LITERAL,
          HostHeaderHandler.STATUS_MALFORMED_IP_LITERAL_BAD_CHARS,
          HostHeaderHandler.STATUS_HOST_NO_MATCH);

  static final byte[] MALFORMED_REQUEST =
      ErrorResponses.rawResponse(
          400,
          "Bad Request",
          ErrorCode.INVALID_REQUEST_EXCEPTION,
          "malformed HTTP request (request line, target, headers or Content-Length)");

  /** Replacement bytes not yet accepted by the connection. */
  private ByteBuffer pending;

  /** {@link #terminateWrites()} was asked for while replacement bytes were pending. */
  private boolean terminateAfterPending;

  StackErrorConduit(StreamSinkConduit next) {
    super(next);
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    if (!drainPending()) {
      return 0;
    }
    int length = src.remaining();
    if (length <= MAX_INSPECTED && mayBeStatus400(src)) {
      byte[] replacement = replacementFor(peek(src));
      if (replacement != null) {
        src.position(src.limit());
        pending = ByteBuffer.wrap(replacement);
        drainPending();
        return length;
      }
    }
    return next.write(src);
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    if (!drainPending()) {
      return 0;
    }
    long total = remaining(srcs, offset, length);
    if (total <= MAX_INSPECTED && mayBeStatus400(firstWithData(srcs, offset, length))) {
      ByteBuffer joined = ByteBuffer.allocate((int) total);
      for (int i = offset; i < offset + length; i++) {
        joined.put(srcs[i].duplicate());
      }
      byte[] replacement = replacementFor(joined.array());
      if (replacement != null) {
        for (int i = offset; i < offset + length; i++) {
          srcs[i].position(srcs[i].limit());
        }
        pending = ByteBuffer.wrap(replacement);
        drainPending();
        return total;
      }
    }
    return next.write(srcs, offset, length);
  }

  @Override
  public int writeFinal(ByteBuffer src) throws IOException {
    return Conduits.writeFinalBasic(this, src);
  }

  @Override
  public long writeFinal(ByteBuffer[] srcs, int offset, int length) throws IOException {
    return Conduits.writeFinalBasic(this, srcs, offset, length);
  }

  @Override
  public long transferFrom(FileChannel src, long position, long count) throws IOException {
    return drainPending() ? next.transferFrom(src, position, count) : 0;
  }

  @Override
  public long transferFrom(StreamSourceChannel source, long count, ByteBuffer throughBuffer)
      throws IOException {
    if (!drainPending()) {
      throughBuffer.limit(0);
      return 0;
    }
    return next.transferFrom(source, count, throughBuffer);
  }

  @Override
  public boolean flush() throws IOException {
    if (!drainPending()) {
      return false;
    }
    if (terminateAfterPending) {
      terminateAfterPending = false;
      next.terminateWrites();
    }
    return next.flush();
  }

  @Override
  public void terminateWrites() throws IOException {
    if (pending != null) {
      terminateAfterPending = true;
      return;
    }
    next.terminateWrites();
  }

  /** Writes what is left of a replacement; true when nothing is pending any more. */
  private boolean drainPending() throws IOException {
    while (pending != null) {
      if (next.write(pending) == 0 && pending.hasRemaining()) {
        return false;
      }
      if (!pending.hasRemaining()) {
        pending = null;
      }
    }
    return true;
  }

  /**
   * A cheap first look, so that ordinary responses (every small response passes through here) cost
   * no copy: both answers this conduit replaces start with {@code HTTP/1.x 400 }. A buffer too
   * short to tell is looked at in full.
   */
  private static boolean mayBeStatus400(ByteBuffer head) {
    if (head == null) {
      return false;
    }
    int p = head.position();
    if (head.remaining() < STATUS_END) {
      return true;
    }
    return head.get(p) == 'H'
        && head.get(p + 9) == '4'
        && head.get(p + 10) == '0'
        && head.get(p + 11) == '0'
        && head.get(p + 12) == ' ';
  }

  private static ByteBuffer firstWithData(ByteBuffer[] srcs, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      if (srcs[i].hasRemaining()) {
        return srcs[i];
      }
    }
    return null;
  }

  private static byte[] peek(ByteBuffer src) {
    byte[] bytes = new byte[src.remaining()];
    src.duplicate().get(bytes);
    return bytes;
  }

  /** Our answer for one of Undertow's own error responses, or null for anything else. */
  static byte[] replacementFor(byte[] written) {
    if (Arrays.equals(written, UNDERTOW_BAD_REQUEST)) {
      return MALFORMED_REQUEST.clone();
    }
    String head = new String(written, StandardCharsets.ISO_8859_1);
    if (!head.startsWith("HTTP/1.")
        || !head.endsWith("\r\n\r\n")
        || head.indexOf("\r\n\r\n") != head.length() - 4
        || !head.toLowerCase(Locale.ROOT).contains("\r\ncontent-length: 0\r\n")) {
      return null;
    }
    for (String reason : HOST_REASONS) {
      if (head.startsWith(" 400 " + reason + "\r\n", "HTTP/1.1".length())) {
        return ErrorResponses.rawResponse(
            400, "Bad Request", ErrorCode.INVALID_REQUEST_EXCEPTION, "bad Host header: " + reason);
      }
    }
    return null;
  }

  private static long remaining(ByteBuffer[] srcs, int offset, int length) {
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      total += srcs[i].remaining();
    }
    return total;
  }
}
