package dev.javoy;

import java.lang.management.ManagementFactory;

/**
 * Start-up timestamps for profiling, off unless {@code -Djavoy.startup.trace=true}: each {@link #mark} prints the
 * JVM's uptime and the process's CPU time so far to stderr ({@code startup: <phase> uptime_ms=.. cpu_ms=..}).
 */
final class StartupTrace {
  private static final boolean ON = Boolean.getBoolean("javoy.startup.trace");

  private StartupTrace() {}

  static void mark(String phase) {
    if (!ON) {
      return;
    }
    long cpu = ProcessHandle.current().info().totalCpuDuration().map(d -> d.toMillis()).orElse(-1L);
    long threadCpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1_000_000;
    System.err.println("startup: " + phase + " uptime_ms=" + ManagementFactory.getRuntimeMXBean().getUptime()
        + " cpu_ms=" + cpu + " main_thread_cpu_ms=" + threadCpu);
  }
}
