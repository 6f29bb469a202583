package io.scopeline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** CPU time of a process from /proc (Linux): what a server under test used, client excluded. */
final class ProcessCpu {
  private ProcessCpu() {}

  /** The process's CPU use over {@code d} (it sleeps that long), in cores. */
  static double cores(long pid, Duration d) throws IOException, InterruptedException {
    long c0 = ticks(pid);
    long t0 = System.nanoTime();
    Thread.sleep(d.toMillis());
    long c1 = ticks(pid);
    return (c1 - c0) / 100.0 / ((System.nanoTime() - t0) / 1e9);
  }

  /** User plus system time so far, in clock ticks (1/100 s). */
  static long ticks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }
}
