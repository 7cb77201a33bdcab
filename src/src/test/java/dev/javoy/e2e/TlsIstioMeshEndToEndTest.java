package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two javoy processes in Istio's sidecar shape: the client sidecar's outbound clusters choose Istio mTLS by
 * {@code transport_socket_matches} ({@code tlsMode: istio}) and pin the server's SPIFFE id; the server
 * sidecar's inbound listeners require a client certificate and forward in plaintext. HTTP/1.1, HTTP/2 (h2c to the
 * client sidecar, h2 by ALPN between the sidecars) and TCP (tcp_proxy on both sides) cross the mTLS hop, and the
 * server sidecar's access logs carry the client's SPIFFE id.
 */
class TlsIstioMeshEndToEndTest {
  static final String CLIENT_ID = MeshSidecars.CLIENT_ID;
  static final String SERVER_ID = MeshSidecars.SERVER_ID;

  @TempDir
  static Path dir;
  static MeshSidecars mesh;
  static JavoyProcess server;
  static JavoyProcess client;
  static int outbound;
  static int outboundTcp;
  static int inbound;

  @BeforeAll
  static void start() throws Exception {
    mesh = new MeshSidecars(dir);
    inbound = mesh.freePort("INBOUND");
    mesh.freePort("INBOUND_TCP");
    outbound = mesh.freePort("OUTBOUND");
    outboundTcp = mesh.freePort("OUTBOUND_TCP");
    mesh.start("/e2e/tls-mesh-");
    server = mesh.server;
    client = mesh.client;
  }

  @AfterAll
  static void stop() throws Exception {
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void http11CrossesMtlsAndTheServerLogsTheClientSpiffeId() throws Exception {
    Curl.Result r = Curl.run("-H", "x-forwarded-client-cert: By=spoofed", "http://127.0.0.1:" + outbound + "/hello");
    assertEquals(200, r.status(), r.toString());
    assertEquals("backend GET /hello host=127.0.0.1:" + outbound, r.body());
    String log = awaitLog("server-http.log", "/hello ");
    assertTrue(log.contains("/hello 200 HTTP/1.1 peer=" + CLIENT_ID + " local=" + SERVER_ID + " TLSv1.3"), log);
    // The client sidecar sanitizes a client's XFCC (Envoy's default); the server sidecar appends its element.
    assertTrue(log.matches("(?s).*/hello .* xfcc=By=" + SERVER_ID + ";Hash=[0-9a-f]{64};Subject=\"CN=client,O=javoy tests\";"
        + "URI=" + CLIENT_ID + "\n.*"), log);
    assertTrue(stat(client, "cluster.outbound|80||server.default.svc.cluster.local.ssl.handshake") >= 1);
  }

  @Test
  void h2cDownstreamGoesAsHttp2OverMtls() throws Exception {
    Curl.Result r = Curl.run("--http2-prior-knowledge", "http://127.0.0.1:" + outbound + "/h2");
    assertEquals(200, r.status(), r.toString());
    assertTrue(r.headers().startsWith("HTTP/2 200"), r.headers());
    String log = awaitLog("server-http.log", "/h2 ");
    assertTrue(log.contains("/h2 200 HTTP/2 peer=" + CLIENT_ID), log);
  }

  @Test
  void endpointsWithoutTlsModeGoPlain() throws Exception {
    Curl.Result r = Curl.run("http://127.0.0.1:" + outbound + "/plain");
    assertEquals(200, r.status(), r.toString());
    assertEquals(0, stat(client, "cluster.outbound|80||plain.default.svc.cluster.local.ssl.handshake"));
    assertTrue(stat(client, "cluster.outbound|80||plain.default.svc.cluster.local.upstream_rq_total") >= 1);
  }

  @Test
  void tcpCrossesMtls() throws Exception {
    byte[] payload = "ping over mTLS\n".getBytes(StandardCharsets.US_ASCII);
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), outboundTcp)) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      out.write(payload);
      out.flush();
      InputStream in = s.getInputStream();
      byte[] back = in.readNBytes(payload.length);
      assertArrayEquals(payload, back);
    }
    String log = awaitLog("server-tcp.log", "tcp peer=");
    assertTrue(log.contains("tcp peer=" + CLIENT_ID + " TLSv1.3 received=" + payload.length), log);
  }

  @Test
  void theServerSidecarRefusesClientsWithoutCertificate() {
    assertThrows(IllegalStateException.class,
        () -> Curl.run("-k", "https://127.0.0.1:" + inbound + "/direct"));
  }

  private static long stat(JavoyProcess javoy, String name) throws Exception {
    return MeshSidecars.stat(javoy, name);
  }

  private static String awaitLog(String name, String needle) throws Exception {
    return mesh.awaitLog(name, needle);
  }
}
