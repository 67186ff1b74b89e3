package dev.vss.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnsafeByteOperations;
import dev.vss.proto.GetObjectRequest;
import dev.vss.proto.GetObjectResponse;
import dev.vss.proto.KeyValue;
import dev.vss.proto.PutObjectRequest;
import dev.vss.server.RawHttp;
import dev.vss.server.ServerInternals;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request-body memory in the packaged jar under a small heap ({@code -Xmx384m}, or the value of the
 * system property {@code vss.it.heap}, which is how the README's heap figures were measured):
 * clients that declare 64 MiB bodies and stall hold only what they sent, legitimate writes keep
 * working meanwhile, the body read timeout frees the stalled connections, and max-size puts and
 * gets with the default limits never run the server out of memory. No response is ever a 500 and
 * the server's output never mentions an {@code OutOfMemoryError}.
 */
class BodyMemoryIT {
  private static final String HEAP = System.getProperty("vss.it.heap", "384m");
  private static final int MIB = 1024 * 1024;

  /** The default body limit, declared by every stalled client. */
  private static final int DECLARED = 64 * MIB;

  private static final int STALLED_CLIENTS = 100;
  private static final Pattern BODY_BYTES =
      Pattern.compile("(?m)^vss_http_request_body_bytes_in_flight (\\S+)$");

  @TempDir Path dir;

  @Test
  void stalledBodiesHoldOnlyWhatArrivedAndTimeOutWhileOthersWrite() throws Exception {
    try (ServerProcess server =
        ServerProcess.start(
            HEAP,
            Map.of(),
            dir,
            "--bind",
            "127.0.0.1:0",
            "--store",
            "sqlite",
            "--data-dir",
            "data",
            "--auth",
            "none",
            "--body-read-timeout",
            "5")) {
      int port = server.awaitListening().getPort();
      List<Socket> stalled = new ArrayList<>();
      try {
        stallWhileOthersWrite(port, stalled);
      } catch (AssertionError e) {
        throw withServerErrors(e, server);
      } finally {
        for (Socket socket : stalled) {
          socket.close();
        }
      }
      assertNoServerFailure(server, port);
    }
  }

  /** Part (a); the stalled sockets go into {@code stalled} for the caller to close. */
  private static void stallWhileOthersWrite(int port, List<Socket> stalled) throws Exception {
    // Each declares 64 MiB, sends 4 KiB of it and stops: 6.4 GiB declared against the heap.
    for (int i = 0; i < STALLED_CLIENTS; i++) {
      Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
      socket.setSoTimeout(30_000);
      stalled.add(socket);
      OutputStream out = socket.getOutputStream();
      out.write(head("/vss/putObjects", DECLARED));
      out.write(new byte[4096]);
      out.flush();
    }
    long held = awaitBodyBytesInFlight(port);
    assertThat(held)
        .as("body bytes held by %d stalled clients", STALLED_CLIENTS)
        .isPositive()
        .isLessThanOrEqualTo((long) STALLED_CLIENTS * ServerInternals.BODY_READER_INITIAL_CAPACITY);

    // Meanwhile another client writes small values and two large ones.
    Map<String, ByteString> written = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 20; i++) {
      ByteString value = ByteString.copyFromUtf8("small value " + i);
      RawHttp.Response put = RawHttp.send(port, putRequest("small" + i, value));
      assertThat(put.status()).as("small put %d while clients stall", i).isEqualTo(200);
      written.put("small" + i, value);
    }
    for (int i = 0; i < 2; i++) {
      ByteString value = randomValue(12 * MIB + i, i);
      int status = putWithRetries(port, "large" + i, value);
      assertThat(status).as("12 MiB put %d while clients stall", i).isEqualTo(200);
      written.put("large" + i, value);
    }

    // Every stalled client is answered: 503 at once (the budget cannot take its declared
    // length) or 408 after the read timeout; or its connection is closed. Never a 500.
    int timedOut = 0;
    int closed = 0;
    for (Socket socket : stalled) {
      RawHttp.Response response;
      try {
        response = RawHttp.read(socket.getInputStream());
      } catch (IOException e) {
        closed++; // the server let go of it
        continue;
      }
      assertThat(response.status()).as("a stalled client's answer").isIn(408, 503);
      if (response.status() == 503) {
        assertThat(response.values("Retry-After")).isNotEmpty();
      } else {
        timedOut++;
      }
    }
    System.out.printf(
        "-Xmx%s: %d stalled clients held %d body bytes; %d got 408, %d 503," + " %d were closed%n",
        HEAP, STALLED_CLIENTS, held, timedOut, STALLED_CLIENTS - timedOut - closed, closed);
    assertThat(timedOut).as("stalled clients answered 408").isPositive();
    assertThat(awaitNoBodyBytesInFlight(port)).isZero();

    // The server still serves, and every acknowledged value is intact.
    assertThat(RawHttp.send(port, putRequest("after", ByteString.copyFromUtf8("after"))).status())
        .isEqualTo(200);
    for (Map.Entry<String, ByteString> entry : written.entrySet()) {
      assertThat(get(port, entry.getKey())).as(entry.getKey()).isEqualTo(entry.getValue());
    }
  }

  @Test
  void concurrentMaxSizePutsAndGetsFitTheHeapWithDefaultLimits() throws Exception {
    int clients = 3;
    try (ServerProcess server =
            ServerProcess.start(
                HEAP,
                Map.of(),
                dir,
                "--bind",
                "127.0.0.1:0",
                "--store",
                "sqlite",
                "--data-dir",
                "data",
                "--auth",
                "none");
        AutoCloseableExecutor pool = new AutoCloseableExecutor(clients)) {
      int port = server.awaitListening().getPort();
      // The largest value whose putObjects body fits the default 64 MiB limit.
      List<ByteString> values = new ArrayList<>();
      ByteString shared = randomValue(DECLARED - 1024, 42);
      for (int i = 0; i < clients; i++) {
        // Distinct per key, but sharing one array in this JVM.
        values.add(ByteString.copyFromUtf8("value " + i + " ").concat(shared));
      }
      List<Future<Integer>> puts = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        int n = i;
        puts.add(pool.executor.submit(() -> putWithRetries(port, "big" + n, values.get(n))));
      }
      try {
        for (Future<Integer> put : puts) {
          assertThat(put.get(120, TimeUnit.SECONDS))
              .as("a 64 MiB put, retried after 503s")
              .isEqualTo(200);
        }
        List<Future<ByteString>> gets = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
          int n = i;
          gets.add(pool.executor.submit(() -> get(port, "big" + n)));
        }
        for (int i = 0; i < clients; i++) {
          assertThat(gets.get(i).get(120, TimeUnit.SECONDS).equals(values.get(i)))
              .as("the 64 MiB value big%d read back intact", i)
              .isTrue();
        }
      } catch (AssertionError | java.util.concurrent.ExecutionException e) {
        throw withServerErrors(e, server);
      }
      assertNoServerFailure(server, port);
    }
  }

  /**
   * The status of a put; on 503 (or a connection closed mid-body) retried, a bounded number of
   * times.
   */
  private static int putWithRetries(int port, String key, ByteString value) throws Exception {
    PutObjectRequest request =
        PutObjectRequest.newBuilder()
            .setStoreId("wallet")
            .addTransactionItems(KeyValue.newBuilder().setKey(key).setVersion(-1).setValue(value))
            .build();
    int status = -1;
    for (int attempt = 0; attempt < 60; attempt++) {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        socket.setSoTimeout(60_000);
        OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        try {
          out.write(head("/vss/putObjects", request.getSerializedSize()));
          request.writeTo(out); // streams the value's array; no serialized copy here
          out.flush();
        } catch (IOException e) {
          // The server answered before reading it all (a 503) and closed; read it if still there.
        }
        try {
          RawHttp.Response response = RawHttp.read(socket.getInputStream());
          status = response.status();
          if (status != 503) {
            return status;
          }
          assertThat(response.values("Retry-After")).as("a 503's Retry-After").isNotEmpty();
        } catch (IOException e) {
          status = -1; // reset before the answer could be read
        }
      }
      Thread.sleep(1000);
    }
    return status;
  }

  /** The value of {@code key}; on 503 (the budget is full) retried, a bounded number of times. */
  private static ByteString get(int port, String key) throws Exception {
    byte[] body =
        GetObjectRequest.newBuilder().setStoreId("wallet").setKey(key).build().toByteArray();
    for (int attempt = 0; ; attempt++) {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        socket.setSoTimeout(60_000);
        OutputStream out = socket.getOutputStream();
        out.write(head("/vss/getObject", body.length));
        out.write(body);
        out.flush();
        RawHttp.Response response = RawHttp.read(socket.getInputStream());
        if (response.status() == 503 && attempt < 60) {
          assertThat(response.values("Retry-After")).as("a 503's Retry-After").isNotEmpty();
          Thread.sleep(1000);
          continue;
        }
        assertThat(response.status()).as("getObject %s", key).isEqualTo(200);
        CodedInputStream input = UnsafeByteOperations.unsafeWrap(response.body()).newCodedInput();
        input.enableAliasing(true);
        return GetObjectResponse.parseFrom(input).getValue().getValue();
      }
    }
  }

  private static byte[] putRequest(String key, ByteString value) {
    byte[] body =
        PutObjectRequest.newBuilder()
            .setStoreId("wallet")
            .addTransactionItems(KeyValue.newBuilder().setKey(key).setVersion(-1).setValue(value))
            .build()
            .toByteArray();
    byte[] head = head("/vss/putObjects", body.length);
    byte[] request = java.util.Arrays.copyOf(head, head.length + body.length);
    System.arraycopy(body, 0, request, head.length, body.length);
    return request;
  }

  private static byte[] head(String path, long contentLength) {
    return ("POST "
            + path
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Content-Type: application/octet-stream\r\nContent-Length: "
            + contentLength
            + "\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  private static ByteString randomValue(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return UnsafeByteOperations.unsafeWrap(bytes);
  }

  private static long bodyBytesInFlight(int port) {
    String metrics =
        new String(
            RawHttp.send(
                    port,
                    "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "Connection: close\r\n\r\n")
                .body(),
            StandardCharsets.UTF_8);
    Matcher matcher = BODY_BYTES.matcher(metrics);
    assertThat(matcher.find()).as("the body-bytes gauge in\n%s", metrics).isTrue();
    // Micrometer writes gauges as floating point ("1638400.0", "1.6777216E7").
    return (long) Double.parseDouble(matcher.group(1));
  }

  /** The gauge once the stalled bodies' first bytes were read: polled, bounded. */
  private static long awaitBodyBytesInFlight(int port) throws InterruptedException {
    long held = 0;
    for (int i = 0; i < 50 && held == 0; i++) {
      Thread.sleep(100);
      held = bodyBytesInFlight(port);
    }
    return held;
  }

  private static long awaitNoBodyBytesInFlight(int port) throws InterruptedException {
    long held = bodyBytesInFlight(port);
    for (int i = 0; i < 100 && held != 0; i++) {
      Thread.sleep(100);
      held = bodyBytesInFlight(port);
    }
    return held;
  }

  private static void assertNoServerFailure(ServerProcess server, int port) {
    String metrics =
        new String(
            RawHttp.send(
                    port,
                    "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "Connection: close\r\n\r\n")
                .body(),
            StandardCharsets.UTF_8);
    assertThat(metrics).as("requests answered 500").doesNotContain("code=\"500\"");
    assertThat(server.output()).doesNotContain("OutOfMemoryError", "failed unexpectedly");
  }

  /** {@code failure} with the server's error lines (an {@code OutOfMemoryError}, say) added. */
  private static AssertionError withServerErrors(Throwable failure, ServerProcess server) {
    StringBuilder errors = new StringBuilder();
    for (String line : server.lines()) {
      if (line.contains("ERROR") || line.contains("Error") || line.contains("Exception")) {
        errors.append('\n').append(line);
      }
    }
    return new AssertionError(failure.getMessage() + "\nserver errors:" + errors, failure);
  }

  /** A fixed pool for the concurrent clients, shut down with the test. */
  private static final class AutoCloseableExecutor implements AutoCloseable {
    final ExecutorService executor;

    AutoCloseableExecutor(int threads) {
      executor = Executors.newFixedThreadPool(threads);
    }

    @Override
    public void close() throws InterruptedException {
      executor.shutdownNow();
      executor.awaitTermination(30, TimeUnit.SECONDS);
    }
  }
}
