package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upstream load balancing through a javoy process with three backends that name themselves: a header hash
 * policy on RING_HASH and on a MAGLEV {@code load_balancing_policy} (each value sticks to one backend, values
 * spread over all three), a cookie hash policy with a ttl (Set-Cookie, then stickiness), and weighted round robin
 * 1:2:3.
 */
class LoadBalancingEndToEndTest {
  @TempDir
  static Path dir;
  static HttpServer a;
  static HttpServer b;
  static HttpServer c;
  static JavoyProcess javoy;
  static int httpPort;
  static int tcpPort;
  static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    a = TestBackends.http("A");
    b = TestBackends.http("B");
    c = TestBackends.http("C");
    int admin = JavoyProcess.freePort();
    httpPort = JavoyProcess.freePort();
    tcpPort = JavoyProcess.freePort();
    String yaml = CONFIG.replace("${ADMIN}", Integer.toString(admin))
        .replace("${HTTP}", Integer.toString(httpPort))
        .replace("${TCP}", Integer.toString(tcpPort))
        .replace("${A}", Integer.toString(a.getAddress().getPort()))
        .replace("${B}", Integer.toString(b.getAddress().getPort()))
        .replace("${C}", Integer.toString(c.getAddress().getPort()));
    Path config = dir.resolve("envoy.yaml");
    Files.writeString(config, yaml);
    javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "2", "-l", "warning");
  }

  @AfterAll
  static void stop() throws Exception {
    if (javoy != null) {
      javoy.close();
    }
    a.stop(0);
    b.stop(0);
    c.stop(0);
  }

  private static HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
        .timeout(Duration.ofSeconds(20));
    if (headers.length > 0) {
      r.headers(headers);
    }
    HttpResponse<String> resp = client.send(r.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, resp.statusCode(), resp.body());
    return resp;
  }

  private static String backend(HttpResponse<String> r) {
    return r.headers().firstValue("x-backend").orElseThrow();
  }

  private static void headerHashSticksAndSpreads(String prefix) throws Exception {
    Map<String, Integer> perBackend = new HashMap<>();
    for (int i = 0; i < 100; i++) {
      String user = "user-" + i;
      String first = backend(get(prefix + i, "x-user", user));
      for (int k = 0; k < 3; k++) {
        assertEquals(first, backend(get(prefix + i + "/" + k, "x-user", user)), "value " + user);
      }
      perBackend.merge(first, 1, Integer::sum);
    }
    assertEquals(3, perBackend.size(), "100 values reach all three backends: " + perBackend);
    for (int n : perBackend.values()) {
      assertTrue(n >= 10, "each backend gets a fair share: " + perBackend);
    }
  }

  @Test
  void ringHashHeaderPolicy() throws Exception {
    headerHashSticksAndSpreads("/ring/");
    // 3 equal hosts, minimum 1024: the lightest host needs a whole 342 points, so 1026
    String stats = javoy.admin("/stats?filter=cluster.ring.ring_hash_lb");
    assertTrue(stats.contains("cluster.ring.ring_hash_lb.size: 1026"), stats);
    assertTrue(stats.contains("cluster.ring.ring_hash_lb.min_hashes_per_host: 342"), stats);
    assertTrue(stats.contains("cluster.ring.ring_hash_lb.max_hashes_per_host: 342"), stats);
  }

  @Test
  void maglevHeaderPolicy() throws Exception {
    headerHashSticksAndSpreads("/maglev/");
    String stats = javoy.admin("/stats?filter=cluster.maglev.maglev_lb");
    assertTrue(stats.contains("cluster.maglev.maglev_lb.min_entries_per_host: 336"), stats);
    assertTrue(stats.contains("cluster.maglev.maglev_lb.max_entries_per_host: 337"), stats);
  }

  @Test
  void cookiePolicyWithTtlSetsACookieThenSticks() throws Exception {
    Curl.Result first = Curl.run("http://127.0.0.1:" + httpPort + "/cookie/x");
    assertEquals(200, first.status());
    String setCookie = first.header("set-cookie");
    assertNotNull(setCookie, first.headers());
    Matcher m = Pattern.compile("^sticky=\"([0-9a-f]{16})\"; Max-Age=3600; Path=/cookie; HttpOnly$").matcher(setCookie);
    assertTrue(m.matches(), setCookie);
    String backend = first.header("x-backend");
    for (int i = 0; i < 20; i++) {
      Curl.Result r = Curl.run("-H", "Cookie: sticky=\"" + m.group(1) + "\"",
          "http://127.0.0.1:" + httpPort + "/cookie/" + i);
      assertEquals(backend, r.header("x-backend"));
      assertNull(r.header("set-cookie"), "a request with the cookie gets no new one");
    }
    // different cookie values spread over the backends
    Map<String, Integer> perBackend = new HashMap<>();
    for (int i = 0; i < 60; i++) {
      perBackend.merge(backend(get("/cookie/v" + i, "cookie", "sticky=v" + i)), 1, Integer::sum);
    }
    assertEquals(3, perBackend.size(), perBackend.toString());
  }

  @Test
  void weightedRoundRobinOneTwoThree() throws Exception {
    Map<String, Integer> perBackend = new HashMap<>();
    for (int i = 0; i < 600; i++) {
      perBackend.merge(backend(get("/wrr/" + i)), 1, Integer::sum);
    }
    assertEquals(100, perBackend.get("A"), 5, perBackend.toString());
    assertEquals(200, perBackend.get("B"), 10, perBackend.toString());
    assertEquals(300, perBackend.get("C"), 15, perBackend.toString());
    assertTrue(javoy.admin("/stats?filter=cluster.wrr.max_host_weight").contains("cluster.wrr.max_host_weight: 3"));
  }

  @Test
  void priorityLoadSpillsByOverprovisioningAndLocalitiesSplitByWeight() throws Exception {
    // P0: A healthy, B UNHEALTHY (health min(100, 1.4 × 1/2) = 70%); P1: C takes the other 30%
    Map<String, Integer> perBackend = new HashMap<>();
    for (int i = 0; i < 400; i++) {
      perBackend.merge(backend(get("/prio/" + i)), 1, Integer::sum);
    }
    assertNull(perBackend.get("B"), perBackend.toString());
    assertEquals(280, perBackend.get("A"), 45, perBackend.toString());
    assertEquals(120, perBackend.get("C"), 45, perBackend.toString());
    // locality zone-a (weight 1: A) against zone-b (weight 3: B, C)
    perBackend.clear();
    for (int i = 0; i < 400; i++) {
      perBackend.merge(backend(get("/zones/" + i)), 1, Integer::sum);
    }
    assertEquals(100, perBackend.get("A"), 10, perBackend.toString());
    assertEquals(300, perBackend.get("B") + perBackend.get("C"), 10, perBackend.toString());
  }

  @Test
  void tcpProxySourceIpHashSticks() throws Exception {
    Map<String, Integer> perBackend = new HashMap<>();
    for (int i = 0; i < 12; i++) {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", tcpPort)) {
        s.setSoTimeout(20_000);
        s.getOutputStream().write(("GET /tcp/" + i + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String response = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        Matcher m = Pattern.compile("(?im)^x-backend: (\\w+)").matcher(response);
        assertTrue(m.find(), response);
        perBackend.merge(m.group(1), 1, Integer::sum);
      }
    }
    assertEquals(1, perBackend.size(), "every connection from 127.0.0.1 goes to one backend: " + perBackend);
  }

  private static final String CONFIG = """
      admin:
        address: {socket_address: {address: 127.0.0.1, port_value: ${ADMIN}}}
      static_resources:
        listeners:
        - name: http
          address: {socket_address: {address: 127.0.0.1, port_value: ${HTTP}}}
          filter_chains:
          - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: lb
                route_config:
                  name: lb
                  virtual_hosts:
                  - name: lb
                    domains: ["*"]
                    routes:
                    - match: {prefix: /ring/}
                      route:
                        cluster: ring
                        hash_policy:
                        - header: {header_name: x-user}
                    - match: {prefix: /maglev/}
                      route:
                        cluster: maglev
                        hash_policy:
                        - header: {header_name: x-user}
                    - match: {prefix: /cookie/}
                      route:
                        cluster: ring
                        hash_policy:
                        - cookie: {name: sticky, ttl: 3600s, path: /cookie}
                    - match: {prefix: /wrr/}
                      route: {cluster: wrr}
                    - match: {prefix: /prio/}
                      route: {cluster: prio}
                    - match: {prefix: /zones/}
                      route: {cluster: zones}
                http_filters:
                - name: envoy.filters.http.router
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
        - name: tcp
          address: {socket_address: {address: 127.0.0.1, port_value: ${TCP}}}
          filter_chains:
          - filters:
            - name: envoy.filters.network.tcp_proxy
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                stat_prefix: tcp
                cluster: ring
                hash_policy:
                - source_ip: {}
        clusters:
        - name: ring
          connect_timeout: 1s
          lb_policy: RING_HASH
          ring_hash_lb_config: {minimum_ring_size: 1024}
          load_assignment:
            cluster_name: ring
            endpoints:
            - lb_endpoints:
              - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${A}}}}
              - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${B}}}}
              - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${C}}}}
        - name: maglev
          connect_timeout: 1s
          load_balancing_policy:
            policies:
            - typed_extension_config:
                name: envoy.load_balancing_policies.client_side_weighted_round_robin
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.load_balancing_policies.client_side_weighted_round_robin.v3.ClientSideWeightedRoundRobin
            - typed_extension_config:
                name: envoy.load_balancing_policies.maglev
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.load_balancing_policies.maglev.v3.Maglev
                  table_size: 1009
          load_assignment:
            cluster_name: maglev
            endpoints:
            - lb_endpoints:
              - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${A}}}}
              - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${B}}}}
              - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${C}}}}
        - name: prio
          connect_timeout: 1s
          load_assignment:
            cluster_name: prio
            endpoints:
            - lb_endpoints:
              - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${A}}}}
              - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${B}}}}
                health_status: UNHEALTHY
            - priority: 1
              lb_endpoints:
              - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${C}}}}
        - name: zones
          connect_timeout: 1s
          common_lb_config: {locality_weighted_lb_config: {}}
          load_assignment:
            cluster_name: zones
            endpoints:
            - locality: {zone: zone-a}
              load_balancing_weight: 1
              lb_endpoints:
              - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${A}}}}
            - locality: {zone: zone-b}
              load_balancing_weight: 3
              lb_endpoints:
              - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${B}}}}
              - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${C}}}}
        - name: wrr
          connect_timeout: 1s
          lb_policy: ROUND_ROBIN
          load_assignment:
            cluster_name: wrr
            endpoints:
            - lb_endpoints:
              - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${A}}}}
                load_balancing_weight: 1
              - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${B}}}}
                load_balancing_weight: 2
              - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${C}}}}
                load_balancing_weight: 3
      """;
}
