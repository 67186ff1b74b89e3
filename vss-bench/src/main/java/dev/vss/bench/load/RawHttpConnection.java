package dev.vss.bench.load;

import com.google.protobuf.CodedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

/**
 * A lean HTTP/1.1 client connection: one keep-alive socket, one request at a time, the request
 * encoded straight into a reused buffer and sent in one write, the response read into a reused
 * buffer. It speaks just enough HTTP for the benchmark (a {@code Content-Length} or chunked body,
 * no redirects, no TLS) so that on a 2-core machine the client takes as little CPU as possible from
 * the server it measures.
 *
 * <p>The response status is returned; the body is read completely (so the connection can carry the
 * next request) and counted, not decoded.
 */
final class RawHttpConnection implements Endpoint {
  private static final byte[] CONTENT_LENGTH = ascii("\r\nContent-Length: ");
  private static final byte[] END_OF_HEADERS = ascii("\r\n\r\n");
  private static final int MAX_LINE = 8192;

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;

  /**
   * Per method: {@code POST <path> HTTP/1.1}, the fixed headers and {@code Authorization: user-}.
   */
  private final Map<Method, byte[]> requestHeads;

  private byte[] sendBuffer = new byte[16 * 1024];
  private final byte[] receiveBuffer = new byte[64 * 1024];
  private int receivePosition;
  private int receiveLimit;
  private final byte[] line = new byte[MAX_LINE];
  private long bodyBytesReceived;

