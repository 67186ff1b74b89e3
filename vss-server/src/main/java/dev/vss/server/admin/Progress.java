package dev.vss.server.admin;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * Progress of a long command on standard error: on a terminal one line rewritten in place a few
 * times a second; otherwise (a log, a pipe) a plain line per interval. Records and bytes done, the
 * rate, and the time left when the total is known.
 */
final class Progress {
  private static final long TERMINAL_NANOS = Duration.ofMillis(250).toNanos();

  private final PrintStream err;
  private final String what;
  private final long totalRecords;
  private final long totalBytes;
  private final boolean terminal;
  private final long intervalNanos;
  private final long started = System.nanoTime();
  private long lastPrinted = started;
  private long records;
  private long bytes;
  private boolean printed;

  /**
   * @param totalRecords the records to do, or -1 when unknown
   * @param totalBytes the bytes to do, or -1 when unknown
   * @param terminal whether standard error is a terminal
   * @param interval how often a plain line is printed when not on a terminal; zero for never
   */
  Progress(
      PrintStream err,
      String what,
      long totalRecords,
      long totalBytes,
      boolean terminal,
      Duration interval) {
    this.err = err;
    this.what = what;
    this.totalRecords = totalRecords;
    this.totalBytes = totalBytes;
    this.terminal = terminal;
    this.intervalNanos = interval.toNanos();
  }

  /** Adds to what was done; prints when it is time to. */
  void add(long moreRecords, long moreBytes) {
    records += moreRecords;
    bytes += moreBytes;
    long now = System.nanoTime();
    long every = terminal ? TERMINAL_NANOS : intervalNanos;
    if (every > 0 && now - lastPrinted >= every) {
      lastPrinted = now;
      print(now, false);
    }
  }

  /** Records done so far. */
  long records() {
    return records;
  }

  /** Bytes done so far. */
  long bytes() {
    return bytes;
  }

  /** Ends the progress display (a newline after an in-place line). */
  void finish() {
    if (terminal && printed) {
      print(System.nanoTime(), true);
    }
  }

  /** Seconds since the start. */
  double elapsedSeconds() {
    return (System.nanoTime() - started) / 1e9;
  }

  private void print(long now, boolean last) {
    double seconds = Math.max((now - started) / 1e9, 1e-9);
    double recordRate = records / seconds;
    double byteRate = bytes / seconds;
    StringBuilder line =
        new StringBuilder(what).append(": ").append(String.format(Locale.ROOT, "%,d", records));
    if (totalRecords >= 0) {
      line.append(String.format(Locale.ROOT, "/%,d", totalRecords));
    }
    line.append(" records, ").append(bytes(bytes));
    if (totalBytes >= 0) {
      line.append('/').append(bytes(totalBytes));
    }
    line.append(
        String.format(
            Locale.ROOT, ", %,.0f records/s, %s/s", recordRate, bytes(Math.round(byteRate))));
    if (totalBytes > 0 && byteRate > 0 && !last) {
      long left = Math.max(0, Math.round((totalBytes - bytes) / byteRate));
      line.append(
          String.format(
              Locale.ROOT, ", %d:%02d:%02d left", left / 3600, left / 60 % 60, left % 60));
    }
    if (terminal) {
      err.print("\r" + line + "   " + (last ? "\n" : ""));
    } else {
      err.println(line);
    }
    err.flush();
    printed = true;
  }

  /** {@code 1.5 MiB}. */
  static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
