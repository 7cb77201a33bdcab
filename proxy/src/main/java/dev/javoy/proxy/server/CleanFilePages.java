package dev.javoy.proxy.server;

import dev.javoy.proxy.log.Log;
import java.io.BufferedReader;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Gives the process's clean, read-only file pages back to the page cache: the pages of the JVM's class-data archive
 * or AOT cache (its read-only region), libjvm's code and the other libraries' read-only parts that start-up read and
 * serving does not. {@code madvise(MADV_DONTNEED)} on such a mapping only unmaps the pages from this process (they
 * stay in the page cache, shared with every other process mapping the same file, and reclaimable); a later access
 * maps them again by a minor fault, with the same bytes, as after the kernel had reclaimed them under memory pressure.
 * JDK 25 + AOT cache, sidecar-sized config: ≈ 45 MiB of such pages are resident after start-up, most of which serving
 * never touches again (perf/results/2026-11-22-s8-rss.md).
 *
 * <p>Only mappings that cannot hold a page the process wrote are advised: a shared library, class-data archive, AOT
 * cache or the JDK's {@code modules} file (never unmapped, unlike a data file's {@code MappedByteBuffer}), no write
 * permission, and no anonymous (copy-on-write) page in {@code /proc/self/smaps} (a relocated archive region or a
 * library's RELRO part has some; discarding those pages would lose the process's own writes). Linux only; a no-op elsewhere or when the
 * JDK's madvise entry point ({@code java.nio.MappedMemoryUtils.unload0}, behind {@code MappedByteBuffer}) is not open
 * to javoy ({@code Add-Opens: java.base/java.nio} in the jar's manifest, or {@code --add-opens}).
 */
public final class CleanFilePages {
  private static final Logger LOG = Log.get("main");
  private static final Path SMAPS = Path.of("/proc/self/smaps");
  /** System property: the first release this many ms after the server started (0 or less: never). */
  public static final String DELAY_PROPERTY = "javoy.cleanFilePages.delayMs";
  /** System property: later releases every this many ms (0 or less: only the first). */
  public static final String INTERVAL_PROPERTY = "javoy.cleanFilePages.intervalMs";
  static final long DEFAULT_DELAY_MS = 5_000;
  static final long DEFAULT_INTERVAL_MS = 60_000;

  private static volatile Method unload; // java.nio.MappedMemoryUtils.unload0(long address, long length)
  private static volatile boolean unavailable;

  private CleanFilePages() {}

  /** What one release did. */
  public record Released(int mappings, long bytesResidentBefore) {}

  /**
   * Schedules the releases on {@code loop} (the main thread's event loop) as the system properties say: by
   * default 5 s after start, when start-up's JIT compilations and native heap trimming have settled, then every 60 s,
   * those only when the process was quiet since the previous look ({@link QuietHeap}): under traffic the released
   * pages would be mapped again at once, and the first young collection after a release maps the GC's code back
   * (≈ +0.2 ms on that pause; perf/results/2026-11-22-s8-rss.md).
   */
  public static void schedule(io.netty.channel.EventLoop loop) {
    long delay = Long.getLong(DELAY_PROPERTY, DEFAULT_DELAY_MS);
    long interval = Long.getLong(INTERVAL_PROPERTY, DEFAULT_INTERVAL_MS);
    if (delay <= 0 || !isLinux()) {
      return;
    }
    QuietHeap quiet = new QuietHeap(interval > 0 ? interval : delay);
    Runnable task = new Runnable() {
      private boolean first = true;

      @Override
      public void run() {
        boolean quietSinceLast = quiet.quietSinceLastLook();
        if (!unavailable && (first || quietSinceLast)) {
          releaseQuietly(quiet.allocatedSinceLastLook);
          quiet.quietSinceLastLook(); // the release's own garbage (its smaps lines) is not traffic
        }
        first = false;
      }
    };
    if (interval > 0) {
      loop.scheduleAtFixedRate(task, delay, interval, TimeUnit.MILLISECONDS);
    } else {
      loop.schedule(task, delay, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Whether the process was quiet between two looks, judged by the Java heap (two native calls, no allocation): no
   * collection (used memory did not drop) and less than 16 KiB allocated per second between the looks (1 MiB a
   * minute). A proxied request allocates ≈ 1 KiB, so 1,000 requests a minute count as traffic; an idle sidecar's
   * health checks and stats scrapes do not.
   */
  static final class QuietHeap {
    static final long QUIET_BYTES_PER_SECOND = 16 << 10;
    private final long quietBytes;
    private long lastUsed = -1;
    long allocatedSinceLastLook;

    QuietHeap(long intervalMs) {
      this.quietBytes = Math.max(1, intervalMs) * QUIET_BYTES_PER_SECOND / 1000;
    }

    boolean quietSinceLastLook() {
      Runtime rt = Runtime.getRuntime();
      return quietSinceLastLook(rt.totalMemory() - rt.freeMemory());
    }

    boolean quietSinceLastLook(long used) {
      allocatedSinceLastLook = lastUsed < 0 || used < lastUsed ? -1 : used - lastUsed;
      lastUsed = used;
      return allocatedSinceLastLook >= 0 && allocatedSinceLastLook < quietBytes;
    }
  }

  private static void releaseQuietly(long allocatedSinceLastLook) {
    try {
      Released r = release();
      if (LOG.isLoggable(Level.FINE)) {
        LOG.fine("released " + r.mappings() + " clean file mappings (" + (r.bytesResidentBefore() >> 10)
            + " KiB resident before; " + (allocatedSinceLastLook >> 10) + " KiB allocated since the last look)");
      }
    } catch (IOException | RuntimeException e) {
      unavailable = true;
      LOG.log(Level.FINE, "clean file pages are not released: " + e, e);
    }
  }

  /** Releases every clean, read-only file mapping's pages now. Throws when madvise cannot be reached. */
  public static Released release() throws IOException {
    Method madvise = unloadMethod();
    // every range first, then every madvise: what reading and parsing smaps touches (the interpreter, this code's
    // metadata in the archive) is released with the rest instead of staying mapped
    List<Mapping> releasable = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(SMAPS, StandardCharsets.ISO_8859_1)) {
      Mapping m = null;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        Mapping header = Mapping.parseHeader(line);
        if (header != null) {
          if (m != null && m.releasable()) {
            releasable.add(m);
          }
          m = header;
        } else if (m != null) {
          m.field(line);
        }
      }
      if (m != null && m.releasable()) {
        releasable.add(m);
      }
    }
    int mappings = 0;
    long resident = 0;
    for (int i = 0; i < releasable.size(); i++) {
      Mapping m = releasable.get(i);
      if (advise(madvise, m)) {
        mappings++;
        resident += m.rssKb << 10;
      }
    }
    return new Released(mappings, resident);
  }


  private static boolean advise(Method madvise, Mapping m) {
    try {
      madvise.invoke(null, m.start, m.end - m.start);
      return true;
    } catch (InvocationTargetException e) {
      return false; // EINVAL on a locked or special mapping: left as it is
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Method unloadMethod() throws IOException {
    Method m = unload;
    if (m != null) {
      return m;
    }
    if (!isLinux()) {
      throw new IOException("not Linux");
    }
    try {
      m = Class.forName("java.nio.MappedMemoryUtils").getDeclaredMethod("unload0", long.class, long.class);
      m.setAccessible(true); // needs java.base/java.nio open to javoy
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IOException("java.nio.MappedMemoryUtils.unload0 not accessible: " + e, e);
    }
    unload = m;
    return m;
  }

  private static boolean isLinux() {
    return System.getProperty("os.name", "").startsWith("Linux");
  }

  /** One mapping of /proc/self/smaps: its header line and the fields that decide whether it is clean. */
  static final class Mapping {
    final long start;
    final long end;
    final boolean writable;
    final String path;
    long rssKb;
    long anonymousKb = -1; // unknown until its line is read: not releasable
    boolean locked;

    Mapping(long start, long end, boolean writable, String path) {
      this.start = start;
      this.end = end;
      this.writable = writable;
      this.path = path;
    }

    /** A header line ("start-end perms offset dev inode [path]"), or null for a field line. */
    static Mapping parseHeader(String line) {
      int dash = line.indexOf('-');
      int space = line.indexOf(' ');
      if (dash <= 0 || space < dash || line.length() < space + 5 || !isHex(line, 0, dash)
          || !isHex(line, dash + 1, space)) {
        return null;
      }
      long start = Long.parseUnsignedLong(line, 0, dash, 16);
      long end = Long.parseUnsignedLong(line, dash + 1, space, 16);
      boolean writable = line.charAt(space + 2) == 'w';
      int slash = line.indexOf('/', space);
      String path = slash < 0 ? "" : line.substring(slash);
      return new Mapping(start, end, writable, path);
    }

    private static boolean isHex(String s, int from, int to) {
      if (to <= from) {
        return false;
      }
      for (int i = from; i < to; i++) {
        char c = s.charAt(i);
        if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
          return false;
        }
      }
      return true;
    }

    void field(String line) {
      if (line.startsWith("Rss:")) {
        rssKb = kb(line);
      } else if (line.startsWith("Anonymous:")) {
        anonymousKb = kb(line);
      } else if (line.startsWith("VmFlags:")) {
        String flags = line.substring("VmFlags:".length()) + " ";
        locked = flags.contains(" lo ") || flags.contains(" io ") || flags.contains(" pf ");
      }
    }

    private static long kb(String line) {
      int i = line.indexOf(':') + 1;
      while (i < line.length() && line.charAt(i) == ' ') {
        i++;
      }
      int j = i;
      while (j < line.length() && Character.isDigit(line.charAt(j))) {
        j++;
      }
      return j > i ? Long.parseLong(line, i, j, 10) : -1;
    }

    /** A read-only mapping of a file with resident pages, none of them the process's own copy. */
    boolean releasable() {
      return !writable && isCodeOrClassData(path) && rssKb > 0 && anonymousKb == 0 && !locked;
    }

    /**
     * Shared libraries, the JVM's class-data archives / AOT caches and its {@code modules} file: files the process
     * maps once and never unmaps, so no other mapping can take their address between reading smaps and the madvise.
     * Data files a library maps and unmaps (a {@code MappedByteBuffer}) are left alone.
     */
    static boolean isCodeOrClassData(String path) {
      String p = path.endsWith(" (deleted)") ? path.substring(0, path.length() - 10) : path; // replaced on disk
      return p.startsWith("/") && !p.startsWith("/dev/")
          && (p.endsWith(".so") || p.contains(".so.") || p.endsWith(".jsa") || p.endsWith(".aot")
              || p.endsWith("/lib/modules"));
    }
  }
}
