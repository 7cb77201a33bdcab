package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plain CONNECT through javoy ({@code upgrade_configs: CONNECT}, a {@code connect_matcher} route with
 * {@code connect_config}): curl's {@code --proxytunnel} to an HTTP backend, raw HTTP/1.1 and HTTP/2 CONNECT to a
 * TCP echo with half-close, a refused upstream answering 503 UF, and CONNECT not enabled answering 403.
 */
class ConnectEndToEndTest {
  @TempDir
  static Path dir;
  static HttpServer http;
  static ServerSocket echo;
  static JavoyProcess javoy;
  static int port;
  static int noConnectPort;

  @BeforeAll
  static void start() throws Exception {
    http = TestBackends.http("B");
    echo = TestBackends.echo();
    int admin = JavoyProcess.freePort();
    port = JavoyProcess.freePort();
    noConnectPort = JavoyProcess.freePort();
    String yaml = CONFIG.replace("${ADMIN}", Integer.toString(admin))
        .replace("${PORT}", Integer.toString(port))
        .replace("${NOCONNECT}", Integer.toString(noConnectPort))
        .replace("${HTTP}", Integer.toString(http.getAddress().getPort()))
        .replace("${ECHO}", Integer.toString(echo.getLocalPort()))
        .replace("${CLOSED}", Integer.toString(JavoyProcess.freePort()));
    Path config = dir.resolve("envoy.yaml");
    Files.writeString(config, yaml);
    javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "2", "-l", "warning");
  }

  @AfterAll
  static void stop() throws Exception {
    if (javoy != null) {
      javoy.close();
    }
    http.stop(0);
    echo.close();
  }

  @Test
  void curlProxyTunnel() throws Exception {
    Curl.Result r = Curl.run("-p", "-x", "http://127.0.0.1:" + port, "http://web.test:80/through/the/tunnel");
    assertEquals(200, r.status(), "the CONNECT's 200");
    // -D - shows the CONNECT response, then the backend's own response through the tunnel
    assertTrue(r.body().startsWith("HTTP/1.1 200 OK\r\n"), r.body());
    assertTrue(r.body().endsWith("\r\n\r\nB GET /through/the/tunnel host=web.test"), r.body());
    assertTrue(ConfigTemplate.stat(javoy, "cluster.web.upstream_cx_total") >= 1);
  }

  @Test
  void http1ConnectToEchoWithHalfClose() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write("CONNECT echo.test:7 HTTP/1.1\r\nHost: echo.test:7\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String head = HeaderCaseEndToEndTest.readHead(in);
      assertTrue(head.startsWith("HTTP/1.1 200 "), head);
      byte[] payload = new byte[300_000];
      for (int i = 0; i < payload.length; i++) {
        payload[i] = (byte) (i * 31);
      }
      Thread writer = new Thread(() -> {
        try {
          out.write(payload);
          out.flush();
          s.shutdownOutput();
        } catch (Exception e) {
          // the read side reports
        }
      });
      writer.start();
      byte[] back = in.readAllBytes(); // the echo's FIN comes back after our FIN went through
      writer.join(10_000);
      assertEquals(payload.length, back.length);
      assertTrue(java.util.Arrays.equals(payload, back));
    }
  }

  @Test
  void http2ConnectToEcho() throws Exception {
    try (RawH2Connection c = RawH2Connection.open(port)) {
      Http2Headers h = new DefaultHttp2Headers().method("CONNECT").authority("echo.test:7");
      c.headers(1, h, false);
      String status = null;
      RawH2Connection.Frame f;
      while (status == null && (f = c.readFrame()) != null) {
        if (f.type() == RawH2Connection.HEADERS && f.stream() == 1) {
          status = c.decode(f).status().toString();
        }
      }
      assertEquals("200", status);
      c.frame(RawH2Connection.DATA, 0, 1, "hello over h2".getBytes(StandardCharsets.US_ASCII));
      c.frame(RawH2Connection.DATA, RawH2Connection.END_STREAM, 1, new byte[0]);
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      boolean ended = false;
      while (!ended && (f = c.readFrame()) != null) {
        if (f.type() == RawH2Connection.DATA && f.stream() == 1) {
          got.write(f.payload());
          ended = (f.flags() & RawH2Connection.END_STREAM) != 0;
        }
        assertTrue(f.type() != RawH2Connection.RST_STREAM, "stream reset");
      }
      assertEquals("hello over h2", got.toString(StandardCharsets.US_ASCII));
      assertTrue(ended, "the echo's FIN ends the stream");
    }
  }

  @Test
  void refusedUpstreamIs503() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("CONNECT closed.test:1 HTTP/1.1\r\nHost: closed.test:1\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      String head = HeaderCaseEndToEndTest.readHead(s.getInputStream());
      assertTrue(head.startsWith("HTTP/1.1 503 "), head);
    }
    assertTrue(ConfigTemplate.awaitStat(javoy, "cluster.closed.upstream_cx_connect_fail", 1) >= 1);
  }

  @Test
  void connectNotEnabledIs403AndOrdinaryRequestsStillWork() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), noConnectPort)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("CONNECT echo.test:7 HTTP/1.1\r\nHost: echo.test:7\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      String head = HeaderCaseEndToEndTest.readHead(s.getInputStream());
      assertTrue(head.startsWith("HTTP/1.1 403 "), head);
    }
    Curl.Result r = Curl.run("http://127.0.0.1:" + port + "/plain");
    assertEquals(200, r.status());
    assertNotNull(r.body());
  }

  private static final String HCM = """
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: connect
                ${UPGRADES}
                route_config:
                  virtual_hosts:
                  - name: echo
                    domains: ["echo.test:7"]
                    routes:
                    - match: {connect_matcher: {}}
                      route:
                        cluster: echo
                        upgrade_configs: [{upgrade_type: CONNECT, connect_config: {}}]
                  - name: closed
                    domains: ["closed.test:1"]
                    routes:
                    - match: {connect_matcher: {}}
                      route:
                        cluster: closed
                        upgrade_configs: [{upgrade_type: CONNECT, connect_config: {}}]
                  - name: web
                    domains: ["*"]
                    routes:
                    - match: {connect_matcher: {}}
                      route:
                        cluster: web
                        upgrade_configs: [{upgrade_type: CONNECT, connect_config: {}}]
                    - match: {prefix: /}
                      route: {cluster: web}
                http_filters:
                - name: envoy.filters.http.router
                  typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
      """;

  private static final String CONFIG = """
      admin:
        address: {socket_address: {address: 127.0.0.1, port_value: ${ADMIN}}}
      static_resources:
        listeners:
        - name: connect
          address: {socket_address: {address: 127.0.0.1, port_value: ${PORT}}}
          filter_chains:
          - filters:
      """ + HCM.replace("${UPGRADES}", "upgrade_configs: [{upgrade_type: CONNECT}]") + """
        - name: noconnect
          address: {socket_address: {address: 127.0.0.1, port_value: ${NOCONNECT}}}
          filter_chains:
          - filters:
      """ + HCM.replace("${UPGRADES}", "upgrade_configs: [{upgrade_type: websocket}]")
          .replace("upgrade_configs: [{upgrade_type: CONNECT, connect_config: {}}]", "timeout: 5s")
          .replace("stat_prefix: connect", "stat_prefix: noconnect") + """
        clusters:
        - name: web
          type: STATIC
          connect_timeout: 1s
          load_assignment:
            cluster_name: web
            endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${HTTP}}}}}]}]
        - name: echo
          type: STATIC
          connect_timeout: 1s
          load_assignment:
            cluster_name: echo
            endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${ECHO}}}}}]}]
        - name: closed
          type: STATIC
          connect_timeout: 1s
          load_assignment:
            cluster_name: closed
            endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${CLOSED}}}}}]}]
      """;
}