  private RawHttpConnection(InetSocketAddress address, String basePath) throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(address, 5_000);
    out = socket.getOutputStream();
    in = socket.getInputStream();
    String host = address.getAddress().getHostAddress() + ":" + address.getPort();
    requestHeads = new EnumMap<>(Method.class);
    for (Method method : Method.values()) {
      requestHeads.put(
          method,
          ascii(
              "POST "
                  + basePath
                  + "/"
                  + method.wireName()
                  + " HTTP/1.1\r\nHost: "
                  + host
                  + "\r\nContent-Type: application/octet-stream\r\nAuthorization: "
                  + HeaderAuthorizer.TOKEN_PREFIX));
    }
  }

  /**
   * Opens connections to {@code address}, sending requests to {@code <basePath>/<method>}.
   *
   * @param basePath the API base path, such as {@code /vss}, without a trailing slash
   */
  static Endpoint.Factory factory(InetSocketAddress address, String basePath) {
    return () -> new RawHttpConnection(address, basePath);
  }

  @Override
  public int call(Call call) throws IOException {
    send(call);
    return receive();
  }

  /** Bytes of response bodies received so far. */
  long bodyBytesReceived() {
    return bodyBytesReceived;
  }

  private void send(Call call) throws IOException {
    byte[] head = requestHeads.get(call.method());
    int bodySize = call.request().getSerializedSize();
    int needed = head.length + 10 + CONTENT_LENGTH.length + 10 + END_OF_HEADERS.length + bodySize;
    if (sendBuffer.length < needed) {
      sendBuffer = new byte[Math.max(needed, sendBuffer.length * 2)];
    }
    int position = put(head, 0);
    position = putDecimal(call.user(), position);
    position = put(CONTENT_LENGTH, position);
    position = putDecimal(bodySize, position);
    position = put(END_OF_HEADERS, position);
    CodedOutputStream body = CodedOutputStream.newInstance(sendBuffer, position, bodySize);
    call.request().writeTo(body);
    body.checkNoSpaceLeft();
    out.write(sendBuffer, 0, position + bodySize);
    out.flush();
  }

  private int receive() throws IOException {
    int length = readLine();
    // "HTTP/1.1 200 OK"
    if (length < 12 || line[8] != ' ') {
      throw new IOException(
          "malformed status line: " + new String(line, 0, length, StandardCharsets.ISO_8859_1));
    }
    int status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    long contentLength = -1;
    boolean chunked = false;
    while ((length = readLine()) > 0) {
      if (startsWithIgnoreCase(length, "content-length:")) {
        contentLength = parseDecimal(15, length);
      } else if (startsWithIgnoreCase(length, "transfer-encoding:")) {
        chunked =
            new String(line, 18, length - 18, StandardCharsets.ISO_8859_1)
                .trim()
                .equalsIgnoreCase("chunked");
      } else if (startsWithIgnoreCase(length, "connection:")
          && new String(line, 11, length - 11, StandardCharsets.ISO_8859_1)
              .trim()
              .equalsIgnoreCase("close")) {
        throw new IOException("the server closed the connection (status " + status + ")");
      }
    }
    if (chunked) {
      long chunk;
      while ((chunk = parseHex(readLine())) > 0) {
        skip(chunk);
        readLine();
      }
      while (readLine() > 0) {
        // trailers
      }
    } else if (contentLength > 0) {
      skip(contentLength);
    }
    return status;
  }

  /** Reads one line without its CRLF into {@link #line}; returns its length. */
  private int readLine() throws IOException {
    int length = 0;
    while (true) {
      if (receivePosition == receiveLimit) {
        fill();
      }
      byte b = receiveBuffer[receivePosition++];
      if (b == '\n') {
        return length > 0 && line[length - 1] == '\r' ? length - 1 : length;
      }
      if (length == MAX_LINE) {
        throw new IOException("response line longer than " + MAX_LINE + " bytes");
      }
      line[length++] = b;
    }
  }

  private void skip(long count) throws IOException {
    long remaining = count;
    while (remaining > 0) {
      if (receivePosition == receiveLimit) {
        fill();
      }
      int step = (int) Math.min(remaining, receiveLimit - receivePosition);
      receivePosition += step;
      remaining -= step;
    }
    bodyBytesReceived += count;
  }

  private void fill() throws IOException {
    int read = in.read(receiveBuffer, 0, receiveBuffer.length);
    if (read < 0) {
      throw new EOFException("the server closed the connection");
    }
    receivePosition = 0;
    receiveLimit = read;
  }

  private boolean startsWithIgnoreCase(int length, String lowerCasePrefix) {
    if (length < lowerCasePrefix.length()) {
      return false;
    }
    for (int i = 0; i < lowerCasePrefix.length(); i++) {
      if (Character.toLowerCase((char) line[i]) != lowerCasePrefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private long parseDecimal(int from, int to) throws IOException {
    long value = 0;
    boolean digits = false;
    for (int i = from; i < to; i++) {
      byte b = line[i];
      if (b >= '0' && b <= '9') {
        value = value * 10 + (b - '0');
        digits = true;
      } else if (b != ' ' && b != '\t') {
        throw new IOException("malformed Content-Length");
      }
    }
    if (!digits) {
      throw new IOException("malformed Content-Length");
    }
    return value;
  }

  private long parseHex(int length) throws IOException {
    long value = 0;
    int i = 0;
    for (; i < length && line[i] != ';'; i++) {
      int digit = Character.digit((char) line[i], 16);
      if (digit < 0) {
        throw new IOException("malformed chunk size");
      }
      value = value * 16 + digit;
    }
    if (i == 0) {
      throw new IOException("malformed chunk size");
    }
    return value;
  }

  private int put(byte[] bytes, int position) {
    System.arraycopy(bytes, 0, sendBuffer, position, bytes.length);
    return position + bytes.length;
  }

  private int putDecimal(int value, int position) {
    if (value == 0) {
      sendBuffer[position] = '0';
      return position + 1;
    }
    int digits = 0;
    for (int v = value; v > 0; v /= 10) {
      digits++;
    }
    int end = position + digits;
    for (int v = value, i = end - 1; v > 0; v /= 10, i--) {
      sendBuffer[i] = (byte) ('0' + v % 10);
    }
    return end;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
