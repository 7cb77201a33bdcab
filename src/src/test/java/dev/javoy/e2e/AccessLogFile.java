package dev.javoy.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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
}
