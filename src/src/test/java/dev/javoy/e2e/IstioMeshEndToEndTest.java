package dev.javoy.e2e;

import static dev.javoy.e2e.EchoGrpcService.text;
import static dev.javoy.e2e.EchoGrpcService.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two javoy processes as two Istio sidecars: the client's outbound listener (Istio 1.20 filter chain) sends to the
 * server's inbound listener (Istio 1.18 chain, metadata exchange as the null-VM Wasm plugin), which sends to the
 * application. The sidecars exchange their Istio-shaped node metadata in {@code x-envoy-peer-metadata} headers, and
 * each one's {@code /stats/prometheus} shows {@code istio_requests_total} with the other's workload: reporter
 * {@code source} on the client, {@code destination} on the server. Also: gRPC through the client counted by
 * {@code grpc_stats}, and TCP through both sidecars (a cluster with {@code filters}) counted as Istio TCP metrics.
 */
class IstioMeshEndToEndTest {
  private static final int REQUESTS = 7;

  @TempDir
  static Path dir;
  static HttpServer app;
  static ServerSocket echo;
  static Server grpcServer;
  static EchoGrpcService grpcService;
  static JavoyProcess client;
  static JavoyProcess server;
  static int outPort;
  static int tcpOutPort;
  /** Request headers the application saw, joined. */
  static volatile String appSawPeerHeaders = "";

  @BeforeAll
  static void start() throws Exception {
    app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    app.createContext("/", ex -> {
      try (ex) {
        ex.getRequestBody().readAllBytes();
        if (ex.getRequestHeaders().containsKey("x-envoy-peer-metadata")
            || ex.getRequestHeaders().containsKey("x-envoy-peer-metadata-id")) {
          appSawPeerHeaders = "yes";
        }
        byte[] out = "reviews".getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, out.length);
        ex.getResponseBody().write(out);
      }
    });
    app.start();
    echo = TestBackends.echo();
    grpcService = new EchoGrpcService();
    grpcServer = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(grpcService.definition()).build().start();

    int serverAdmin = JavoyProcess.freePort();
    int inbound = JavoyProcess.freePort();
    int tcpInbound = JavoyProcess.freePort();
    Path serverDir = Files.createDirectories(dir.resolve("server"));
    Path serverConfig = ConfigTemplate.render("/e2e/istio-server-sidecar.yaml", Map.of("ADMIN",
        Integer.toString(serverAdmin), "INBOUND", Integer.toString(inbound), "TCP_INBOUND", Integer.toString(tcpInbound),
        "BACKEND", Integer.toString(app.getAddress().getPort()), "ECHO", Integer.toString(echo.getLocalPort())),
        serverDir);
    server = JavoyProcess.start(serverDir, serverAdmin, "-c", serverConfig.toString(), "--concurrency", "2");

    int clientAdmin = JavoyProcess.freePort();
    outPort = JavoyProcess.freePort();
    tcpOutPort = JavoyProcess.freePort();
    Path clientDir = Files.createDirectories(dir.resolve("client"));
    Path clientConfig = ConfigTemplate.render("/e2e/istio-client-sidecar.yaml", Map.of("ADMIN",
        Integer.toString(clientAdmin), "OUT", Integer.toString(outPort), "TCP_OUT", Integer.toString(tcpOutPort),
        "INBOUND", Integer.toString(inbound), "TCP_INBOUND", Integer.toString(tcpInbound),
        "GRPC_BACKEND", Integer.toString(grpcServer.getPort())), clientDir);
    client = JavoyProcess.start(clientDir, clientAdmin, "-c", clientConfig.toString(), "--concurrency", "2");

    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    for (int i = 0; i < REQUESTS; i++) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + outPort + "/reviews/" + i))
