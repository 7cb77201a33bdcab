package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listener's own {@code access_log} end to end: a connection no filter chain matches writes one {@code NR} line
 * with its downstream addresses (Istio's virtual listeners, which filter on {@code NR}), while connections a chain
 * took do not pass that filter; without a filter every connection is logged when it closes, an HTTP one with its
 * chain and a tcp_proxy one with its upstream cluster; a connection whose listener filters time out is logged
 * without a chain.
 */
class ListenerAccessLogEndToEndTest {
  @TempDir
  static Path dir;
  static JavoyProcess javoy;
  static HttpServer backend;
  static ServerSocket echo;
  static int virtualPort;
  static int allPort;
  static int inspectingPort;
  static Path inspectingLog;
  static Path nrLog;
  static Path allLog;

  @BeforeAll
  static void start() throws Exception {
    backend = TestBackends.http("backend");
    echo = TestBackends.echo();
    int admin = JavoyProcess.freePort();
    virtualPort = JavoyProcess.freePort();
    allPort = JavoyProcess.freePort();
    inspectingPort = JavoyProcess.freePort();
    inspectingLog = dir.resolve("inspecting.log");
    nrLog = dir.resolve("nr.log");
    allLog = dir.resolve("all.log");
    Map<String, String> vars = new HashMap<>();
    vars.put("ADMIN", Integer.toString(admin));
    vars.put("VIRTUAL", Integer.toString(virtualPort));
    vars.put("ALL", Integer.toString(allPort));
    vars.put("NR_LOG", nrLog.toString());
    vars.put("ALL_LOG", allLog.toString());
    vars.put("INSPECTING", Integer.toString(inspectingPort));
    vars.put("INSPECTING_LOG", inspectingLog.toString());
    vars.put("BACKEND", Integer.toString(backend.getAddress().getPort()));
    vars.put("ECHO", Integer.toString(echo.getLocalPort()));
    Path config = ConfigTemplate.render("/e2e/listener_access_log.yaml", vars, dir);
    javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "2",
        "--file-flush-interval-msec", "100");
  }

  @AfterAll
  static void stop() throws Exception {
    if (javoy != null) {
      javoy.close();
    }
    if (backend != null) {
      backend.stop(0);
    }
    if (echo != null) {
      echo.close();
    }
  }

  /** Connects from {@code source}, sends {@code payload}, and reads until javoy closes (or echoes back). */
  static String exchange(String source, int port, String payload) throws IOException {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(payload.getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[payload.isEmpty() ? 1 : payload.length()];
      int n = 0;
      while (n < buf.length) {
        int r = in.read(buf, n, buf.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      return new String(buf, 0, n, StandardCharsets.UTF_8) + "|local=" + s.getLocalPort();
    }
  }

  static List<String> awaitLines(Path log, int count) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    List<String> lines = List.of();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log)) {
        lines = Files.readAllLines(log);
        if (lines.size() >= count) {
          return lines;
        }
      }
      Thread.sleep(100);
    }
    return lines;
  }

  @Test
  void aConnectionNoFilterChainMatchesWritesOneNrLineAndTheMatchedOnesNone() throws Exception {
    // matched by the chain (tcp_proxy to the echo backend): the NR filter keeps it out of the log
    String echoed = exchange("127.0.0.2", virtualPort, "ping");
    assertTrue(echoed.startsWith("ping"), echoed);
    // matched by no chain: javoy closes it at once, and logs it
    String refused = exchange("127.0.0.3", virtualPort, "");
    String clientPort = refused.substring(refused.indexOf("|local=") + 7);
    List<String> lines = awaitLines(nrLog, 1);
    assertEquals(1, lines.size(), lines.toString());
    String line = lines.get(0);
    assertTrue(line.contains(" NR filter_chain_not_found "), line);
    assertTrue(line.contains("local=127.0.0.1:" + virtualPort), line);
    assertTrue(line.contains("remote=127.0.0.3:" + clientPort), line);
    assertTrue(line.endsWith("chain=-"), line);
    assertEquals(1, ConfigTemplate.stat(javoy, "listener.127.0.0.1_" + virtualPort + ".no_filter_chain_match"));
    Thread.sleep(1000); // the tcp_proxy connection's close has been handled: still one line
    assertEquals(1, Files.readAllLines(nrLog).size());
  }

  @Test
  void withoutAFilterEveryConnectionIsLoggedWhenItCloses() throws Exception {
    Curl.Result r = Curl.run("--interface", "127.0.0.2", "http://127.0.0.1:" + allPort + "/x");
    assertEquals(200, r.status());
    assertTrue(exchange("127.0.0.4", allPort, "tcp").startsWith("tcp"));
    exchange("127.0.0.5", allPort, "");
    List<String> lines = awaitLines(allLog, 3);
    assertEquals(3, lines.size(), lines.toString());
    assertTrue(lines.contains("flags=- chain=http remote=127.0.0.2 cluster=-"), lines.toString());
    assertTrue(lines.contains("flags=- chain=tcp remote=127.0.0.4 cluster=echo"), lines.toString());
    assertTrue(lines.contains("flags=NR chain=- remote=127.0.0.5 cluster=-"), lines.toString());
  }

  @Test
  void aConnectionWhoseListenerFiltersTimeOutIsLoggedWithoutAChain() throws Exception {
    long start = System.nanoTime();
    exchange("127.0.0.1", inspectingPort, ""); // sends nothing: tls_inspector waits until the 0.3 s timeout
    assertTrue(System.nanoTime() - start >= 200_000_000L, "closed before the listener filter timeout");
    List<String> lines = awaitLines(inspectingLog, 1);
    assertEquals(List.of("flags=- chain=- local=127.0.0.1:" + inspectingPort), lines);
    assertEquals(1, ConfigTemplate.stat(javoy, "listener.127.0.0.1_" + inspectingPort + ".downstream_pre_cx_timeout"));
  }
}
