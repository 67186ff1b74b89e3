package dev.vss.bench.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU used during a measurement, by this process and by everything else on the machine, from {@code
 * /proc/stat} and the process CPU time. The load average cannot tell the two apart (the benchmark's
 * own 64 workers raise it), but on a shared machine the CPU other processes took is what makes a
 * cell's figures doubtful.
 *
 * @param processCores CPU this process used, in cores (CPU seconds per wall second)
 * @param otherCores CPU everything else used, in cores; NaN off Linux
 */
record CpuUse(double processCores, double otherCores) {
  /**
   * Jiffies per second in {@code /proc/stat}: USER_HZ, 100 on the Linux architectures Java runs on.
   */
  private static final double JIFFIES_PER_SECOND = 100;

  /** A reading at one instant; take one before and one after a measurement. */
  record Sample(long wallNanos, long processNanos, long busyJiffies) {}

  /** Reads the counters now. */
  static Sample sample() {
    return new Sample(System.nanoTime(), processCpuNanos(), busyJiffies());
  }

  /** The CPU use between two samples. */
  static CpuUse between(Sample start, Sample end) {
    double wallSeconds = (end.wallNanos() - start.wallNanos()) / 1e9;
    double process = (end.processNanos() - start.processNanos()) / 1e9;
    double machine =
        start.busyJiffies() < 0 || end.busyJiffies() < 0
            ? Double.NaN
            : (end.busyJiffies() - start.busyJiffies()) / JIFFIES_PER_SECOND;
    return new CpuUse(process / wallSeconds, Math.max(0, machine - process) / wallSeconds);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** All CPUs' non-idle jiffies (user, nice, system, irq, softirq, steal), -1 if unreadable. */
  private static long busyJiffies() {
    try {
      String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] fields = first.trim().split("\\s+");
      // cpu user nice system idle iowait irq softirq steal ...
      long busy = 0;
      for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
        busy += Long.parseLong(fields[i]);
      }
      return busy;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
