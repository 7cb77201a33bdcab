package dev.javoy.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CleanFilePagesTest {

  private static CleanFilePages.Mapping mapping(String header, String... fields) {
    CleanFilePages.Mapping m = CleanFilePages.Mapping.parseHeader(header);
    assertNotNull(m, header);
    for (String f : fields) {
      assertNull(CleanFilePages.Mapping.parseHeader(f), f);
      m.field(f);
    }
    return m;
  }

  @Test
  void onlyReadOnlyFileMappingsWithoutCopiedPagesAreReleased() {
    String[] clean = {"Rss:                7380 kB", "Anonymous:             0 kB", "VmFlags: rd mr mw me "};
    CleanFilePages.Mapping aotReadOnly = mapping(
        "8012c6000-8030eb000 r--p 012c6000 fe:00 2204656                          /tmp/c/javoy.aot", clean);
    assertEquals(0x8012c6000L, aotReadOnly.start);
    assertEquals(0x8030eb000L, aotReadOnly.end);
    assertEquals("/tmp/c/javoy.aot", aotReadOnly.path);
    assertEquals(7380, aotReadOnly.rssKb);
    assertTrue(aotReadOnly.releasable());
    assertTrue(mapping("7f34774e3000-7f347856f000 r-xp 00000000 fe:00 11 /usr/lib/jvm/lib/server/libjvm.so", clean)
        .releasable());
    assertTrue(mapping("7f3467400000-7f346ff33000 r--s 00000000 fe:00 12 /usr/lib/jvm/lib/modules", clean)
        .releasable());
    // a library's RELRO part: read-only now, but written by the loader first
    assertFalse(mapping("7f3478880000-7f347896b000 r--p 0138d000 fe:00 11 /usr/lib/jvm/lib/server/libjvm.so",
        "Rss:                 940 kB", "Anonymous:           940 kB", "VmFlags: rd mr mw me ac").releasable());
    // the archive's read-write region, anonymous memory, the heap, devices, locked or unreadable entries
    assertFalse(mapping("800001000-8012c6000 rw-p 00001000 fe:00 2204656 /tmp/c/javoy.aot", clean).releasable());
    assertFalse(mapping("687400000-689800000 rw-p 00000000 00:00 0 ", clean).releasable());
    assertFalse(mapping("7f3463400000-7f34637d0000 r--p 00000000 00:00 0 ", clean).releasable());
    assertFalse(mapping("55d0c0a2f000-55d0c0a50000 r--p 00000000 00:00 0                  [heap]", clean)
        .releasable());
    assertFalse(mapping("7f3463400000-7f34637d0000 r--s 00000000 00:05 9 /dev/something", clean).releasable());
    assertFalse(mapping("7f3463400000-7f34637d0000 r--p 00000000 fe:00 9 /usr/lib/locked.so",
        "Rss:                 40 kB", "Anonymous:             0 kB", "VmFlags: rd mr mw me lo ").releasable());
    assertFalse(mapping("7f3463400000-7f34637d0000 r--p 00000000 fe:00 9 /usr/lib/x.so", "Rss:  40 kB")
        .releasable(), "without its Anonymous line nothing is known about copied pages");
    assertFalse(mapping("7f3463400000-7f34637d0000 r--p 00000000 fe:00 9 /usr/lib/x.so",
        "Rss:                 0 kB", "Anonymous:             0 kB").releasable(), "nothing resident");
    assertTrue(mapping("7f3463400000-7f34637d0000 r-xp 00000000 fe:00 9 /usr/lib/x86_64-linux-gnu/libc.so.6", clean)
        .releasable());
    assertTrue(mapping("7f3463400000-7f34637d0000 r--p 00000000 fe:00 9 /home/u/.cache/javoy/javoy-jdk17-1-2.jsa",
        clean).releasable());
    assertFalse(mapping("7f3463400000-7f34637d0000 r--s 00000000 fe:00 9 /var/data/table.bin", clean).releasable(),
        "a data file some library maps (and may unmap) is left alone");
    assertTrue(mapping("7f3463400000-7f34637d0000 r-xp 00000000 fe:00 9 /tmp/c/old.aot (deleted)", clean)
        .releasable(), "a cache replaced on disk is still the file this mapping holds");
  }

  @Test
  void releasesReadOnlyPagesAndKeepsThePagesTheProcessWrote(@TempDir Path dir) throws Exception {
    assumeTrue(System.getProperty("os.name", "").startsWith("Linux") && Files.exists(Path.of("/proc/self/smaps")));
    Path file = dir.resolve("libmapped.so"); // released are libraries and class data, not data files
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "--add-opens", "java.base/java.nio=ALL-UNNAMED", "-cp",
        System.getProperty("java.class.path"), CleanFilePagesProbe.class.getName(), file.toString())
        .redirectErrorStream(true).start();
    try {
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe did not finish");
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.exitValue(), out);
      Matcher m = Pattern.compile("released (\\d+) resident_kb (\\d+) ro_before (\\d+) ro_after (\\d+) "
          + "private_before (\\d+) private_anon_after (\\d+) written_byte (\\d+) same (\\w+)").matcher(out);
      assertTrue(m.find(), out);
      assertTrue(Integer.parseInt(m.group(1)) >= 1, out);
      assertTrue(Long.parseLong(m.group(3)) >= 8 * 1024 - 64, "the read-only mapping was touched whole: " + out);
      assertTrue(Long.parseLong(m.group(4)) < 1024, "its pages were released: " + out);
      assertEquals(4, Long.parseLong(m.group(6)), "the private mapping keeps its one copied page: " + out);
      assertEquals("42", m.group(7), out);
      assertEquals("true", m.group(8), "every byte reads back as it was: " + out);
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void withoutAccessToMadviseReleaseSaysSoInsteadOfDoingAnything() {
    assumeTrue(System.getProperty("os.name", "").startsWith("Linux"));
    assumeTrue(!CleanFilePages.class.getModule().isNamed()
        && !Object.class.getModule().isOpen("java.nio", CleanFilePages.class.getModule()));
    IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, CleanFilePages::release);
    assertTrue(e.getMessage().contains("unload0"), e.getMessage());
  }

  @Test
  void releasesOnlyAfterAQuietInterval() {
    CleanFilePages.QuietHeap q = new CleanFilePages.QuietHeap(60_000); // quiet: < 960 KiB a minute
    assertFalse(q.quietSinceLastLook(10 << 20), "the first look has nothing to compare with");
    assertTrue(q.quietSinceLastLook((10 << 20) + 4096), "a few KiB allocated: quiet");
    assertEquals(4096, q.allocatedSinceLastLook);
    assertTrue(q.quietSinceLastLook((10 << 20) + 4096), "nothing allocated: quiet");
    assertFalse(q.quietSinceLastLook((11 << 20) + 4096), "1 MiB allocated in a minute: traffic");
    assertFalse(q.quietSinceLastLook((9 << 20)), "a collection ran: traffic");
    assertTrue(q.quietSinceLastLook((9 << 20) + 100), "quiet again");
    CleanFilePages.QuietHeap everySecond = new CleanFilePages.QuietHeap(1_000);
    everySecond.quietSinceLastLook(10 << 20);
    assertFalse(everySecond.quietSinceLastLook((10 << 20) + (100 << 10)), "100 KiB in a second: traffic");
  }
}
