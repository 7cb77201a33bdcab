package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Listener filters end to end, with real clients ({@code openssl s_client}, curl, sockets) and real TLS servers
 * ({@code openssl s_server}) behind javoy: TLS pass-through chosen by SNI (tls_inspector), one port serving TLS,
 * HTTP and raw bytes by transport and application protocol (tls_inspector + http_inspector),
 * {@code listener_filters_timeout} with and without {@code continue_on_listener_filters_timeout}, and
 * {@code filter_disabled}.
 */
class ListenerFiltersEndToEndTest {
  @TempDir
  static Path dir;
  static JavoyProcess javoy;
  static final List<Process> servers = new ArrayList<>();
  static ServerSocket echo;
  static ServerSocket banner;
  static ExecutorService bannerPool;
  static int sniPort;
  static int protoPort;
  static int timeoutClosePort;
  static int timeoutContinuePort;
  static int disabledPort;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(new java.io.File("/usr/bin/openssl").canExecute(), "openssl is needed for these tests");
    int tlsA = JavoyProcess.freePort();
    int tlsB = JavoyProcess.freePort();
    servers.add(tlsServer("a.example", tlsA));
    servers.add(tlsServer("b.example", tlsB));
    echo = TestBackends.echo();
    banner = bannerServer();
    int admin = JavoyProcess.freePort();
    sniPort = JavoyProcess.freePort();
    protoPort = JavoyProcess.freePort();
    timeoutClosePort = JavoyProcess.freePort();
    timeoutContinuePort = JavoyProcess.freePort();
    disabledPort = JavoyProcess.freePort();
    Map<String, String> vars = new HashMap<>();
    vars.put("ADMIN", Integer.toString(admin));
    vars.put("SNI", Integer.toString(sniPort));
    vars.put("PROTO", Integer.toString(protoPort));
    vars.put("TIMEOUT_CLOSE", Integer.toString(timeoutClosePort));
    vars.put("TIMEOUT_CONTINUE", Integer.toString(timeoutContinuePort));
    vars.put("DISABLED", Integer.toString(disabledPort));
    vars.put("DISABLED_END", Integer.toString(disabledPort + 1));
    vars.put("TLS_A", Integer.toString(tlsA));
    vars.put("TLS_B", Integer.toString(tlsB));
    vars.put("ECHO", Integer.toString(echo.getLocalPort()));
    vars.put("BANNER", Integer.toString(banner.getLocalPort()));
    vars.put("ACCESS_LOG", dir.resolve("access.log").toString());
    Path config = ConfigTemplate.render("/e2e/listener_filters.yaml", vars, dir);
    awaitPort(tlsA);
    awaitPort(tlsB);
    javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "2", "-l", "info");
  }

  @AfterAll
  static void stop() throws Exception {
    if (javoy != null) {
      javoy.close();
    }
    for (Process p : servers) {
      p.destroy();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    if (echo != null) {
      echo.close();
    }
    if (banner != null) {
      banner.close();
      bannerPool.shutdownNow();
    }
  }

  /** {@code openssl s_server} with a fresh self-signed certificate whose CN is {@code name}. */
  static Process tlsServer(String name, int port) throws Exception {
    Path key = dir.resolve(name + ".key");
    Path cert = dir.resolve(name + ".pem");
    Process gen = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2",
        "-subj", "/CN=" + name).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".gen.log").toFile())
        .start();
    assertTrue(gen.waitFor(30, TimeUnit.SECONDS) && gen.exitValue() == 0, "openssl req failed");
    return new ProcessBuilder("openssl", "s_server", "-accept", "127.0.0.1:" + port, "-cert", cert.toString(),
        "-key", key.toString(), "-www", "-quiet").redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".server.log").toFile()).start();
  }

  /** A server-first TCP backend: greets each connection with {@code 220 banner}, then echoes. */
  static ServerSocket bannerServer() throws IOException {
    ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    bannerPool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "banner");
      t.setDaemon(true);
      return t;
    });
    bannerPool.execute(() -> {
      while (!ss.isClosed()) {
        try {
          Socket c = ss.accept();
          bannerPool.execute(() -> {
            try (c; InputStream in = c.getInputStream(); OutputStream out = c.getOutputStream()) {
              out.write("220 banner\r\n".getBytes(StandardCharsets.US_ASCII));
              out.flush();
              in.transferTo(out);
            } catch (IOException e) {
              // client went away
            }
          });
        } catch (IOException e) {
          return;
        }
      }
    });
    return ss;
  }

  static void awaitPort(int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("nothing listens on " + port);
  }

  /** Runs {@code openssl s_client} against javoy and returns its output (certificate subject included). */
  static String sClient(int port, String... extra) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port));
    cmd.addAll(List.of(extra));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close(); // EOF on stdin: s_client ends after the handshake
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("s_client timed out");
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void tlsPassThroughIsRoutedBySni() throws Exception {
    long foundBefore = ConfigTemplate.stat(javoy, "tls_inspector.sni_found");
    String a = sClient(sniPort, "-servername", "a.example");
    assertTrue(a.contains("subject=CN = a.example"), a);
    String b = sClient(sniPort, "-servername", "b.example");
    assertTrue(b.contains("subject=CN = b.example"), b);
    assertTrue(ConfigTemplate.awaitStat(javoy, "tls_inspector.sni_found", foundBefore + 2) >= foundBefore + 2);
    assertTrue(ConfigTemplate.stat(javoy, "tcp.sni_a.downstream_cx_total") >= 1);
    assertTrue(ConfigTemplate.stat(javoy, "tcp.sni_b.downstream_cx_total") >= 1);
    Path log = dir.resolve("access.log");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!(java.nio.file.Files.exists(log) && java.nio.file.Files.readString(log).contains("sni=a.example"))
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(java.nio.file.Files.readString(log).contains("sni=a.example chain=chain_a cluster=tls_a"),
        java.nio.file.Files.readString(log));
  }

  @Test
  void unknownSniMatchesNoChain() throws Exception {
    long before = ConfigTemplate.stat(javoy, "listener.127.0.0.1_" + sniPort + ".no_filter_chain_match");
    String c = sClient(sniPort, "-servername", "c.example");
    assertTrue(!c.contains("subject=CN"), c);
    assertTrue(ConfigTemplate.awaitStat(javoy, "listener.127.0.0.1_" + sniPort + ".no_filter_chain_match",
        before + 1) >= before + 1);
  }

  @Test
  void onePortChoosesChainsByTransportAndApplicationProtocol() throws Exception {
    String tls = sClient(protoPort, "-servername", "anything.example", "-alpn", "h2");
    assertTrue(tls.contains("subject=CN = a.example"), tls);
    Curl.Result http = Curl.run("http://127.0.0.1:" + protoPort + "/");
    assertEquals(200, http.status());
    assertEquals("plaintext http chain", http.body());
    Curl.Result h2c = Curl.run("--http2-prior-knowledge", "http://127.0.0.1:" + protoPort + "/");
    assertTrue(h2c.headers().startsWith("HTTP/2 200"), h2c.headers());
    assertEquals("plaintext http chain", h2c.body());
    try (Socket s = new Socket("127.0.0.1", protoPort)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("\u0000raw bytes\n".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      byte[] got = s.getInputStream().readNBytes(11);
      assertEquals("\u0000raw bytes\n", new String(got, StandardCharsets.US_ASCII));
    }
    assertTrue(ConfigTemplate.stat(javoy, "tls_inspector.tls_found") >= 1);
    assertTrue(ConfigTemplate.stat(javoy, "tls_inspector.alpn_found") >= 1);
    assertTrue(ConfigTemplate.stat(javoy, "tls_inspector.tls_not_found") >= 2);
    assertTrue(ConfigTemplate.stat(javoy, "http_inspector.http11_found") >= 1);
    assertTrue(ConfigTemplate.stat(javoy, "http_inspector.http2_found") >= 1);
    assertTrue(ConfigTemplate.stat(javoy, "http_inspector.http_not_found") >= 1);
  }

  @Test
  void listenerFiltersTimeoutClosesASilentClient() throws Exception {
    String prefix = "listener.127.0.0.1_" + timeoutClosePort + ".";
    long before = ConfigTemplate.stat(javoy, prefix + "downstream_pre_cx_timeout");
    try (Socket s = new Socket("127.0.0.1", timeoutClosePort)) {
      s.setSoTimeout(10_000);
      long start = System.nanoTime();
      assertEquals(-1, s.getInputStream().read(), "javoy closes the connection without a byte");
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(ms >= 800, "closed after " + ms + " ms, before the 1 s timeout");
    }
    assertTrue(ConfigTemplate.awaitStat(javoy, prefix + "downstream_pre_cx_timeout", before + 1) >= before + 1);
    assertEquals(0, ConfigTemplate.stat(javoy, prefix + "downstream_pre_cx_active"));
    assertEquals(0, ConfigTemplate.stat(javoy, "tcp.timeout_close.downstream_cx_total"));
  }

  @Test
  void listenerFiltersTimeoutWithContinueServesAServerFirstProtocol() throws Exception {
    String prefix = "listener.127.0.0.1_" + timeoutContinuePort + ".";
    try (Socket s = new Socket("127.0.0.1", timeoutContinuePort)) {
      s.setSoTimeout(10_000);
      byte[] greeting = s.getInputStream().readNBytes(12);
      assertEquals("220 banner\r\n", new String(greeting, StandardCharsets.US_ASCII));
      s.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      assertEquals("ping\n", new String(s.getInputStream().readNBytes(5), StandardCharsets.US_ASCII));
    }
    assertTrue(ConfigTemplate.stat(javoy, prefix + "downstream_pre_cx_timeout") >= 1);
    assertTrue(ConfigTemplate.stat(javoy, prefix + "downstream_cx_total") >= 1);
  }

  @Test
  void disabledFilterIsSkipped() throws Exception {
    try (Socket s = new Socket("127.0.0.1", disabledPort)) {
      s.setSoTimeout(5_000);
      long start = System.nanoTime();
      byte[] greeting = s.getInputStream().readNBytes(12);
      assertEquals("220 banner\r\n", new String(greeting, StandardCharsets.US_ASCII));
      assertTrue((System.nanoTime() - start) / 1_000_000 < 900, "the greeting waited for the listener filter timeout");
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no greeting: tls_inspector was not disabled", e);
    }
    assertEquals(0, ConfigTemplate.stat(javoy, "listener.127.0.0.1_" + disabledPort + ".downstream_pre_cx_timeout"));
  }
}
