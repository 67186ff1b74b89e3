package dev.vss.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RawHttpConnectionTest {
  private final LoadShape shape = new LoadShape(4, 100, 2);

  @Test
  void keepsOneConnectionForManyRequestsToTheNoOpServer() throws Exception {
    try (HttpStack server = HttpStack.start("/vss", HttpStack.noOp(), 0)) {
      Endpoint.Factory factory = RawHttpConnection.factory(server.address(), "/vss");
      try (Endpoint endpoint = factory.open()) {
        for (Workload workload : Workload.values()) {
          Workload.Generator generator =
              workload.generator(shape, new VersionBook(shape, 1), 0, 1, 1);
          for (int i = 0; i < 50; i++) {
            assertThat(endpoint.call(generator.next())).isEqualTo(200);
          }
        }
      }
    }
  }

  @Test
  void readsContentLengthAndChunkedBodiesAndReturnsTheStatus() throws Exception {
    List<String> responses =
        List.of(
            "HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\n\r\nnope!",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n",
            "HTTP/1.1 409 Conflict\r\ncontent-length:0\r\n\r\n");
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<List<String>> requests =
          CompletableFuture.supplyAsync(() -> serve(listener, responses));
      InetSocketAddress address =
          new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
      RawHttpConnection connection =
          (RawHttpConnection) RawHttpConnection.factory(address, "/base").open();
      Workload.Generator generator =
          Workload.GET.generator(shape, new VersionBook(shape, 1), 0, 1, 1);
      Call call = generator.next();
      assertThat(connection.call(call)).isEqualTo(404);
      assertThat(connection.call(generator.next())).isEqualTo(200);
      assertThat(connection.call(generator.next())).isEqualTo(409);
      assertThat(connection.bodyBytesReceived()).isEqualTo(10);
      connection.close();
      String first = requests.get(10, TimeUnit.SECONDS).get(0);
      assertThat(first)
          .startsWith("POST /base/getObject HTTP/1.1\r\n")
          .contains("\r\nAuthorization: user-" + call.user() + "\r\n")
          .contains("\r\nContent-Length: " + call.request().getSerializedSize() + "\r\n\r\n");
      assertThat(
              first.substring(first.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.ISO_8859_1))
          .isEqualTo(call.request().toByteArray());
    }
  }

  @Test
  void aClosedConnectionIsAnIoError() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture.runAsync(
          () -> {
            try (Socket socket = listener.accept()) {
              socket.getInputStream().read(new byte[1024]);
            } catch (IOException e) {
              // the test fails on the client side if this goes wrong
            }
          });
      Endpoint endpoint =
          RawHttpConnection.factory(
                  new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()),
                  "/vss")
              .open();
      Call call = Workload.GET.generator(shape, new VersionBook(shape, 1), 0, 1, 1).next();
      assertThatThrownBy(() -> endpoint.call(call)).isInstanceOf(IOException.class);
      endpoint.close();
    }
  }

  /** Answers one connection's requests with {@code responses}, returning the requests it read. */
  private static List<String> serve(ServerSocket listener, List<String> responses) {
    List<String> requests = new ArrayList<>();
    try (Socket socket = listener.accept()) {
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      for (String response : responses) {
        requests.add(readRequest(in));
        out.write(response.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return requests;
  }

  private static String readRequest(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed");
      }
      head.write(b);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    int at = text.indexOf("Content-Length: ") + 16;
    int length = Integer.parseInt(text.substring(at, text.indexOf("\r\n", at)));
    return text + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
  }
}
