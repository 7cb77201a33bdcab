package dev.javoy.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An access log file javoy writes (flushed every {@code --file-flush-interval-msec}), read back by tests. */
final class AccessLogFile {
  private AccessLogFile() {}

  /** The file's content once it contains {@code needle}, or as it is after {@code timeoutMillis} ("" if absent). */
  static String await(Path file, String needle, long timeoutMillis) throws Exception {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    String content = "";
    while (System.nanoTime() < deadline) {
      if (Files.exists(file)) {
        content = Files.readString(file, StandardCharsets.UTF_8);
        if (content.contains(needle)) {
          return content;
        }
      }
      Thread.sleep(50);
    }
    return content;
  }

  /**
   * The file's lines split at spaces, by their first field (a request id, say), once there are {@code lines} distinct
   * ids or after {@code timeoutMillis} (what there is then).
   */
  static Map<String, String[]> awaitById(Path file, int lines, long timeoutMillis) throws Exception {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    Map<String, String[]> byId = new HashMap<>();
    while (System.nanoTime() < deadline) {
      byId.clear();
      if (Files.exists(file)) {
        for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          String[] f = l.split(" ");
          byId.put(f[0], f);
        }
      }
      if (byId.size() >= lines) {
        break;
      }
      Thread.sleep(100);
    }
    return byId;
  }
}
