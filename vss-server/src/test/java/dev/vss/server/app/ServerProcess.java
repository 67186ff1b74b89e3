package dev.vss.server.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged {@code vss-server.jar} running as a separate process, with its output captured. */
final class ServerProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on (\\S+)");

  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private ServerProcess(Process process) {
    this.process = process;
    this.reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  lines.add(line);
                }
              } catch (IOException e) {
                // the process went away; what was read stays in lines
              }
            },
            "vss-server-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** The jar that {@code mvn package} built (failsafe passes its path). */
  static Path jar() {
    Path jar = Path.of(System.getProperty("vss.server.jar", "target/vss-server.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no packaged server at " + jar + "; run mvn verify");
    }
    return jar;
  }

  /** Starts {@code java -jar vss-server.jar args...} with {@code env} added to the environment. */
  static ServerProcess start(Map<String, String> env, Path workDir, String... args) {
    return start("256m", env, workDir, args);
  }

  /** As {@link #start(Map, Path, String...)}, with {@code -Xmx<maxHeap>} for the server's JVM. */
  static ServerProcess start(
      String maxHeap, Map<String, String> env, Path workDir, String... args) {
    return start(jar(), maxHeap, env, workDir, args);
  }

  /** As {@link #start(String, Map, Path, String...)}, from {@code jar}. */
  static ServerProcess start(
      Path jar, String maxHeap, Map<String, String> env, Path workDir, String... args) {
    return start(List.of(), jar, maxHeap, env, workDir, args);
  }

  /**
   * As {@link #start(Path, String, Map, Path, String...)}, through {@code launcher} (a command that
   * execs the JVM in its own process, such as {@code nohup}), so the pid is still the JVM's.
   */
  static ServerProcess start(
      List<String> launcher,
      Path jar,
      String maxHeap,
      Map<String, String> env,
      Path workDir,
      String... args) {
    List<String> command = new ArrayList<>(launcher);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + maxHeap);
    command.add("-jar");
    command.add(jar.toAbsolutePath().toString());
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("VSS_"));
    builder.environment().putAll(env);
    try {
      return new ServerProcess(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits (bounded) for the process to exit and returns its status. */
  int awaitExit() throws InterruptedException {
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the server did not exit; output:\n" + output());
    }
    reader.join(10_000);
    return process.exitValue();
  }

  /** Waits (bounded) for the start-up line and returns the API URI it announces. */
  URI awaitListening() throws InterruptedException {
    return URI.create(awaitLine(LISTENING).group(1));
  }

  /** Waits (bounded) for an output line matching {@code pattern}. */
  Matcher awaitLine(Pattern pattern) throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      for (String line : lines) {
        Matcher matcher = pattern.matcher(line);
        if (matcher.find()) {
          return matcher;
        }
      }
      if (!process.isAlive() && !reader.isAlive()) {
        break;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no line matching " + pattern + "; output:\n" + output());
  }

  /**
   * Asks the server to stop as an init system would: SIGTERM. Through the process handle, because
   * {@code Process.destroy()} also closes our end of the output pipe, losing the shutdown log.
   */
  void terminate() {
    process.toHandle().destroy();
  }

  /** SIGKILL: the JVM ends at once, running no shutdown hook. Waits for it to be gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(60, TimeUnit.SECONDS);
  }

  /** The operating system's process id, to send it a signal. */
  long pid() {
    return process.pid();
  }

  List<String> lines() {
    return List.copyOf(lines);
  }

  String output() {
    return String.join("\n", lines);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
