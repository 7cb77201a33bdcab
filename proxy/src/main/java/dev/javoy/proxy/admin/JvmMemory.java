package dev.javoy.proxy.admin;

import io.envoyproxy.envoy.admin.v3.Memory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code GET /memory} from the JVM, in Envoy's {@code Memory} shape: {@code allocated} is the heap in use,
 * {@code heap_size} the committed heap, {@code pageheap_free} committed but unused heap,
 * {@code pageheap_unmapped} and {@code total_thread_cache} 0, and {@code total_physical_bytes} the resident
 * set size ({@code VmRSS} of {@code /proc/self/status}, a procfs read served from kernel memory) or, where
 * that is not available, the committed heap. It reads {@link Runtime} rather than the JMX memory bean, whose
 * first use loads the management subsystem (seconds) on the admin event loop.
 */
final class JvmMemory {
  private static final Path STATUS = Path.of("/proc/self/status");

  private JvmMemory() {}

  static Memory snapshot() {
    Runtime rt = Runtime.getRuntime();
    long committed = rt.totalMemory();
    long used = committed - rt.freeMemory();
    long rss = residentBytes();
    return Memory.newBuilder()
        .setAllocated(used)
        .setHeapSize(committed)
        .setPageheapUnmapped(0)
        .setPageheapFree(Math.max(0, committed - used))
        .setTotalThreadCache(0)
        .setTotalPhysicalBytes(rss > 0 ? rss : committed)
        .build();
  }

  private static long residentBytes() {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith("VmRSS:")) {
          String[] fields = line.substring(6).trim().split("\\s+");
          return Long.parseLong(fields[0]) * 1024; // reported in kB
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: fall back to the committed heap
    }
    return -1;
  }
}
