package dev.javoy.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the shaded javoy jar as its own process, as a launcher would. The jar is the system property
 * {@code javoy.jar}, else the newest {@code src/target*}{@code /javoy-*.jar} under the repository
 * ({@code javoy.root}, else the parent of the working directory).
 */
final class JavoyJar {
  /** What a run printed and how it ended. */
  record Result(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  private JavoyJar() {}

  static Optional<Path> jar() {
    String explicit = System.getProperty("javoy.jar");
    if (explicit != null && !explicit.isEmpty()) {
      return Optional.of(Path.of(explicit)).filter(Files::isRegularFile);
    }
    try (Stream<Path> dirs = Files.list(root().resolve("src"))) {
      List<Path> jars = new ArrayList<>();
      for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith("target")).toList()) {
        try (Stream<Path> files = Files.list(dir)) {
          files.filter(f -> f.getFileName().toString().matches("javoy-.*\\.jar")).forEach(jars::add);
        }
      }
      return jars.stream().max(Comparator.comparing(JavoyJar::modified));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The repository: {@code javoy.root}, else the parent of the working directory (the module's folder). */
  static Path root() {
    return Path.of(System.getProperty("javoy.root", Path.of("").toAbsolutePath().getParent().toString()));
  }

  /** The repository's launcher script, bin/javoy. */
  static Path launcher() {
    return root().resolve("bin/javoy");
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }

  static Result run(Path jar, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).start();
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("javoy " + String.join(" ", args) + " did not exit within 120s");
    }
    return new Result(p.exitValue(), out.get(), err.get());
  }

  private static String read(java.io.InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
