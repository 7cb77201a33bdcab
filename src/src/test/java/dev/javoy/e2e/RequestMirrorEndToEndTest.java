package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Envoy's {@code request_mirror_policies} through a javoy process: the fraction is exact to ±2% over 10,000
 * requests, the shadow gets {@code host: <host>-shadow} and the body, and a slow or failing shadow neither slows
 * nor fails the main request (its failures count in the shadow cluster only).
 */
class RequestMirrorEndToEndTest {
  @TempDir
  static Path dir;
  static HttpServer main;
  static HttpServer shadow;
  static HttpServer slowShadow;
  static JavoyProcess javoy;
  static int httpPort;
  /** A shadow backend that accepts connections and never reads from them. */
  static java.net.ServerSocket stalled;
  static final java.util.List<java.net.Socket> stalledConnections = new java.util.concurrent.CopyOnWriteArrayList<>();
  static final AtomicInteger fractionSeen = new AtomicInteger();
  /** "host|path|body" of every request the recording shadow got (other than the fraction test's). */
  static final ConcurrentLinkedQueue<String> recorded = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void start() throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    main = TestBackends.http("M");
    shadow = server(ex -> {
      byte[] body = ex.getRequestBody().readAllBytes();
      String path = ex.getRequestURI().getPath();
      if (path.startsWith("/frac")) {
        fractionSeen.incrementAndGet();
      } else {
        recorded.add(ex.getRequestHeaders().getFirst("Host") + "|" + path + "|"
            + new String(body, StandardCharsets.UTF_8));
      }
      ex.sendResponseHeaders(500, -1); // a shadow's answer never reaches the client
    });
    slowShadow = server(ex -> {
      ex.getRequestBody().readAllBytes();
      try {
        Thread.sleep(4000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ex.sendResponseHeaders(200, -1);
    });
    stalled = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> {
      while (!stalled.isClosed()) {
        try {
          stalledConnections.add(stalled.accept());
        } catch (IOException e) {
          return;
        }
      }
    }, "stalled-shadow");
    acceptor.setDaemon(true);
    acceptor.start();
    int admin = JavoyProcess.freePort();
    httpPort = JavoyProcess.freePort();
    Path config = ConfigTemplate.write(CONFIG, Map.of("ADMIN", Integer.toString(admin),
        "HTTP", Integer.toString(httpPort),
        "MAIN", Integer.toString(main.getAddress().getPort()),
        "SHADOW", Integer.toString(shadow.getAddress().getPort()),
        "SLOW", Integer.toString(slowShadow.getAddress().getPort()),
        "STALLED", Integer.toString(stalled.getLocalPort()),
        "CLOSED", Integer.toString(JavoyProcess.freePort())), dir);
    javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "2", "-l", "warning");
  }

  static HttpServer server(TestBackends.Handler h) throws IOException {
    return TestBackends.http("shadow-backend", 16, h);
  }

  @AfterAll
  static void stop() throws Exception {
    if (javoy != null) {
      javoy.close();
    }
    main.stop(0);
    shadow.stop(0);
    slowShadow.stop(0);
    stalled.close();
    for (java.net.Socket s : stalledConnections) {
      s.close();
    }
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + httpPort + path;
  }

  @Test
  void fractionIsExactWithinTwoPercentOverTenThousandRequests() throws Exception {
    int total = 10_000;
    long shadow500Before = ConfigTemplate.stat(javoy, "cluster.shadow.upstream_rq_500");
    long main200Before = ConfigTemplate.stat(javoy, "cluster.main.upstream_rq_200");
    int seenBefore = fractionSeen.get();
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    AtomicInteger ok = new AtomicInteger();
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int from = t;
        fs.add(pool.submit(() -> {
          for (int i = from; i < total; i += 8) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url("/frac/" + i)))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
              ok.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(total, ok.get(), "every main request succeeds whatever the shadow answers");
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline
        && ConfigTemplate.stat(javoy, "cluster.shadow.upstream_rq_active") != 0) {
      Thread.sleep(100);
    }
    int seen = fractionSeen.get() - seenBefore;
    double share = seen / (double) total;
    assertTrue(share > 0.23 && share < 0.27, "25% ± 2% mirrored, got " + seen + " of " + total);
    assertEquals(total, ConfigTemplate.stat(javoy, "cluster.main.upstream_rq_200") - main200Before);
    assertEquals(seen, ConfigTemplate.stat(javoy, "cluster.shadow.upstream_rq_500") - shadow500Before,
        "the shadow's 500s count in the shadow cluster");
  }

  @Test
  void shadowGetsSuffixedHostHeadersAndBody() throws Exception {
    Curl.Result r = Curl.run("-X", "POST", "-H", "Host: svc.example:8080", "-H", "x-test: keep",
        "--data-binary", "mirror me", url("/full/a"));
    assertEquals(200, r.status());
    assertEquals("M POST /full/a host=svc.example:8080 body=mirror me", r.body());
    String got = awaitRecorded("/full/a");
    assertEquals("svc.example-shadow:8080|/full/a|mirror me", got);

    r = Curl.run("-H", "Host: plain", url("/nosuffix/b"));
    assertEquals(200, r.status());
    assertEquals("plain|/nosuffix/b|", awaitRecorded("/nosuffix/b"), "disable_shadow_host_suffix_append");

    r = Curl.run("-H", "x-mirror-to: shadow", url("/byheader/c"));
    assertEquals(200, r.status());
    assertEquals("127.0.0.1-shadow:" + httpPort + "|/byheader/c|", awaitRecorded("/byheader/c"), "cluster_header");
    r = Curl.run("-H", "x-mirror-to: nope", url("/byheader/d"));
    assertEquals(200, r.status(), "an unknown mirror cluster is skipped");
  }

  @Test
  void http2RequestsAreMirroredToo() throws Exception {
    try (RawH2Connection c = RawH2Connection.open(httpPort)) {
      assertEquals(200, c.get(1, "/full/h2"));
    }
    assertEquals("localhost-shadow|/full/h2|", awaitRecorded("/full/h2"));
  }

  @Test
  void largeBodyIsMirroredAsItStreams() throws Exception {
    Path big = dir.resolve("big.txt");
    String text = "0123456789abcdef".repeat(64 * 1024); // 1 MiB, past the 64 KiB listener buffer limit
    Files.writeString(big, text);
    Curl.Result r = Curl.run("-X", "POST", "-H", "Expect:", "--data-binary", "@" + big, url("/full/big"));
    assertEquals(200, r.status());
    assertTrue(r.body().endsWith(text.substring(text.length() - 64)));
    String got = awaitRecorded("/full/big");
    assertEquals(text.length(), got.length() - got.indexOf("|/full/big|") - "|/full/big|".length());
  }

  @Test
  void slowOrFailingShadowDoesNotSlowOrFailTheMainRequest() throws Exception {
    long failBefore = ConfigTemplate.stat(javoy, "cluster.closed.upstream_cx_connect_fail");
    for (int i = 0; i < 5; i++) {
      long start = System.nanoTime();
      Curl.Result r = Curl.run("-X", "POST", "--data-binary", "hi", url("/lag/" + i));
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertEquals(200, r.status(), r.body());
      assertEquals("M POST /lag/" + i + " host=127.0.0.1:" + httpPort + " body=hi", r.body());
      assertTrue(ms < 3000, "the 4 s shadow did not hold the main response: " + ms + " ms");
    }
    assertTrue(ConfigTemplate.awaitStat(javoy, "cluster.closed.upstream_cx_connect_fail", failBefore + 5)
        >= failBefore + 5, "the failing shadow's connect failures count in its own cluster");
    assertEquals(0, ConfigTemplate.stat(javoy, "http.mirror.downstream_rq_5xx"));
  }

  @Test
  void aShadowThatDoesNotReadIsGivenUpPastTheBufferLimit() throws Exception {
    Path big = dir.resolve("stall.bin");
    Files.write(big, new byte[16 << 20]);
    long start = System.nanoTime();
    Curl.Result r = Curl.run("-X", "POST", "-H", "Expect:", "--data-binary", "@" + big, "-o", "/dev/null",
        url("/stall/a"));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertEquals(200, r.status());
    assertTrue(ms < 15_000, "the stalled shadow did not hold the main request: " + ms + " ms");
    // the backend never answers and the route timeout is 15 s: the shadow ends early only by being given up
    // (reset, or withdrawn from the pool if its connection was not up yet)
    assertTrue(ConfigTemplate.awaitStat(javoy, "cluster.stalled.upstream_rq_completed", 1) >= 1,
        "the shadow was given up once its backlog passed the buffer limit");
    assertEquals(0, ConfigTemplate.stat(javoy, "cluster.stalled.upstream_rq_active"));
  }

  private static String awaitRecorded(String path) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      for (String s : recorded) {
        if (s.contains("|" + path + "|")) {
          return s;
        }
      }
      Thread.sleep(25);
    }
    throw new AssertionError("the shadow never got " + path + ": " + recorded);
  }

  private static final String CONFIG = """
      admin:
        address: {socket_address: {address: 127.0.0.1, port_value: ${ADMIN}}}
      static_resources:
        listeners:
        - name: http
          address: {socket_address: {address: 127.0.0.1, port_value: ${HTTP}}}
          per_connection_buffer_limit_bytes: 65536
          filter_chains:
          - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: mirror
                route_config:
                  name: mirror
                  virtual_hosts:
                  - name: mirror
                    domains: ["*"]
                    routes:
                    - match: {prefix: /frac/}
                      route:
                        cluster: main
                        request_mirror_policies:
                        - cluster: shadow
                          runtime_fraction:
                            default_value: {numerator: 25, denominator: HUNDRED}
                            runtime_key: mirror.frac
                    - match: {prefix: /full/}
                      route:
                        cluster: main
                        request_mirror_policies: [{cluster: shadow}]
                    - match: {prefix: /nosuffix/}
                      route:
                        cluster: main
                        request_mirror_policies: [{cluster: shadow, disable_shadow_host_suffix_append: true}]
                    - match: {prefix: /byheader/}
                      route:
                        cluster: main
                        request_mirror_policies: [{cluster_header: x-mirror-to}]
                    - match: {prefix: /stall/}
                      route:
                        cluster: main
                        request_mirror_policies: [{cluster: stalled}]
                    - match: {prefix: /lag/}
                      route:
                        cluster: main
                        timeout: 10s
                        request_mirror_policies: [{cluster: slow}, {cluster: closed}]
                http_filters:
                - name: envoy.filters.http.router
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
        clusters:
        - name: main
          type: STATIC
          connect_timeout: 1s
          load_assignment:
            cluster_name: main
            endpoints:
            - lb_endpoints:
              - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${MAIN}}}}
        - name: shadow
          type: STATIC
          connect_timeout: 1s
          load_assignment:
            cluster_name: shadow
            endpoints:
            - lb_endpoints:
              - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${SHADOW}}}}
        - name: slow
          type: STATIC
          connect_timeout: 1s
          load_assignment:
            cluster_name: slow
            endpoints:
            - lb_endpoints:
              - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${SLOW}}}}
        - name: stalled
          type: STATIC
          connect_timeout: 1s
          load_assignment:
            cluster_name: stalled
            endpoints:
            - lb_endpoints:
              - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${STALLED}}}}
        - name: closed
          type: STATIC
          connect_timeout: 1s
          load_assignment:
            cluster_name: closed
            endpoints:
            - lb_endpoints:
              - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${CLOSED}}}}
      """;
}
