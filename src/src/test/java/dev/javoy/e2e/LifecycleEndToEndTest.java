package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM drains (in-flight requests finish, idle connections close, then exit); /quitquitquit exits at once. */
class LifecycleEndToEndTest {
  @TempDir
  Path dir;
  HttpServer backend;
  int admin;
  int http;
  Path config;

  @BeforeEach
  void setUp() throws Exception {
    backend = TestBackends.http("B");
    admin = JavoyProcess.freePort();
    http = JavoyProcess.freePort();
    String yaml;
    try (InputStream in = getClass().getResourceAsStream("/e2e/lifecycle.yaml")) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    yaml = yaml.replace("${ADMIN}", "" + admin).replace("${HTTP}", "" + http)
        .replace("${BACKEND}", "" + backend.getAddress().getPort());
    config = dir.resolve("envoy.yaml");
    Files.writeString(config, yaml);
  }

  @AfterEach
  void tearDown() {
    backend.stop(0);
  }

  @Test
  void sigtermDrainsThenExits() throws Exception {
    try (JavoyProcess javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "2",
        "--drain-time-s", "20")) {
      // an idle keep-alive connection that already served a request
      Socket idle = new Socket("127.0.0.1", http);
      idle.setSoTimeout(10_000);
      idle.getOutputStream().write("GET /a HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      readResponse(idle.getInputStream());
      CompletableFuture<Curl.Result> slow = CompletableFuture.supplyAsync(() -> {
        try {
          return Curl.run("http://127.0.0.1:" + http + "/slow");
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      Thread.sleep(800); // the slow request is in flight
      long t0 = System.nanoTime();
      javoy.process().destroy(); // SIGTERM
      assertEquals(-1, idle.getInputStream().read(), "idle connection closed by the drain");
      Curl.Result r = slow.get(15, TimeUnit.SECONDS);
      assertEquals(200, r.status(), "the in-flight request completes");
      assertEquals("close", r.header("connection"));
      assertTrue(javoy.process().waitFor(10, TimeUnit.SECONDS), "exited after the drain");
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms < 10_000, "exited once no connection was left, not after the 20 s drain time: " + ms);
      assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", http).close());
      idle.close();
    }
  }

  @Test
  void quitQuitQuitExitsAtOnce() throws Exception {
    try (JavoyProcess javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "1")) {
      assertEquals(200, javoy.adminPost("/quitquitquit").statusCode());
      assertTrue(javoy.process().waitFor(5, TimeUnit.SECONDS), "exited");
      assertEquals(0, javoy.process().exitValue());
    }
  }

  /**
   * The Istio-sidecar-sized config (perf/bench/conf/javoy-sidecar.yaml: 22 listeners, 51 clusters, 400 routes),
   * a request served by the first listener as soon as it accepts, then SIGTERM at once, while the other listeners
   * may still be binding: the process exits promptly every time (it used to hang for good when the worker loops
   * were shut down under a listener bind still in progress). The last round waits for /ready first.
   */
  @Test
  void sigtermRightAfterFirstRequestWithSidecarConfigAlwaysExits() throws Exception {
    Path root = Path.of(System.getProperty("javoy.root", Path.of(System.getProperty("user.dir")).getParent()
        .toString()));
    String template = Files.readString(root.resolve("perf/bench/conf/javoy-sidecar.yaml"));
    int rounds = 6;
    for (int round = 0; round < rounds; round++) {
      int adminPort = JavoyProcess.freePort();
      int httpPort = JavoyProcess.freePort();
      int tcpPort = JavoyProcess.freePort();
      Path sidecar = dir.resolve("sidecar-" + round + ".yaml");
      Files.writeString(sidecar, template.replace("@JAVOY_ADMIN_PORT@", "" + adminPort)
          .replace("@JAVOY_HTTP_PORT@", "" + httpPort).replace("@JAVOY_TCP_PORT@", "" + tcpPort)
          .replace("@BACKEND_PORT@", "" + backend.getAddress().getPort()));
      Path log = dir.resolve("sidecar-" + round + ".log");
      Process p = new ProcessBuilder(JavoyProcess.javaBin(), "-Xmx256m", "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "dev.javoy.Main",
          "-c", sidecar.toString(), "--concurrency", "1", "--drain-time-s", "5")
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      try {
        boolean awaitReady = round == rounds - 1;
        long t0;
        if (round % 2 == 0 && !awaitReady) {
          // SIGTERM the moment the first listener accepts: the other 21 are still binding
          try (Socket s = connectWhenListening(p, httpPort, log)) {
            p.destroy(); // SIGTERM
            t0 = System.nanoTime();
            s.getOutputStream().write("GET /first HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String r;
            try {
              r = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            } catch (java.net.SocketException reset) {
              r = ""; // still in the accept backlog when the listen socket closed
            }
            // served (with connection: close, draining), or closed unanswered when the stop came first
            assertTrue(r.isEmpty() || r.startsWith("HTTP/1.1 200"), "round " + round + ": " + r);
          }
        } else {
          String status = firstResponse(p, httpPort, adminPort, awaitReady, log);
          assertTrue(status.startsWith("HTTP/1.1 200"), "round " + round + ": " + status);
          t0 = System.nanoTime();
          p.destroy(); // SIGTERM
        }
        boolean exited = p.waitFor(20, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(exited, "round " + round + ": exited after SIGTERM; log:\n" + Files.readString(log));
        assertEquals(0, p.exitValue(), "round " + round + " exit status; log:\n" + Files.readString(log));
        assertTrue(ms < 10_000, "round " + round + ": no connection left, so no drain wait: " + ms + " ms");
        String out = Files.readString(log);
        assertTrue(!out.contains("registration task was not accepted"), "round " + round + ":\n" + out);
      } finally {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  /** Polls the listener until it accepts (or /ready first), sends one request, returns the status line. */
  private static String firstResponse(Process p, int httpPort, int adminPort, boolean awaitReady, Path log)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (awaitReady) {
      try (Socket a = new Socket("127.0.0.1", adminPort)) {
        a.setSoTimeout(5_000);
        a.getOutputStream().write("GET /ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        if (new String(a.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200")) {
          break;
        }
      } catch (IOException e) {
        // not listening yet
      }
      checkAlive(p, deadline, log);
      Thread.sleep(20);
    }
    while (true) {
      try (Socket s = new Socket("127.0.0.1", httpPort)) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write("GET /first HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        return response.isEmpty() ? "(empty)" : response.lines().findFirst().orElse("");
      } catch (ConnectException e) {
        checkAlive(p, deadline, log);
        Thread.sleep(1);
      }
    }
  }

  private static Socket connectWhenListening(Process p, int port, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        return s;
      } catch (ConnectException e) {
        checkAlive(p, deadline, log);
        Thread.sleep(1);
      }
    }
  }

  private static void checkAlive(Process p, long deadline, Path log) throws IOException {
    if (!p.isAlive() || System.nanoTime() > deadline) {
      throw new IllegalStateException("javoy did not start serving:\n" + Files.readString(log));
    }
  }

  private static void readResponse(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("closed: " + head);
      }
      head.append((char) c);
    }
    int cl = Integer.parseInt(head.toString().replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
    in.readNBytes(cl);
  }
}
