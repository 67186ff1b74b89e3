package dev.vss.server.app;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;

/**
 * The parsers of the simple setting values (whole numbers in a range, seconds, on/off), shared by
 * the settings of {@link Setting} so that each kind of value is read and refused the same way. Each
 * throws {@link IllegalArgumentException} with the reason; the loader adds which setting and source
 * it was.
 */
final class SettingValues {
  private SettingValues() {}

  /** A whole number, surrounding blanks ignored. */
  static long wholeNumber(String text) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a whole number");
    }
  }

  /** A whole number from {@code min} to {@code max}. */
  static Function<String, Long> between(long min, long max) {
    return between(min, max, "");
  }

  /** A whole number from {@code min} to {@code max} {@code unit} (such as " bytes"). */
  static Function<String, Long> between(long min, long max, String unit) {
    return text -> {
      long value = wholeNumber(text);
      if (value < min || value > max) {
        throw new IllegalArgumentException("must be between " + min + " and " + max + unit);
      }
      return value;
    };
  }

  /** A whole number from {@code min} to {@code max}, as an int. */
  static Function<String, Integer> intBetween(int min, int max) {
    return between(min, max).andThen(Long::intValue);
  }

  /** A number of seconds from {@code min} to {@code max}. */
  static Function<String, Duration> seconds(long min, long max) {
    return between(min, max, " seconds").andThen(Duration::ofSeconds);
  }

  /** A limit that 0 turns off. */
  static long nonNegative(String text) {
    long value = wholeNumber(text);
    if (value < 0) {
      throw new IllegalArgumentException("must not be negative (0 turns the limit off)");
    }
    return value;
  }

  /** {@code on}/{@code true} or {@code off}/{@code false}, in any case. */
  static boolean onOff(String text) {
    switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "on":
      case "true":
        return true;
      case "off":
      case "false":
        return false;
      default:
        throw new IllegalArgumentException("expected on or off");
    }
  }
}
