package dev.vss.server.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * The parsers of setting values (whole numbers in a range, seconds, on/off, files, directories,
 * names), shared by the entries of {@link Setting} so that each kind of value is read and refused
 * the same way. Each throws {@link IllegalArgumentException} with the reason (or {@link
 * UncheckedIOException} when a file cannot be read); {@link Setting#parse} adds which setting and
 * source it was.
 */
final class SettingValues {
  private SettingValues() {}

  /**
   * Turns the text of one setting into its value.
   *
   * @param <T> the value's type
   */
  @FunctionalInterface
  interface Parser<T> {
    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException with the reason, worded to follow the setting's name
     */
    T parse(String text);
  }

  /**
   * The most worker threads a configuration may ask for: each is a platform thread with its own
   * stack, and far beyond the connections one machine serves it only adds memory and scheduling.
   */
  static final int MAX_WORKER_THREADS = 4096;

  /**
   * The most connections of one kind a setting may ask for: each is a PostgreSQL backend (and for
   * writers and gets a thread), and PostgreSQL's own default limit is 100 connections in all; far
   * above it is a typo.
   */
  static final int MAX_POSTGRES_CONNECTIONS = 1000;

  /** The most seconds a timeout setting may ask for. */
  static final long MAX_TIMEOUT_SECONDS = 3600;

  private static final Set<String> LOG_LEVELS =
      Set.of("trace", "debug", "info", "warn", "error", "off");

  /** A whole number, surrounding blanks ignored. */
  static long wholeNumber(String text) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a whole number");
    }
  }

  /** A whole number from {@code min} to {@code max}. */
  static Parser<Long> between(long min, long max) {
    return between(min, max, "");
  }

  /** A whole number from {@code min} to {@code max}, then {@code unit} (such as " bytes"). */
  static Parser<Long> between(long min, long max, String unit) {
    return text -> {
      long value = wholeNumber(text);
      if (value < min || value > max) {
        throw new IllegalArgumentException("must be between " + min + " and " + max + unit);
      }
      return value;
    };
  }

  /** A whole number from {@code min} to {@code max}, as an int. */
  static Parser<Integer> intBetween(int min, int max) {
    return intBetween(min, max, "");
  }

  /** A whole number from {@code min} to {@code max}, then {@code unit}, as an int. */
  static Parser<Integer> intBetween(int min, int max, String unit) {
    Parser<Long> value = between(min, max, unit);
    return text -> value.parse(text).intValue();
  }

  /** A number of seconds from {@code min} to {@code max}. */
  static Parser<Duration> seconds(long min, long max) {
    return seconds(min, max, " seconds");
  }

  /** A number of seconds from {@code min} to {@code max}, then {@code unit}. */
  static Parser<Duration> seconds(long min, long max, String unit) {
    Parser<Long> value = between(min, max, unit);
    return text -> Duration.ofSeconds(value.parse(text));
  }

  /** A limit that 0 turns off. */
  static long offOrPositive(String text) {
    long value = wholeNumber(text);
    if (value < 0) {
      throw new IllegalArgumentException("must be 0 (off) or a positive number");
    }
    return value;
  }

  /** {@code on}/{@code true} or {@code off}/{@code false}, in any case. */
  static boolean onOff(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "on", "true" -> true;
      case "off", "false" -> false;
      default -> throw new IllegalArgumentException("expected on or off");
    };
  }

  /** The text as given (PEM text, a password). */
  static String text(String text) {
    return text;
  }

  /** Any text, trimmed, but not none. */
  static String nonEmpty(String text) {
    if (text.isBlank()) {
      throw new IllegalArgumentException("must not be empty");
    }
    return text.trim();
  }

  /** A setting whose presence is its value (such as {@code VSS_PSQL_TLS}, set to anything). */
  static Boolean present(String text) {
    return Boolean.TRUE;
  }

  /** {@code HOST:PORT}, checked as {@link HostPort} and kept as written (trimmed). */
  static String address(String text) {
    HostPort.parse(text);
    return text.trim();
  }

  /** An existing, readable regular file. */
  static Path readableFile(String text) {
    Path path = path(text);
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new IllegalArgumentException("no readable file there");
    }
    return path;
  }

  /** A directory, existing or to be created: not empty, not an existing file. */
  static Path directory(String text) {
    if (text.isBlank()) {
      throw new IllegalArgumentException("must not be empty");
    }
    Path path = path(text);
    if (Files.exists(path) && !Files.isDirectory(path)) {
      throw new IllegalArgumentException("exists and is not a directory");
    }
    return path;
  }

  /** A file to write to, existing or to be created: not empty, not a directory. */
  static Path writableFile(String text) {
    if (text.isBlank()) {
      throw new IllegalArgumentException("must not be empty");
    }
    Path path = path(text);
    if (Files.isDirectory(path)) {
      throw new IllegalArgumentException("is a directory");
    }
    return path;
  }

  /** The UTF-8 text of the file at {@code text}. */
  static String fileText(String text) {
    try {
      return Files.readString(path(text), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One of trace, debug, info, warn, error, off, in any case; lower-cased. */
  static String logLevel(String text) {
    String level = text.trim().toLowerCase(Locale.ROOT);
    if (!LOG_LEVELS.contains(level)) {
      throw new IllegalArgumentException("expected one of trace|debug|info|warn|error|off");
    }
    return level;
  }

  private static Path path(String text) {
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("not a valid path");
    }
  }
}
