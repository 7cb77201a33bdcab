package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outlier detection and active health checks through a javoy process with real backends: a backend answering
 * 503 is ejected and comes back after base_ejection_time; HTTP, TCP and gRPC health checks mark hosts down and
 * up; a cluster with health checks keeps javoy from being ready until its first round is done.
 */
class HealthEndToEndTest {
  @TempDir
  static Path dir;
  static JavoyProcess javoy;
  static Backend bad;
  static Backend good;
  static Backend hc1;
  static Backend hc2;
  static Backend slow;
  static ServerSocket tcpOpen;
  static int tcpClosed;
  static Server grpc;
  static H2cBackend h2;
  static ServerSocket echo;
  static int tcpOdClosed;
  static int tcpPort;
  static final AtomicInteger grpcStatus = new AtomicInteger(2); // NOT_SERVING
  static final AtomicReference<String> grpcService = new AtomicReference<>("");
  static final AtomicReference<String> grpcAuthority = new AtomicReference<>("");
  static long readyAtMillis;
  static int odPort;
  static int hcPort;
  static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  /** An HTTP backend: {@code /healthz} answers {@link #healthCode} after {@link #healthDelayMs}; else {@link #code}. */
  static final class Backend {
    final String name;
    final HttpServer server;
    final AtomicInteger code = new AtomicInteger(200);
    final AtomicInteger healthCode = new AtomicInteger(200);
    final AtomicInteger healthDelayMs = new AtomicInteger();
    final AtomicLong firstHealthAnsweredAt = new AtomicLong();
    final AtomicReference<String> healthHost = new AtomicReference<>("");

