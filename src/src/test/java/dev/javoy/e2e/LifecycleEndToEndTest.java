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
