package dev.vss.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vss.core.Limits;
import dev.vss.core.VssService;
import dev.vss.core.auth.Authorizer;
import dev.vss.core.memory.InMemoryStorage;
import dev.vss.proto.KeyValue;
import dev.vss.proto.ListKeyVersionsRequest;
import dev.vss.proto.PutObjectRequest;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An authorizer that {@linkplain Authorizer#mayBlock may block} runs on a worker thread, one that
 * cannot on the connection's IO thread (saving a hand-off to a worker and back); either way the
 * body is read after authorization, including a body that arrives after the headers.
 */
class AuthorizerThreadTest {
  private final InMemoryStorage memory = new InMemoryStorage();
  private final List<String> threads = new CopyOnWriteArrayList<>();
  private Undertow undertow;

  @AfterEach
  void stop() {
    if (undertow != null) {
      undertow.stop();
    }
    memory.close();
  }

  @Test
  void anAuthorizerThatMayBlockRunsOnAWorker() throws Exception {
    int port = start(true);
    assertThat(putInTwoParts(port, "a")).isEqualTo(200);
    assertThat(threads).hasSize(1);
    assertThat(threads.get(0)).doesNotContain("I/O");
  }

  @Test
  void anAuthorizerThatCannotBlockRunsOnTheIoThreadAndTheBodyIsStillReadWhole() throws Exception {
    int port = start(false);
    assertThat(putInTwoParts(port, "a")).isEqualTo(200);
    assertThat(putInTwoParts(port, "b")).isEqualTo(200);
    assertThat(threads).hasSize(2).allMatch(name -> name.contains("I/O"));
    assertThat(storedKeys()).isEqualTo(2);
  }

  @Test
  void aRefusalOnTheIoThreadReadsNoBodyAndAnswers401() throws Exception {
    int port = start(false);
    assertThat(putInTwoParts(port, "refuse")).isEqualTo(401);
    assertThat(storedKeys()).isZero();
  }

  private int storedKeys() {
    return new VssService(memory, Limits.DEFAULTS)
        .listKeyVersions("u", ListKeyVersionsRequest.newBuilder().setStoreId("s").build())
        .getKeyVersionsCount();
  }

  private int start(boolean mayBlock) {
    Authorizer authorizer =
        new Authorizer() {
          @Override
          public String authorize(Map<String, String> headers) {
            threads.add(Thread.currentThread().getName());
            if (Authorizer.header(headers, "X-Refuse").isPresent()) {
              throw dev.vss.core.VssException.auth("refused");
            }
            return "u";
          }

          @Override
          public boolean mayBlock() {
            return mayBlock;
          }
        };
    VssHttpHandler vss =
        new VssHttpHandler(new VssService(memory, Limits.DEFAULTS), authorizer, 1 << 20);
    undertow =
        Undertow.builder()
            .addHttpListener(0, "127.0.0.1")
            .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, Long.MAX_VALUE)
            .setHandler(vss)
            .build();
    undertow.start();
    return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  /** Sends the headers and half the body, waits, then the rest; returns the status. */
  private static int putInTwoParts(int port, String key) throws Exception {
    byte[] body =
        PutObjectRequest.newBuilder()
            .setStoreId("s")
            .addTransactionItems(
                KeyValue.newBuilder()
                    .setKey(key)
                    .setVersion(0)
                    .setValue(ByteString.copyFrom(new byte[4096])))
            .build()
            .toByteArray();
    String head =
        "POST /putObjects HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            + (key.equals("refuse") ? "X-Refuse: 1\r\n" : "")
            + "Content-Length: "
            + body.length
            + "\r\n\r\n";
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(body, 0, body.length / 2);
      out.flush();
      Thread.sleep(200);
      if (!key.equals("refuse")) {
        out.write(body, body.length / 2, body.length - body.length / 2);
        out.flush();
      }
      InputStream in = socket.getInputStream();
      byte[] status = in.readNBytes(12); // "HTTP/1.1 200"
      return Integer.parseInt(new String(status, 9, 3, StandardCharsets.US_ASCII));
    }
  }
}
