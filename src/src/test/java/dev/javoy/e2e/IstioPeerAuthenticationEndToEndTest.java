package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.tls.TestPki;
import java.io.IOException;
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
 * Istio's PeerAuthentication modes on the server sidecar's inbound listener, built as istiod builds it
 * (tls_inspector + http_inspector; chains: mTLS HTTP for ALPN {@code istio-http/1.0|1.1}, {@code istio-h2}; plaintext
 * HTTP for {@code http/1.1}/{@code h2c}; mTLS TCP for {@code istio-peer-exchange}/{@code istio}; plaintext TCP; TLS
 * passthrough), with a client sidecar originating mTLS with istiod's ALPN. PERMISSIVE serves mesh and plaintext
 * clients on the right chains; STRICT (only the mTLS chains) refuses plaintext.
 */
class IstioPeerAuthenticationEndToEndTest {
  static final String CLIENT_ID = MeshSidecars.CLIENT_ID;

  @TempDir
  static Path dir;
  static MeshSidecars mesh;
  static EchoGrpcService grpcService;
  static io.grpc.Server grpcBackend;
  static JavoyProcess server;
  static JavoyProcess client;
  static int permissive;
  static int strict;
  static int outbound;
  static int outboundTcp;
  static int outboundTcpStrict;

  @BeforeAll
  static void start() throws Exception {
    mesh = new MeshSidecars(dir);
    grpcService = new EchoGrpcService();
    grpcBackend = io.grpc.netty.NettyServerBuilder.forAddress(new java.net.InetSocketAddress("127.0.0.1", 0))
        .addService(grpcService.definition()).build().start();
    permissive = mesh.freePort("PERMISSIVE");
    strict = mesh.freePort("STRICT");
    outbound = mesh.freePort("OUTBOUND");
    outboundTcp = mesh.freePort("OUTBOUND_TCP");
    outboundTcpStrict = mesh.freePort("OUTBOUND_TCP_STRICT");
    mesh.set("GRPC", Integer.toString(grpcBackend.getPort()));
    mesh.start("/e2e/mesh-peerauth-");
    server = mesh.server;
    client = mesh.client;
  }

  @AfterAll
  static void stop() throws Exception {
    if (mesh != null) {
      mesh.close();
    }
    if (grpcBackend != null) {
      grpcBackend.shutdownNow().awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
      grpcService.shutdown();
    }
  }

  @Test
  void permissiveHttp11FromTheMeshLandsOnTheMtlsHttpChain() throws Exception {
    Curl.Result r = Curl.run("http://127.0.0.1:" + outbound + "/mesh-h1");
    assertEquals(200, r.status(), r.toString());
    String log = awaitLog("/mesh-h1 ");
    assertTrue(log.contains("mtls-http /mesh-h1 200 HTTP/1.1 peer=" + CLIENT_ID + " tls=TLSv1.3"), log);
    assertTrue(stat(server, "http.inbound_mtls_http.downstream_rq_total") >= 1);
  }

  @Test
  void permissiveHttp2FromTheMeshLandsOnTheMtlsHttpChain() throws Exception {
    Curl.Result r = Curl.run("--http2-prior-knowledge", "http://127.0.0.1:" + outbound + "/h2-mesh");
    assertEquals(200, r.status(), r.toString());
    String log = awaitLog("/h2-mesh ");
    assertTrue(log.contains("mtls-http /h2-mesh 200 HTTP/2 peer=" + CLIENT_ID), log);
  }

  @Test
  void permissiveGrpcFromTheMeshLandsOnTheMtlsHttpChain() throws Exception {
    io.grpc.ManagedChannel channel = io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", outbound)
        .usePlaintext().build();
    try {
      byte[] reply = io.grpc.stub.ClientCalls.blockingUnaryCall(channel, EchoGrpcService.UNARY,
          io.grpc.CallOptions.DEFAULT.withDeadlineAfter(20, java.util.concurrent.TimeUnit.SECONDS),
          EchoGrpcService.utf8("over the mesh"));
      assertTrue(EchoGrpcService.text(reply).contains("over the mesh"), EchoGrpcService.text(reply));
    } finally {
      channel.shutdownNow().awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    }
    String log = awaitLog("/test.Echo/Unary ");
    assertTrue(log.contains("mtls-http /test.Echo/Unary 200 HTTP/2 peer=" + CLIENT_ID), log);
  }

