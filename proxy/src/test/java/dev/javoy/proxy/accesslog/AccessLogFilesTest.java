package dev.javoy.proxy.accesslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.javoy.proxy.accesslog.format.SubstitutionFormatStrings;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.stream.StreamInfo;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogFilesTest {
  @TempDir Path dir;

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static byte[] line(String s) {
    return (s + "\n").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void flushesOnTheIntervalAndCountsEnvoysStats() throws Exception {
    StatsStore stats = new StatsStore();
    Path file = dir.resolve("access.log");
    try (AccessLogFiles files = new AccessLogFiles(stats, Duration.ofMillis(50), 1024, 1 << 20)) {
      AccessLogFile f = files.open(file.toString());
      assertTrue(f.write(line("one")));
      assertTrue(f.write(line("two")));
      assertEquals(2, stats.counter("filesystem.write_buffered").value());
      assertEquals(8, stats.gauge("filesystem.write_total_buffered").value());
      await(() -> read(file).equals("one\ntwo\n"), "the timer flush");
      await(() -> stats.gauge("filesystem.write_total_buffered").value() == 0, "the buffered gauge");
      assertTrue(stats.counter("filesystem.flushed_by_timer").value() >= 1);
      assertTrue(stats.counter("filesystem.write_completed").value() >= 1);
    }
  }

  @Test
  void flushesEarlyAtTheMinimumSize() throws Exception {
    StatsStore stats = new StatsStore();
    Path file = dir.resolve("size.log");
    try (AccessLogFiles files = new AccessLogFiles(stats, Duration.ofHours(1), 1, 1 << 20)) {
      AccessLogFile f = files.open(file.toString());
      f.write(line("small"));
      Thread.sleep(100);
      assertEquals("", read(file), "under the minimum size nothing is written before the interval");
      String big = "x".repeat(1100);
      f.write(line(big));
      await(() -> read(file).equals("small\n" + big + "\n"), "the size flush");
      assertEquals(0, stats.counter("filesystem.flushed_by_timer").value());
    }
  }

  @Test
  void pathsAreOpenedOnceAndShared() throws Exception {
    try (AccessLogFiles files = new AccessLogFiles(new StatsStore(), Duration.ofHours(1), 64, 1 << 20)) {
      Path file = dir.resolve("shared.log");
      assertSame(files.open(file.toString()), files.open(file.toString()));
      assertSame(files.open("/dev/stdout"), files.stdout());
      assertSame(files.open("/dev/stderr"), files.stderr());
      AccessLogFile devNull = files.open("/dev/null");
      devNull.write(line("gone"));
      files.flushAll();
      assertEquals(0, devNull.pendingBytes());
      assertThrows(IOException.class, () -> files.open(dir.resolve("no/such/dir/x.log").toString()));
    }
  }

  @Test
  void closeWritesOutWhatIsPending() throws Exception {
    Path file = dir.resolve("close.log");
    AccessLogFiles files = new AccessLogFiles(new StatsStore(), Duration.ofHours(1), 64, 1 << 20);
    files.open(file.toString()).write(line("last words"));
    files.close();
    assertEquals("last words\n", read(file));
  }

  @Test
  void reopenFollowsLogRotation() throws Exception {
    Path file = dir.resolve("rotate.log");
    Path rotated = dir.resolve("rotate.log.1");
    try (AccessLogFiles files = new AccessLogFiles(new StatsStore(), Duration.ofHours(1), 64, 1 << 20)) {
      AccessLogFile f = files.open(file.toString());
      f.write(line("before"));
      files.flushAll();
      Files.move(file, rotated);
      files.reopenAll();
      f.write(line("after"));
      files.flushAll();
      assertEquals("before\n", read(rotated));
      assertEquals("after\n", read(file));
    }
  }

  @Test
  void loggerFormatsIntoTheFile() throws Exception {
    Path file = dir.resolve("logger.log");
    try (AccessLogFiles files = new AccessLogFiles(new StatsStore(), Duration.ofHours(1), 64, 1 << 20)) {
      FileAccessLogger logger = new FileAccessLogger(
          SubstitutionFormatStrings.text("%REQ(:METHOD)% %RESPONSE_CODE% é\n", "f"), files.open(file.toString()));
      StreamInfo info = TestStreams.stream();
      info.responseCode = 201;
      logger.log(info);
      logger.log(info);
      files.flushAll();
      assertEquals("GET 201 é\nGET 201 é\n", read(file));
    }
  }

  /** A stalled reader (a FIFO nobody reads) blocks the flusher, never the writers: lines are dropped instead. */
  @Test
  void writersNeverBlockOnAStalledFile() throws Exception {
    Path fifo = dir.resolve("fifo");
    Process mk;
    try {
      mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
    } catch (IOException e) {
      assumeTrue(false, "mkfifo not available");
      return;
    }
    assumeTrue(mk.waitFor() == 0, "mkfifo failed");
    // Hold the FIFO open for reading (so opening it for writing does not block) but never read.
    CountDownLatch opened = new CountDownLatch(1);
    List<FileInputStream> reader = new ArrayList<>();
    Thread t = new Thread(() -> {
      try {
        reader.add(new FileInputStream(fifo.toFile()));
        opened.countDown();
      } catch (IOException e) {
        opened.countDown();
      }
    });
    t.setDaemon(true);
    t.start();
    StatsStore stats = new StatsStore();
    AccessLogFiles files = new AccessLogFiles(stats, Duration.ofMillis(1), 1, 256 * 1024);
    AccessLogFile f = files.open(fifo.toString());
    assertTrue(opened.await(5, TimeUnit.SECONDS));
    byte[] l = line("y".repeat(1000));
    long start = System.nanoTime();
    int accepted = 0;
    for (int i = 0; i < 20_000; i++) { // 20 MB into a 64 KB pipe nobody drains
      if (f.write(l)) {
        accepted++;
      }
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(millis < 3000, "writes took " + millis + " ms");
    assertTrue(accepted < 20_000, "some lines were dropped");
    assertTrue(stats.counter("filesystem.write_failed").value() > 0);
    assertTrue(f.pendingBytes() <= 256 * 1024);
    assertFalse(files.stats().writeFailed().value() == 0);
    // Unblock the flusher by draining the pipe, then close.
    Thread drain = new Thread(() -> {
      try {
        reader.get(0).transferTo(java.io.OutputStream.nullOutputStream());
      } catch (IOException e) {
        // closed
      }
    });
    drain.setDaemon(true);
    drain.start();
    files.close();
    reader.get(0).close();
  }
}