    Backend(String name) throws IOException {
      this.name = name;
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      server.setExecutor(Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "backend-" + name);
        t.setDaemon(true);
        return t;
      }));
      server.createContext("/", ex -> {
        try (ex) {
          ex.getRequestBody().readAllBytes();
          boolean health = ex.getRequestURI().getPath().equals("/healthz");
          if (health) {
            healthHost.set(ex.getRequestHeaders().getFirst("Host"));
            int d = healthDelayMs.get();
            if (d > 0) {
              Thread.sleep(d);
            }
          }
          byte[] body = name.getBytes();
          ex.getResponseHeaders().set("X-Backend", name);
          ex.sendResponseHeaders(health ? healthCode.get() : code.get(), body.length);
          ex.getResponseBody().write(body);
          if (health) {
            firstHealthAnsweredAt.compareAndSet(0, System.currentTimeMillis());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }
  }

  static final MethodDescriptor.Marshaller<byte[]> BYTES = EchoGrpcService.BYTES;

  /** A hand-written grpc.health.v1.Health service answering {@link #grpcStatus}. */
  static ServerServiceDefinition healthService() {
    MethodDescriptor<byte[], byte[]> check = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName("grpc.health.v1.Health/Check")
        .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
    return ServerServiceDefinition.builder("grpc.health.v1.Health")
        .addMethod(check, ServerCalls.asyncUnaryCall((request, response) -> {
          // HealthCheckRequest { string service = 1; }
          if (request.length > 2 && request[0] == 0x0A) {
            grpcService.set(new String(request, 2, request[1]));
          }
          int status = grpcStatus.get();
          response.onNext(status == 0 ? new byte[0] : new byte[] {0x08, (byte) status});
          response.onCompleted();
        }))
        .build();
  }

  @BeforeAll
  static void start() throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    bad = new Backend("BAD");
    bad.code.set(503);
    good = new Backend("GOOD");
    hc1 = new Backend("HC1");
    hc2 = new Backend("HC2");
    slow = new Backend("SLOW");
    slow.healthDelayMs.set(2500);
    tcpOpen = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> {
      while (!tcpOpen.isClosed()) {
        try (Socket s = tcpOpen.accept()) {
          s.getInputStream().read();
        } catch (IOException e) {
          // closed
        }
      }
    }, "tcp-open");
    acceptor.setDaemon(true);
    acceptor.start();
    tcpClosed = JavoyProcess.freePort();
    h2 = new H2cBackend();
    echo = TestBackends.echo();
    tcpOdClosed = JavoyProcess.freePort();
    grpc = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(healthService())
        .intercept(new io.grpc.ServerInterceptor() {
          @Override
          public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call,
              io.grpc.Metadata headers, io.grpc.ServerCallHandler<Q, R> next) {
            String authority = call.getAuthority();
            grpcAuthority.set(authority == null ? "" : authority);
            return next.startCall(call, headers);
          }
        })
        .build().start();
    int admin = JavoyProcess.freePort();
    odPort = JavoyProcess.freePort();
    hcPort = JavoyProcess.freePort();
    tcpPort = JavoyProcess.freePort();
    String yaml = CONFIG.replace("${ADMIN}", Integer.toString(admin))
        .replace("${OD_PORT}", Integer.toString(odPort))
        .replace("${HC_PORT}", Integer.toString(hcPort))
        .replace("${BAD}", Integer.toString(bad.port()))
        .replace("${GOOD}", Integer.toString(good.port()))
        .replace("${HC1}", Integer.toString(hc1.port()))
        .replace("${HC2}", Integer.toString(hc2.port()))
        .replace("${SLOW}", Integer.toString(slow.port()))
        .replace("${TCP_OPEN}", Integer.toString(tcpOpen.getLocalPort()))
        .replace("${TCP_CLOSED}", Integer.toString(tcpClosed))
        .replace("${GRPC}", Integer.toString(grpc.getPort()))
        .replace("${H2}", Integer.toString(h2.port()))
        .replace("${TCP_PORT}", Integer.toString(tcpPort))
        .replace("${ECHO}", Integer.toString(echo.getLocalPort()))
        .replace("${TCP_OD_CLOSED}", Integer.toString(tcpOdClosed));
    Path config = dir.resolve("envoy.yaml");
    Files.writeString(config, yaml);
    javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "2", "-l", "warning");
    readyAtMillis = System.currentTimeMillis();
  }

  @AfterAll
  static void stop() throws Exception {
    if (javoy != null) {
      javoy.close();
    }
    for (Backend b : new Backend[] {bad, good, hc1, hc2, slow}) {
      if (b != null) {
        b.server.stop(0);
      }
    }
    if (tcpOpen != null) {
      tcpOpen.close();
    }
    if (grpc != null) {
      grpc.shutdownNow();
    }
    if (h2 != null) {
      h2.close();
    }
    if (echo != null) {
      echo.close();
    }
  }

  static String get(int port) throws Exception {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.headers().firstValue("x-backend").orElse("-");
  }

  static String healthFlags(String cluster, int port) throws Exception {
    String prefix = cluster + "::127.0.0.1:" + port + "::health_flags::";
    for (String line : javoy.admin("/clusters").split("\n")) {
      if (line.startsWith(prefix)) {
        return line.substring(prefix.length());
      }
    }
    return "(no host line " + prefix + ")";
  }

  static void await(BooleanSupplier condition, long timeoutMs, String what) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  static boolean flagsAre(String cluster, int port, String expected) {
    try {
      return healthFlags(cluster, port).equals(expected);
    } catch (Exception e) {
      return false;
    }
  }

  static long stat(String name) throws Exception {
    return ConfigTemplate.stat(javoy, name);
  }

  @Test
  void outlierDetectionEjectsA503BackendAndBringsItBack() throws Exception {
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      answers.add(get(odPort));
    }
    long badAnswers = answers.stream().filter(a -> a.equals("503 BAD")).count();
    assertTrue(badAnswers >= 3 && badAnswers <= 4, "3 consecutive 503s eject BAD: " + answers);
    assertEquals(List.of("200 GOOD"), answers.subList(10, 20).stream().distinct().toList(),
        "after the ejection every request goes to GOOD: " + answers);
    assertEquals(1, stat("cluster.od.outlier_detection.ejections_enforced_consecutive_5xx"));
    assertEquals(1, stat("cluster.od.outlier_detection.ejections_detected_consecutive_5xx"));
    assertEquals(1, stat("cluster.od.outlier_detection.ejections_enforced_total"));
    assertEquals(1, stat("cluster.od.outlier_detection.ejections_active"));
    assertEquals("/failed_outlier_check", healthFlags("od", bad.port()));
    assertEquals("healthy", healthFlags("od", good.port()));
    assertEquals(1, stat("cluster.od.membership_healthy"));
    long ejectedAt = System.currentTimeMillis();

    await(() -> flagsAre("od", bad.port(), "healthy"), 15_000, "BAD back after base_ejection_time");
    long ejectedFor = System.currentTimeMillis() - ejectedAt;
    assertTrue(ejectedFor >= 1500, "ejected for about base_ejection_time (3 s), was " + ejectedFor + " ms");
    assertEquals(0, stat("cluster.od.outlier_detection.ejections_active"));
    assertEquals(2, stat("cluster.od.membership_healthy"));

    bad.code.set(200);
    List<String> after = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      after.add(get(odPort));
    }
    assertTrue(after.contains("200 BAD"), "BAD takes traffic again: " + after);
  }

  /** One TCP connection through the tcp_proxy listener: whether "ping" came back. */
  static boolean tcpEchoes() {
    try (Socket s = new Socket("127.0.0.1", tcpPort)) {
      s.setSoTimeout(5000);
      s.getOutputStream().write("ping".getBytes());
      byte[] b = s.getInputStream().readNBytes(4);
      return new String(b).equals("ping");
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void outlierDetectionEjectsAHostTcpProxyCannotConnectTo() throws Exception {
    // Round robin over the closed port and the echo server: connections fail until two consecutive connect failures
    // eject the closed port. The ejection is decided on the main thread and reaches the workers' host sets a moment
    // later (as in Envoy), so on a busy machine a few more connections may still pick the closed port meanwhile.
    List<Boolean> results = new ArrayList<>();
    for (int i = 0; i < 40 && stat("cluster.od_tcp.outlier_detection.ejections_enforced_consecutive_5xx") == 0; i++) {
      results.add(tcpEchoes());
    }
    long failed = results.stream().filter(ok -> !ok).count();
    assertTrue(failed >= 2, "at least consecutive_5xx (2) connect failures before the ejection: " + results);
    assertEquals(1, stat("cluster.od_tcp.outlier_detection.ejections_enforced_consecutive_5xx"), results.toString());
    assertEquals("/failed_outlier_check", healthFlags("od_tcp", tcpOdClosed));
    assertEquals("healthy", healthFlags("od_tcp", echo.getLocalPort()));
    await(() -> tcpEchoes() && tcpEchoes() && tcpEchoes(), 10_000, "the workers route around the ejected port");
    List<Boolean> after = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      after.add(tcpEchoes());
    }
    assertEquals(List.of(true), after.stream().distinct().toList(), "every connection reaches the echo server: "
        + results + " then " + after);
    assertEquals(1, stat("cluster.od_tcp.outlier_detection.ejections_enforced_consecutive_5xx"));
  }

  @Test
  void httpHealthCheckMarksA503HealthzDownAndBackUp() throws Exception {
    assertEquals("healthy", healthFlags("hc_http", hc1.port()));
    assertEquals("hc_http", hc1.healthHost.get(), "the Host of health checks defaults to the cluster name");
    hc1.healthCode.set(503);
    await(() -> flagsAre("hc_http", hc1.port(), "/failed_active_hc"), 10_000, "HC1 marked down");
    assertEquals("healthy", healthFlags("hc_http", hc2.port()));
    for (int i = 0; i < 8; i++) {
      assertEquals("200 HC2", get(hcPort), "only the healthy host takes traffic");
    }
    assertTrue(stat("cluster.hc_http.health_check.failure") >= 1);
    assertEquals(1, stat("cluster.hc_http.health_check.healthy"));
    assertEquals(1, stat("cluster.hc_http.membership_healthy"));

    hc1.healthCode.set(200);
    await(() -> flagsAre("hc_http", hc1.port(), "healthy"), 10_000, "HC1 back up");
    assertEquals(2, stat("cluster.hc_http.membership_healthy"));
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      answers.add(get(hcPort));
    }
    assertTrue(answers.contains("200 HC1"), "HC1 takes traffic again: " + answers);
    assertTrue(stat("cluster.hc_http.health_check.attempt") >= stat("cluster.hc_http.health_check.success"));
  }

  @Test
  void tcpHealthCheckMarksAClosedPortDown() throws Exception {
    await(() -> flagsAre("hc_tcp", tcpClosed, "/failed_active_hc"), 10_000, "closed port down");
    assertEquals("healthy", healthFlags("hc_tcp", tcpOpen.getLocalPort()));
    assertEquals(1, stat("cluster.hc_tcp.health_check.healthy"));
    assertEquals(1, stat("cluster.hc_tcp.membership_healthy"));
    assertTrue(stat("cluster.hc_tcp.health_check.network_failure") >= 1);
  }

  @Test
  void grpcHealthCheckFollowsServingStatus() throws Exception {
    grpcStatus.set(2);
    await(() -> flagsAre("hc_grpc", grpc.getPort(), "/failed_active_hc"), 10_000, "NOT_SERVING is down");
    assertEquals("javoy.test", grpcService.get());
    assertEquals("grpc-authority.test", grpcAuthority.get());
    grpcStatus.set(1);
    await(() -> flagsAre("hc_grpc", grpc.getPort(), "healthy"), 10_000, "SERVING is up");
    grpcStatus.set(2);
    await(() -> flagsAre("hc_grpc", grpc.getPort(), "/failed_active_hc"), 10_000, "NOT_SERVING again");
    assertTrue(stat("cluster.hc_grpc.health_check.success") >= 1);
    assertTrue(stat("cluster.hc_grpc.health_check.failure") >= 2);
  }

  @Test
  void http2HealthChecksReuseTheirConnection() throws Exception {
    assertEquals("healthy", healthFlags("hc_h2", h2.port()));
    await(() -> h2.streams.get() >= 4, 10_000, "several checks");
    assertEquals(1, h2.connections.get(), "one connection for every check (reuse_connection)");
    assertTrue(stat("cluster.hc_h2.health_check.success") >= 3);
    assertEquals(0, stat("cluster.hc_h2.health_check.failure"));
  }

  @Test
  void aClusterWithHealthChecksIsNotServedBeforeItsFirstRound() throws Exception {
    long answered = slow.firstHealthAnsweredAt.get();
    assertTrue(answered > 0, "the first check was answered before javoy became ready");
    assertTrue(answered <= readyAtMillis, "ready at " + readyAtMillis + ", first check answered at " + answered);
    assertEquals("healthy", healthFlags("hc_slow", slow.port()), "no pending_active_hc once ready");
    assertTrue(stat("cluster.hc_slow.health_check.success") >= 1);
  }

  static final String HCM = """
      - filters:
        - name: envoy.filters.network.http_connection_manager
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
            stat_prefix: ${NAME}
            route_config:
              virtual_hosts:
              - name: all
                domains: ["*"]
                routes:
                - match: {prefix: "/"}
                  route: {cluster: ${NAME}}
            http_filters:
            - name: envoy.filters.http.router
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
      """;

  static String endpoint(String port) {
    return "        - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: " + port + "}}}\n";
  }

  static final String CONFIG = """
      admin:
        address: {socket_address: {address: 127.0.0.1, port_value: ${ADMIN}}}
      static_resources:
        listeners:
        - name: od
          address: {socket_address: {address: 127.0.0.1, port_value: ${OD_PORT}}}
          filter_chains:
      """ + HCM.replace("${NAME}", "od").indent(4) + """
        - name: hc_http
          address: {socket_address: {address: 127.0.0.1, port_value: ${HC_PORT}}}
          filter_chains:
      """ + HCM.replace("${NAME}", "hc_http").indent(4) + """
        - name: tcp
          address: {socket_address: {address: 127.0.0.1, port_value: ${TCP_PORT}}}
          filter_chains:
          - filters:
            - name: envoy.filters.network.tcp_proxy
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                stat_prefix: tcp
                cluster: od_tcp
        clusters:
        - name: od_tcp
          connect_timeout: 1s
          type: STATIC
          outlier_detection:
            consecutive_5xx: 2
            interval: 10s
            base_ejection_time: 60s
            max_ejection_percent: 100
          load_assignment:
            cluster_name: od_tcp
            endpoints:
            - lb_endpoints:
      """ + endpoint("${TCP_OD_CLOSED}") + endpoint("${ECHO}") + """
        - name: od
          connect_timeout: 1s
          type: STATIC
          lb_policy: ROUND_ROBIN
          outlier_detection:
            consecutive_5xx: 3
            interval: 0.5s
            base_ejection_time: 3s
            max_ejection_percent: 100
          load_assignment:
            cluster_name: od
            endpoints:
            - lb_endpoints:
      """ + endpoint("${BAD}") + endpoint("${GOOD}") + """
        - name: hc_http
          connect_timeout: 1s
          type: STATIC
          health_checks:
          - timeout: 2s
            interval: 0.3s
            no_traffic_interval: 0.3s
            unhealthy_threshold: 2
            healthy_threshold: 2
            http_health_check: {path: /healthz}
          load_assignment:
            cluster_name: hc_http
            endpoints:
            - lb_endpoints:
      """ + endpoint("${HC1}") + endpoint("${HC2}") + """
        - name: hc_tcp
          connect_timeout: 1s
          type: STATIC
          health_checks:
          - timeout: 2s
            interval: 0.3s
            no_traffic_interval: 0.3s
            unhealthy_threshold: 2
            healthy_threshold: 2
            tcp_health_check: {}
          load_assignment:
            cluster_name: hc_tcp
            endpoints:
            - lb_endpoints:
      """ + endpoint("${TCP_OPEN}") + endpoint("${TCP_CLOSED}") + """
        - name: hc_grpc
          connect_timeout: 1s
          type: STATIC
          http2_protocol_options: {}
          health_checks:
          - timeout: 2s
            interval: 0.3s
            no_traffic_interval: 0.3s
            unhealthy_threshold: 2
            healthy_threshold: 1
            grpc_health_check: {service_name: javoy.test, authority: grpc-authority.test}
          load_assignment:
            cluster_name: hc_grpc
            endpoints:
            - lb_endpoints:
      """ + endpoint("${GRPC}") + """
        - name: hc_slow
          connect_timeout: 1s
          type: STATIC
          health_checks:
          - timeout: 10s
            interval: 5s
            unhealthy_threshold: 2
            healthy_threshold: 2
            http_health_check: {path: /healthz}
          load_assignment:
            cluster_name: hc_slow
            endpoints:
            - lb_endpoints:
      """ + endpoint("${SLOW}") + """
        - name: hc_h2
          connect_timeout: 1s
          type: STATIC
          health_checks:
          - timeout: 5s
            interval: 0.3s
            no_traffic_interval: 0.3s
            unhealthy_threshold: 2
            healthy_threshold: 2
            http_health_check: {path: /healthz, codec_client_type: HTTP2}
          load_assignment:
            cluster_name: hc_h2
            endpoints:
            - lb_endpoints:
      """ + endpoint("${H2}");
}
