package dev.vss.server;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.vss.proto.ErrorResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HTTP/1.1 over a plain socket, for requests no HTTP client library will send (broken framing,
 * stalled bodies) and for reading exactly the bytes the server answered.
 */
public final class RawHttp {
  private RawHttp() {}

  /** One parsed response. */
  public record Response(int status, List<String[]> headers, byte[] body) {
    /** All values of header {@code name} (case-insensitive). */
    public List<String> values(String name) {
      List<String> values = new ArrayList<>();
      for (String[] header : headers) {
        if (header[0].equalsIgnoreCase(name)) {
          values.add(header[1]);
        }
      }
      return values;
    }

    public ErrorResponse error() {
      try {
        return ErrorResponse.parseFrom(body);
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError(
            "body is not an ErrorResponse: " + new String(body, StandardCharsets.ISO_8859_1), e);
      }
    }
  }

  /** Sends {@code request} as is on a new connection and reads one response. */
  public static Response send(int port, byte[] request) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      return read(socket.getInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Response send(int port, String request) {
    return send(port, request.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Reads one response: head, then a Content-Length body (or to end of stream without one). */
  public static Response read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int c;
    int matched = 0;
    while (matched < 4 && (c = in.read()) != -1) {
      head.write(c);
      matched = (c == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (c == '\r' ? 1 : 0);
    }
    if (matched < 4) {
      throw new IOException(
          "connection closed before a whole response head: \""
              + head.toString(StandardCharsets.ISO_8859_1)
              + "\"");
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    List<String[]> headers = new ArrayList<>();
    long length = -1;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        String name = lines[i].substring(0, colon).trim();
        String value = lines[i].substring(colon + 1).trim();
        headers.add(new String[] {name, value});
        if (name.toLowerCase(Locale.ROOT).equals("content-length")) {
          length = Long.parseLong(value);
        }
      }
    }
    byte[] body = length >= 0 ? in.readNBytes((int) length) : in.readAllBytes();
    return new Response(status, headers, body);
  }
}
