package dev.vss.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Our server as users run it: {@code java -jar vss-server.jar ... --auth none} in a process of its
 * own, with the JVM's default options. It measures the time from the process start to the first
 * {@code 200} of {@code /ready}, the resident memory ({@code VmRSS} of {@code /proc/PID/status})
 * and the Java heap ({@code jcmd PID GC.heap_info}; the server exports no JVM metrics).
 */
final class ServerProcess implements AutoCloseable {
  private static final Pattern HEAP = Pattern.compile("total (\\d+)K, used (\\d+)K");

  private final Process process;
  private final InetSocketAddress address;
  private final double startupSeconds;

  private ServerProcess(Process process, InetSocketAddress address, double startupSeconds) {
    this.process = process;
    this.address = address;
    this.startupSeconds = startupSeconds;
  }

  /**
   * Starts the jar on a free loopback port and waits until {@code /ready} answers 200.
   *
   * @param jar the server jar
   * @param storeArguments the store's flags, such as {@code --store sqlite --data-dir D}
   * @param log where the server's standard output and error go
   * @throws IOException if it does not start or exits
   */
  static ServerProcess start(Path jar, List<String> storeArguments, Path log) throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString(),
                "--bind",
                "127.0.0.1:" + port,
                "--auth",
                "none",
                "--log-level",
                "warn"));
    command.addAll(storeArguments);
    long begin = System.nanoTime();
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
    long deadline = begin + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      if (!process.isAlive()) {
        throw new IOException(
            "the server exited with status "
                + process.exitValue()
                + ": "
                + Files.readString(log, StandardCharsets.UTF_8).strip());
      }
      if (readyStatus(address) == 200) {
        return new ServerProcess(process, address, (System.nanoTime() - begin) / 1e9);
      }
      if (System.nanoTime() > deadline) {
        process.destroyForcibly();
        throw new IOException("the server was not ready within 120 s; see " + log);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
        throw new IOException("interrupted while starting the server", e);
      }
    }
  }

  /** The HTTP status of {@code GET /ready}, or -1 if nothing answers yet. */
  private static int readyStatus(InetSocketAddress address) {
    try (Socket socket = new Socket()) {
      socket.connect(address, 1000);
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] head = in.readNBytes(12); // "HTTP/1.1 200"
      return head.length == 12
          ? Integer.parseInt(new String(head, 9, 3, StandardCharsets.US_ASCII))
          : -1;
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** Where the server listens. */
  InetSocketAddress address() {
    return address;
  }

  /** Seconds from the process start to the first 200 of {@code /ready}. */
  double startupSeconds() {
    return startupSeconds;
  }

  /** A reading of the process's memory now. */
  Memory memory() {
    return new Memory(rssKib(process.pid()), heap(process.pid()));
  }

  /**
   * The process's memory.
   *
   * @param rssKib resident set size in KiB, -1 if unknown
   * @param heap the Java heap, or null if {@code jcmd} could not read it
   */
  record Memory(long rssKib, Heap heap) {}

  /**
   * The Java heap as {@code GC.heap_info} shows it.
   *
   * @param usedKib in use (live objects and garbage not yet collected)
   * @param committedKib reserved from the OS
   */
  record Heap(long usedKib, long committedKib) {}

  /** {@code VmRSS} of a process in KiB, -1 if unknown. */
  static long rssKib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or the process has gone
    }
    return -1;
  }

  private static Heap heap(long pid) {
    try {
      Process jcmd =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                  Long.toString(pid),
                  "GC.heap_info")
              .redirectErrorStream(true)
              .start();
      String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      jcmd.waitFor(30, TimeUnit.SECONDS);
      return parseHeap(output);
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The first {@code total NK, used NK} of {@code GC.heap_info}'s output, or null. */
  static Heap parseHeap(String heapInfo) {
    Matcher matcher = HEAP.matcher(heapInfo);
    if (!matcher.find()) {
      return null;
    }
    return new Heap(Long.parseLong(matcher.group(2)), Long.parseLong(matcher.group(1)));
  }

  /** Stops the server as a user would (SIGTERM: graceful shutdown), forcibly after 60 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
