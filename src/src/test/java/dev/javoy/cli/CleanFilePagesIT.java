package dev.javoy.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar run through bin/javoy releases its clean file pages after start-up (CleanFilePages): the jar's
 * manifest opens java.nio to javoy, so the JDK's madvise entry point is reachable on JDK 17 and JDK 25 alike, and
 * the serving process logs what it released at debug level. Skipped where the JDK in question is not installed.
 */
class CleanFilePagesIT {
  static Path jar;
  static Path launcher;

  @BeforeAll
  static void find() {
    jar = JavoyJar.jar().orElseThrow(() -> new AssertionError("javoy jar not found"));
    launcher = JavoyJar.launcher();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/usr/lib/jvm/temurin-25-jdk-amd64/bin/java", "/usr/lib/jvm/java-17-openjdk-amd64/bin/java"})
  void servingJavoyReleasesCleanFilePages(String javaPath, @TempDir Path dir) throws Exception {
    Path java = Path.of(javaPath);
    assumeTrue(Files.isExecutable(java), "no JDK at " + java);
    Path config = Files.writeString(dir.resolve("c.yaml"), CliIT.CONFIG);
    Path out = dir.resolve("out.txt");
    ProcessBuilder pb = new ProcessBuilder(List.of("sh", launcher.toString(), "-c", config.toString(), "-l", "debug",
        "--concurrency", "1"));
    pb.environment().put("JAVA", java.toString());
    pb.environment().put("JAVOY_JAR", jar.toString());
    pb.environment().put("JAVOY_CDS", "off");
    pb.environment().put("JAVOY_JAVA_OPTS", "-Djavoy.cleanFilePages.delayMs=300 -Djavoy.cleanFilePages.intervalMs=0");
    Process p = pb.redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      Pattern released = Pattern.compile("released (\\d+) clean file mappings \\((\\d+) KiB resident before");
      String text = "";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      Matcher m = released.matcher(text);
      while (System.nanoTime() < deadline && p.isAlive()) {
        text = Files.readString(out, StandardCharsets.UTF_8);
        m = released.matcher(text);
        if (m.find() || text.contains("clean file pages are not released")) {
          break;
        }
        Thread.sleep(100);
      }
      assertFalse(text.contains("clean file pages are not released"), text);
      assertTrue(m.find(0), "no release logged within 90 s:\n" + text);
      assertTrue(Integer.parseInt(m.group(1)) >= 1, m.group());
      assertTrue(Long.parseLong(m.group(2)) >= 1024, "libjvm's code alone is megabytes: " + m.group());
    } finally {
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
      }
    }
  }
}
