package dev.javoy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/javoy's class-data caches, run as a user would run it: on JDK 25+ the first {@code --mode init_only} records an
 * AOT cache that the next start checks and uses, a damaged cache is ignored without error lines, and the JDK 17
 * path still writes its CDS archive. Skipped where the JDK in question is not installed.
 */
class LauncherIT {
  static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
  static final Path JDK17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
  static Path jar;
  static Path launcher;

  @BeforeAll
  static void find() {
    jar = JavoyJar.jar().orElseThrow(() -> new AssertionError("javoy jar not found"));
    launcher = JavoyJar.launcher();
  }

  @Test
  void jdk25RecordsThenUsesAnAotCache(@TempDir Path dir) throws Exception {
    assumeTrue(Files.isExecutable(JDK25), "no JDK 25 at " + JDK25);
    Path cache = dir.resolve("cache");
    Path config = Files.writeString(dir.resolve("c.yaml"), CliIT.CONFIG);
    JavoyJar.Result first = run(JDK25, cache, "--mode", "init_only", "-c", config.toString(), "-l", "warning");
    assertEquals(0, first.exitCode(), first::toString);
    assertEquals(List.of(), files(cache, ".aot"), "no cache before it is checked");
    assertEquals(1, files(cache, ".aot.new").size(), first::toString);
    // Netty's native libraries unpacked once beside the cache, for java.library.path
    List<Path> natives = files(cache, "").stream()
        .filter(f -> f.getFileName().toString().startsWith("javoy-native-")).toList();
    assertEquals(1, natives.size(), first::toString);
    assertTrue(Files.list(natives.get(0)).anyMatch(
        f -> f.getFileName().toString().startsWith("libnetty_transport_native_epoll_")), natives::toString);

    JavoyJar.Result second = run(JDK25, cache, "--mode", "init_only", "-c", config.toString(), "-l", "warning");
    assertEquals(0, second.exitCode(), second::toString);
    List<Path> aot = files(cache, ".aot");
    assertEquals(1, aot.size(), second::toString);
    assertFalse(second.stdout().contains("WARNING") || second.stderr().contains("WARNING"), second::toString);

    JavoyJar.Result dry = run(JDK25, cache, Map.of("JAVOY_LAUNCHER_DRY_RUN", "1"));
    assertTrue(dry.stdout().contains("--sun-misc-unsafe-memory-access=allow"), dry::toString);

    // a damaged cache: the JVM cannot map it, javoy starts as without one and prints no error lines
    byte[] bytes = Files.readAllBytes(aot.get(0));
    Files.write(aot.get(0), java.util.Arrays.copyOf(bytes, 4096));
    JavoyJar.Result damaged = run(JDK25, cache, "--mode", "init_only", "-c", config.toString(), "-l", "warning");
    assertEquals(0, damaged.exitCode(), damaged::toString);
    assertFalse(damaged.stdout().contains("error") || damaged.stderr().contains("error"), damaged::toString);
  }

  @Test
  void jdk17WritesItsCdsArchiveAtExit(@TempDir Path dir) throws Exception {
    assumeTrue(Files.isExecutable(JDK17), "no JDK 17 at " + JDK17);
    Path cache = dir.resolve("cache");
    Path config = Files.writeString(dir.resolve("c.yaml"), CliIT.CONFIG);
    // init_only does not write the JDK 17 archive (written at the exit of a serving run); validate neither
    JavoyJar.Result validate = run(JDK17, cache, "--mode", "validate", "-c", config.toString());
    assertEquals(0, validate.exitCode(), validate::toString);
    assertEquals(List.of(), files(cache, ".jsa.new"));
    JavoyJar.Result dry = run(JDK17, cache, Map.of("JAVOY_LAUNCHER_DRY_RUN", "1"));
    assertTrue(dry.stdout().startsWith(JDK17.toString()), dry::toString);
    assertFalse(dry.stdout().contains("--sun-misc-unsafe-memory-access"), dry::toString);
  }

  private static JavoyJar.Result run(Path java, Path cache, String... args) throws Exception {
    return run(java, cache, Map.of(), args);
  }

  private static JavoyJar.Result run(Path java, Path cache, Map<String, String> env, String... args)
      throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("sh", launcher.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("JAVA", java.toString());
    pb.environment().put("JAVOY_JAR", jar.toString());
    pb.environment().put("JAVOY_CDS", cache.toString());
    pb.environment().remove("JAVOY_JAVA_OPTS");
    pb.environment().putAll(env);
    Path out = Files.createTempFile(cache.getParent(), "out", ".txt");
    Path err = Files.createTempFile(cache.getParent(), "err", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("bin/javoy " + String.join(" ", args) + " did not exit within 180 s");
    }
    return new JavoyJar.Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private static List<Path> files(Path dir, String suffix) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(f -> f.getFileName().toString().endsWith(suffix)).toList();
    }
  }
}