.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      assertEquals("reviews", r.body());
      assertFalse(r.headers().firstValue("x-envoy-peer-metadata").isPresent(),
          "the client sidecar must strip the server's peer metadata from the response");
      assertFalse(r.headers().firstValue("x-envoy-peer-metadata-id").isPresent());
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
    if (grpcServer != null) {
      grpcServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      grpcService.shutdown();
    }
    if (echo != null) {
      echo.close();
    }
    if (app != null) {
      app.stop(0);
    }
  }

  @Test
  void serverReportsDestinationWithClientWorkloadAsSource() throws Exception {
    String line = awaitSeries(server, "istio_requests_total", "reporter=\"destination\"", REQUESTS);
    assertLabel(line, "source_workload", "productpage-v1");
    assertLabel(line, "source_workload_namespace", "default");
    assertLabel(line, "source_app", "productpage");
    assertLabel(line, "source_version", "v1");
    assertLabel(line, "source_canonical_service", "productpage");
    assertLabel(line, "source_cluster", "Kubernetes");
    assertLabel(line, "source_principal", "unknown");
    assertLabel(line, "destination_workload", "reviews-v2");
    assertLabel(line, "destination_workload_namespace", "default");
    assertLabel(line, "destination_app", "reviews");
    assertLabel(line, "destination_version", "v2");
    // The inbound cluster has no istio service metadata: the host header is the fallback (port stripped).
    assertLabel(line, "destination_service", "127.0.0.1");
    assertLabel(line, "request_protocol", "http");
    assertLabel(line, "response_code", "200");
    assertLabel(line, "response_flags", "-");
    assertLabel(line, "connection_security_policy", "none");
    assertEquals("", appSawPeerHeaders, "the server sidecar must strip the client's peer metadata headers");
    String prom = server.admin("/stats/prometheus");
    assertTrue(prom.contains("# TYPE istio_requests_total counter"), prom);
    assertTrue(prom.contains("# TYPE istio_request_duration_milliseconds histogram"), prom);
    assertTrue(Pattern.compile("istio_request_duration_milliseconds_count\\{reporter=\"destination\"[^}]*\\} "
        + REQUESTS).matcher(prom).find(), prom);
    assertTrue(prom.contains("istio_request_bytes_bucket{reporter=\"destination\""), prom);
    assertTrue(prom.contains("istio_response_bytes_count{reporter=\"destination\""), prom);
  }

  @Test
  void clientReportsSourceWithServerWorkloadAsDestination() throws Exception {
    String line = awaitSeries(client, "istio_requests_total", "reporter=\"source\",source_workload=\"productpage-v1\"",
        REQUESTS);
    assertLabel(line, "source_workload_namespace", "default");
    assertLabel(line, "source_app", "productpage");
    assertLabel(line, "destination_workload", "reviews-v2");
    assertLabel(line, "destination_app", "reviews");
    assertLabel(line, "destination_version", "v2");
    assertLabel(line, "destination_canonical_service", "reviews");
    assertLabel(line, "destination_canonical_revision", "v2");
    assertLabel(line, "destination_cluster", "Kubernetes");
    assertLabel(line, "destination_service", "reviews.default.svc.cluster.local");
    assertLabel(line, "destination_service_name", "reviews");
    assertLabel(line, "destination_service_namespace", "default");
    assertLabel(line, "response_code", "200");
    assertLabel(line, "connection_security_policy", "unknown");
  }

  @Test
  void grpcStatsCountAGrpcCallThroughTheClientSidecar() throws Exception {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", outPort).usePlaintext().build();
    try {
      byte[] reply = ClientCalls.blockingUnaryCall(channel, EchoGrpcService.UNARY, CallOptions.DEFAULT, utf8("hi"));
      assertEquals("hi", text(reply));
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    String prefix = "cluster.grpc_backend.grpc.test.Echo.Unary.";
    assertEquals(1, ConfigTemplate.awaitStat(client, prefix + "success", 1));
    assertEquals(1, ConfigTemplate.stat(client, prefix + "total"));
    assertEquals(0, ConfigTemplate.stat(client, prefix + "failure"));
    assertEquals(1, ConfigTemplate.stat(client, prefix + "0"));
    assertEquals(1, ConfigTemplate.stat(client, prefix + "request_message_count"));
    assertEquals(1, ConfigTemplate.stat(client, prefix + "response_message_count"));
    assertTrue(client.admin("/stats?filter=upstream_rq_time").contains(prefix + "upstream_rq_time"),
        client.admin("/stats?filter=grpc"));
    // Istio's stats see it as a gRPC request.
    String line = awaitSeries(client, "istio_requests_total", "request_protocol=\"grpc\"", 1);
    assertLabel(line, "grpc_response_status", "0");
  }

  @Test
  void tcpThroughBothSidecarsIsCountedAsIstioTcpMetrics() throws Exception {
    try (Socket s = new Socket("127.0.0.1", tcpOutPort)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      byte[] msg = "ping over the mesh".getBytes(StandardCharsets.UTF_8);
      out.write(msg);
      out.flush();
      byte[] got = in.readNBytes(msg.length);
      assertEquals("ping over the mesh", new String(got, StandardCharsets.UTF_8));
    }
    String opened = awaitSeries(server, "istio_tcp_connections_opened_total", "reporter=\"destination\"", 1);
    assertLabel(opened, "request_protocol", "tcp");
    assertLabel(opened, "destination_workload", "reviews-v2");
    awaitSeries(server, "istio_tcp_connections_closed_total", "reporter=\"destination\"", 1);
    awaitSeries(server, "istio_tcp_received_bytes_total", "reporter=\"destination\"", 18);
    awaitSeries(server, "istio_tcp_sent_bytes_total", "reporter=\"destination\"", 18);
    String clientOpened = awaitSeries(client, "istio_tcp_connections_opened_total", "reporter=\"source\"", 1);
    assertLabel(clientOpened, "source_workload", "productpage-v1");
    assertLabel(clientOpened, "destination_service", "tcp-echo.default.svc.cluster.local");
    // Without TLS no ALPN is negotiated, so the cluster's istio-peer-exchange filter stays out of the way.
    String mx = client.admin("/stats?filter=alpn_protocol_not_found");
    assertTrue(mx.contains("cluster.outbound|9000||tcp-echo.default.svc.cluster.local.metadata_exchange"
        + ".alpn_protocol_not_found: 1"), mx);
  }

  /** Waits up to 10 s for a Prometheus series of {@code metric} containing {@code labels} with a value ≥ min. */
  static String awaitSeries(JavoyProcess javoy, String metric, String labels, long min) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    String prom = "";
    while (System.nanoTime() < deadline) {
      prom = javoy.admin("/stats/prometheus");
      for (String line : prom.split("\n")) {
        if (line.startsWith(metric + "{") && line.contains(labels)) {
          long v = Long.parseLong(line.substring(line.lastIndexOf(' ') + 1).trim());
          if (v >= min) {
            return line;
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no " + metric + "{..." + labels + "...} >= " + min + " in:\n" + prom);
  }

  static void assertLabel(String line, String label, String value) {
    Matcher m = Pattern.compile("[{,]" + Pattern.quote(label) + "=\"([^\"]*)\"").matcher(line);
    assertTrue(m.find(), "no label " + label + " in " + line);
    assertEquals(value, m.group(1), label + " in " + line);
  }
}
