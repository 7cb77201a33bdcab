package dev.javoy.e2e;

import dev.javoy.proxy.testing.TestPorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * javoy started as a separate OS process (the test JVM's class path, main class {@code dev.javoy.Main}), with
 * its output captured to a file, for end-to-end tests that drive it with real clients.
 */
final class JavoyProcess implements AutoCloseable {
  private final Process process;
  private final Path log;
  private final int adminPort;

  private JavoyProcess(Process process, Path log, int adminPort) {
    this.process = process;
    this.log = log;
    this.adminPort = adminPort;
  }

  /** Starts javoy with {@code args} and waits until its admin answers {@code /ready} with 200. */
  static JavoyProcess start(Path dir, int adminPort, String... args) throws Exception {
    return start(dir, adminPort, List.of(), args);
  }

  /** {@link #start(Path, int, String...)} with extra JVM options (such as {@code -XX:MaxDirectMemorySize=32m}). */
  static JavoyProcess start(Path dir, int adminPort, List<String> jvmArgs, String... args) throws Exception {
    JavoyProcess jp = launch(dir, adminPort, jvmArgs, args);
    try {
      jp.awaitReady(Duration.ofSeconds(30));
    } catch (Exception | Error e) {
      jp.close(); // not ready in time (a loaded machine): the test fails, the process must not outlive it
      throw e;
    }
    return jp;
  }

  /** Starts javoy with {@code args} without waiting for readiness (a test that watches it initialize). */
  static JavoyProcess launch(Path dir, int adminPort, String... args) throws Exception {
    return launch(dir, adminPort, List.of(), args);
  }

  private static JavoyProcess launch(Path dir, int adminPort, List<String> jvmArgs, String... args)
      throws Exception {
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    cmd.addAll(jvmArgs);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.javoy.Main"));
    cmd.addAll(List.of(args));
    Path log = dir.resolve("javoy.log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new JavoyProcess(p, log, adminPort);
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private void awaitReady(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("javoy exited with " + process.exitValue() + ":\n" + output());
      }
      try {
        var r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/ready"))
            .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("javoy not ready in " + timeout + ":\n" + output());
  }

  String output() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  /** GET on the admin API. */
  String admin(String pathAndQuery) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  HttpResponse<String> adminPost(String pathAndQuery) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + pathAndQuery))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  Process process() {
    return process;
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
  }

  /** A port that was free a moment ago. */
  static int freePort() throws IOException {
    return TestPorts.freePort();
  }
}
