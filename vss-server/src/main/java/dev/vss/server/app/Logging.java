package dev.vss.server.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.vss.server.VssServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up Logback for the command-line server (and vss-server.jar): level, standard error or a
 * file, text or JSON lines, the access log, and reopening the file on SIGHUP so logrotate can move
 * it away. vss-core and the stores log through {@code System.Logger}, which
 * slf4j-jdk-platform-logging routes here, and Undertow through jboss-logging, told to use slf4j.
 *
 * <p>Only the command line calls this. An application embedding {@link VssServer} depends on
 * vss-server-undertow, which brings no slf4j binding: it keeps its own binding and configuration.
 */
final class Logging {
  /** The text layout: ISO time with offset, level, logger, message. */
  static final String TEXT_PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} [%thread] %-5level %logger{36} - %msg%n";

  private static final String APPENDER = "vss";

  private Logging() {}

  /** The output format of log lines. */
  enum Format {
    /** One human-readable line per event. */
    TEXT,
    /** One JSON object per line (Logback's JsonEncoder). */
    JSON;

    /**
     * The format named {@code text} ({@code text} or {@code json}, in any case): the parser of
     * {@link Setting#LOG_FORMAT}.
     *
     * @throws IllegalArgumentException for another name
     */
    static Format parse(String text) {
      return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "text" -> TEXT;
        case "json" -> JSON;
        default -> throw new IllegalArgumentException("expected text or json");
      };
    }
  }

  /**
   * Applies the settings to Logback, replacing any earlier configuration. Does nothing when slf4j
   * is bound to another backend.
   *
   * @param level trace, debug, info, warn, error or off
   * @param file the log file (appended to, reopened on SIGHUP); empty for standard error
   * @param format text or JSON lines
   * @param accessLog whether access log lines are written (at INFO, whatever {@code level})
   */
  static void configure(String level, Optional<Path> file, Format format, boolean accessLog) {
    setIfAbsent("org.jboss.logging.provider", "slf4j");
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    context.reset();
    Encoder<ILoggingEvent> encoder;
    if (format == Format.JSON) {
      JsonEncoder json = new JsonEncoder();
      json.setContext(context);
      // The message as written, not its template plus arguments; no per-line context noise.
      json.setWithFormattedMessage(true);
      json.setWithMessage(false);
      json.setWithArguments(false);
      json.setWithContext(false);
      json.start();
      encoder = json;
    } else {
      PatternLayoutEncoder text = new PatternLayoutEncoder();
      text.setContext(context);
      text.setPattern(TEXT_PATTERN);
      text.start();
      encoder = text;
    }
    OutputStreamAppender<ILoggingEvent> appender;
    if (file.isPresent()) {
      FileAppender<ILoggingEvent> toFile = new FileAppender<>();
      toFile.setFile(file.get().toString());
      toFile.setAppend(true);
      appender = toFile;
    } else {
      ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
      console.setTarget("System.err");
      appender = console;
    }
    appender.setName(APPENDER);
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.start();
    if (!appender.isStarted()) {
      throw new ConfigException(
          "cannot write the log file "
              + file.orElseThrow()
              + " (is its directory there and writable?)");
    }
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(level, Level.INFO));
    root.addAppender(appender);
    // The access log has its own switch: on, it is written even when the level hides other INFO.
    context.getLogger(VssServer.ACCESS_LOGGER).setLevel(accessLog ? Level.INFO : Level.OFF);
    if (appender instanceof FileAppender<ILoggingEvent> toFile) {
      reopenOnHangup(toFile);
    }
  }

  /**
   * On SIGHUP, reopens the log file by its name: after logrotate renames it, new lines go to a new
   * file at the configured path. Swapping the stream happens under the appender's lock, so no line
   * is lost or split.
   */
  private static void reopenOnHangup(FileAppender<ILoggingEvent> appender) {
    try {
      sun.misc.SignalHandler previous =
          sun.misc.Signal.handle(
              new sun.misc.Signal("HUP"),
              signal -> {
                try {
                  appender.openFile(appender.getFile());
                  LoggerFactory.getLogger(Logging.class)
                      .info("reopened the log file {} (SIGHUP)", appender.getFile());
                } catch (IOException e) {
                  System.err.println(
                      "vss-server: cannot reopen the log file "
                          + appender.getFile()
                          + ": "
                          + e.getMessage());
                }
              });
      if (previous == sun.misc.SignalHandler.SIG_IGN) {
        // A process started with SIGHUP ignored (nohup does that) keeps it ignored: the JVM
        // refuses to install a handler and says so only through this return value.
        LoggerFactory.getLogger(Logging.class)
            .warn(
                "SIGHUP is ignored by this process (started"
                    + " under nohup?), so the log file will not be reopened on logrotate's signal; start"
                    + " the server without nohup (systemd, a container) or rotate with copytruncate");
      }
    } catch (IllegalArgumentException e) {
      // No SIGHUP on this platform (Windows) or the JVM reserves it (-Xrs): no reopening.
      LoggerFactory.getLogger(Logging.class)
          .warn(
              "cannot handle SIGHUP ({}); the log file will"
                  + " not be reopened on logrotate's signal",
              e.getMessage());
    }
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
