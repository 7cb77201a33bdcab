package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection manager's {@code idle_timeout} on HTTP/1.1 connections (codec HTTP1, and AUTO choosing HTTP/1.1),
 * as Envoy's: a connection with no stream for the timeout closes ({@code downstream_cx_idle_timeout}); a stream in
 * progress, a slow response or a request head still arriving, keeps it open.
 */
class Http1IdleTimeoutEndToEndTest {
  @TempDir
  static Path dir;
  static HttpServer backend;
  static JavoyProcess javoy;
  static int h1Port;
  static int autoPort;

  @BeforeAll
  static void start() throws Exception {
    backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    backend.setExecutor(Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "backend");
      t.setDaemon(true);
      return t;
    }));
    backend.createContext("/", ex -> {
      try (ex) {
        ex.getRequestBody().readAllBytes();
        if (ex.getRequestURI().getPath().startsWith("/slow")) {
          try {
            Thread.sleep(2000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        byte[] out = "ok".getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, out.length);
        ex.getResponseBody().write(out);
      }
    });
    backend.start();
    int admin = JavoyProcess.freePort();
    h1Port = JavoyProcess.freePort();
    autoPort = JavoyProcess.freePort();
    Path config = ConfigTemplate.render("/e2e/h1-idle.yaml", Map.of("ADMIN", Integer.toString(admin),
        "H1", Integer.toString(h1Port), "AUTO", Integer.toString(autoPort),
        "BACKEND", Integer.toString(backend.getAddress().getPort())), dir);
    javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "1", "-l", "info");
  }

  @AfterAll
  static void stop() throws Exception {
    if (javoy != null) {
      javoy.close();
    }
    backend.stop(0);
  }

  @Test
  void anIdleKeepAliveConnectionClosesAfterTheTimeout() throws Exception {
    idleConnectionCloses(h1Port, "h1");
  }

  @Test
  void autoCodecChoosingHttp1ClosesIdleConnectionsToo() throws Exception {
    idleConnectionCloses(autoPort, "auto");
  }

  private static void idleConnectionCloses(int port, String prefix) throws Exception {
    long before = ConfigTemplate.stat(javoy, "http." + prefix + ".downstream_cx_idle_timeout");
    try (Socket s = socket(port)) {
      send(s, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
      assertTrue(readResponse(s.getInputStream()).endsWith("ok"));
      long t0 = System.nanoTime();
      send(s, "GET /b HTTP/1.1\r\nHost: x\r\n\r\n"); // a second request on the same connection resets the timer
      assertTrue(readResponse(s.getInputStream()).endsWith("ok"));
      assertEquals(-1, readClose(s.getInputStream()), "the idle connection is closed");
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms >= 800 && ms < 8000, "closed after " + ms + " ms");
    }
    assertEquals(before + 1, ConfigTemplate.stat(javoy, "http." + prefix + ".downstream_cx_idle_timeout"));
  }

  @Test
  void aResponseSlowerThanTheTimeoutIsNotCut() throws Exception {
    try (Socket s = socket(h1Port)) {
      send(s, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"); // 2 s at the backend, idle_timeout 1 s
      String r = readResponse(s.getInputStream());
      assertTrue(r.startsWith("HTTP/1.1 200") && r.endsWith("ok"), r);
      send(s, "GET /after HTTP/1.1\r\nHost: x\r\n\r\n"); // the connection is still usable
      assertTrue(readResponse(s.getInputStream()).endsWith("ok"));
    }
  }

  @Test
  void aRequestHeadStillArrivingIsAStream() throws Exception {
    try (Socket s = socket(h1Port)) {
      String req = "GET /dribbled HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n\r\n";
      // first byte, then the rest over 2 s (longer than idle_timeout): Envoy's codec opened the stream with byte one
      for (int i = 0; i < req.length(); i += 8) {
        send(s, req.substring(i, Math.min(req.length(), i + 8)));
        Thread.sleep(250);
      }
      String r = readResponse(s.getInputStream());
      assertTrue(r.startsWith("HTTP/1.1 200") && r.endsWith("ok"), r);
    }
  }

  private static Socket socket(int port) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
    s.setSoTimeout(10_000);
    return s;
  }

  private static void send(Socket s, String text) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** One response with a Content-Length body (the backend's), read to its end. */
  private static String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int c;
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      if ((c = in.read()) < 0) {
        throw new IOException("closed in the head: " + head);
      }
      head.write(c);
    }
    String h = head.toString(StandardCharsets.ISO_8859_1);
    int i = h.toLowerCase().indexOf("content-length:");
    int len = Integer.parseInt(h.substring(i + 15, h.indexOf('\r', i)).trim());
    byte[] body = in.readNBytes(len);
    return h + new String(body, StandardCharsets.ISO_8859_1);
  }

  /** -1 when the server closes the connection (within the socket timeout), else the byte read. */
  private static int readClose(InputStream in) throws IOException {
    try {
      return in.read();
    } catch (SocketException e) {
      return -1; // reset
    } catch (SocketTimeoutException e) {
      return -2;
    }
  }
}