  @Test
  void permissiveTcpFromTheMeshLandsOnTheMtlsTcpChain() throws Exception {
    roundTrip(outboundTcp, "mesh tcp\n");
    String log = awaitLog("mtls-tcp tcp");
    assertTrue(log.contains("mtls-tcp tcp peer=" + CLIENT_ID), log);
    assertTrue(stat(server, "tcp.inbound_mtls_tcp.downstream_cx_total") >= 1, server.admin("/stats?filter=inbound_mtls_tcp"));
  }

  @Test
  void permissivePlaintextHttpLandsOnThePlaintextHttpChain() throws Exception {
    Curl.Result r = Curl.run("http://127.0.0.1:" + permissive + "/plain-h1");
    assertEquals(200, r.status(), r.toString());
    String log = awaitLog("/plain-h1 ");
    assertTrue(log.contains("plain-http /plain-h1 200 HTTP/1.1 peer=- tls=-"), log);
    Curl.Result h2c = Curl.run("--http2-prior-knowledge", "http://127.0.0.1:" + permissive + "/plain-h2c");
    assertEquals(200, h2c.status(), h2c.toString());
    assertTrue(awaitLog("/plain-h2c ").contains("plain-http /plain-h2c 200 HTTP/2"));
  }

  @Test
  void permissivePlaintextTcpLandsOnThePlaintextTcpChain() throws Exception {
    roundTrip(permissive, "\u0001\u0002 not http at all, just bytes\n");
    assertTrue(awaitLog("plain-tcp tcp").contains("plain-tcp tcp peer=-"));
  }

  @Test
  void permissiveTlsWithoutIstioAlpnIsPassedThrough() throws Exception {
    // a TLS client that is not a sidecar (no istio ALPN): the passthrough chain relays its bytes to the app
    TestPki.sClient(permissive, "-servername", "app.example.com");
    assertTrue(awaitLog("tls-passthrough tcp").contains("tls-passthrough tcp peer=-"));
  }

  @Test
  void strictServesTheMeshAndRefusesPlaintext() throws Exception {
    Curl.Result r = Curl.run("http://127.0.0.1:" + outbound + "/strict-h1");
    assertEquals(200, r.status(), r.toString());
    assertTrue(awaitLog("/strict-h1 ").contains("strict-mtls-http /strict-h1 200 HTTP/1.1 peer=" + CLIENT_ID));
    roundTrip(outboundTcpStrict, "strict tcp\n");
    assertTrue(awaitLog("strict-mtls-tcp tcp").contains("strict-mtls-tcp tcp peer=" + CLIENT_ID));

    assertThrows(IllegalStateException.class, () -> Curl.run("http://127.0.0.1:" + strict + "/plain"));
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), strict)) {
      s.setSoTimeout(20_000);
      s.getOutputStream().write("plain tcp\n".getBytes(StandardCharsets.US_ASCII));
      assertEquals(-1, readOrReset(s.getInputStream()), "STRICT must close a plaintext connection");
    }
    assertTrue(stat(server, "listener.127.0.0.1_" + strict + ".no_filter_chain_match") >= 2,
        server.admin("/stats?filter=no_filter_chain_match"));
  }

  private static int readOrReset(InputStream in) {
    try {
      return in.read();
    } catch (IOException e) {
      return -1; // reset: refused as well
    }
  }

  private static void roundTrip(int port, String text) throws Exception {
    byte[] payload = text.getBytes(StandardCharsets.ISO_8859_1);
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      out.write(payload);
      out.flush();
      assertArrayEquals(payload, s.getInputStream().readNBytes(payload.length));
    }
  }

  private static long stat(JavoyProcess javoy, String name) throws Exception {
    return MeshSidecars.stat(javoy, name);
  }

  private static String awaitLog(String needle) throws Exception {
    return mesh.awaitLog("server.log", needle);
  }
}
