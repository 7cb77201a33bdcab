package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Envoy v1.34's header sanitizing through a javoy process, with curl sending every {@code x-envoy-*} request header
 * Envoy cares about and a backend that echoes what reached it:
 * <ul>
 *   <li>{@code edge}: {@code use_remote_address}, no {@code internal_address_config}: since Envoy 1.33 no address is
 *       internal by default, not even loopback, so a local client is an edge client.</li>
 *   <li>{@code trusting}: {@code use_remote_address}, {@code xff_num_trusted_hops: 1}, loopback internal by
 *       {@code internal_address_config}: a local client without {@code x-forwarded-for} is internal; one with it is
 *       external, its address the header's last entry.</li>
 *   <li>{@code sidecar}: {@code use_remote_address: false}, {@code internal_address_config: {}} (RFC 1918), the route
 *       configuration's {@code internal_only_headers}: internal only with a single internal {@code x-forwarded-for}
 *       address; otherwise external but not an edge request.</li>
 * </ul>
 */
class HeaderSanitizingEndToEndTest {
  /** Removed from every request that is not internal (Envoy v1.34's cleanInternalHeaders). */
  static final List<String> ALWAYS = List.of("x-envoy-retriable-status-codes", "x-envoy-retriable-header-names",
      "x-envoy-retry-on", "x-envoy-retry-grpc-on", "x-envoy-max-retries", "x-envoy-upstream-alt-stat-name",
      "x-envoy-expected-rq-timeout-ms", "x-envoy-force-trace",
      "x-envoy-ip-tags", "x-envoy-original-url", "x-envoy-hedge-on-per-try-timeout");
  /** Also removed, and on an internal request consumed by the router (Envoy's FilterUtility::finalTimeout). */
  static final List<String> TIMEOUTS = List.of("x-envoy-upstream-rq-timeout-ms",
      "x-envoy-upstream-rq-per-try-timeout-ms", "x-envoy-upstream-rq-timeout-alt-response");
  /** Removed from edge requests only. */
  static final List<String> EDGE_ONLY = List.of("x-envoy-decorator-operation", "x-envoy-downstream-service-cluster",
      "x-envoy-downstream-service-node");

  @TempDir
  static Path dir;
  static HttpServer backend;
  static JavoyProcess javoy;
  static int edge;
  static int trusting;
  static int sidecar;
  static int agent;
  static Path accessLog;
  static final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    backend = TestBackends.http("echo-headers", 4, ex -> {
      String path = ex.getRequestURI().getPath();
      if (path.startsWith("/sleep/")) {
        try {
          Thread.sleep(1500);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      // /flaky/<id>: the first request with that id answers 503
      if (path.startsWith("/flaky/")
          && attempts.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet() == 1) {
        ex.sendResponseHeaders(503, -1);
        return;
      }
      StringBuilder sb = new StringBuilder();
      for (var e : ex.getRequestHeaders().entrySet()) {
        for (String v : e.getValue()) {
          sb.append(e.getKey().toLowerCase(Locale.ROOT)).append(": ").append(v).append('\n');
        }
      }
      byte[] out = sb.toString().getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, out.length);
      ex.getResponseBody().write(out);
    });
    int admin = JavoyProcess.freePort();
    edge = JavoyProcess.freePort();
    trusting = JavoyProcess.freePort();
    sidecar = JavoyProcess.freePort();
    agent = JavoyProcess.freePort();
    accessLog = dir.resolve("trusting.log");
    Path config = ConfigTemplate.write(CONFIG, Map.of("ADMIN", "" + admin, "EDGE", "" + edge,
        "TRUSTING", "" + trusting, "SIDECAR", "" + sidecar, "AGENT", "" + agent, "BACKEND", "" + backend.getAddress().getPort(),
        "ACCESS_LOG", accessLog.toString()), dir);
    javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "1", "-l", "warning",
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
  }

  /** curl's arguments sending every x-envoy-* header with the value "client", then {@code extra}. */
  static List<String> everyHeader(String... extra) {
    List<String> args = new ArrayList<>();
    for (List<String> names : List.of(ALWAYS, TIMEOUTS, EDGE_ONLY)) {
      for (String n : names) {
        args.add("-H");
        args.add(n + ": " + value(n));
      }
    }
    for (String h : new String[] {"x-envoy-internal: true", "x-envoy-external-address: 6.6.6.6",
        "x-tenant-admin: yes", "x-envoy-peer-metadata-id: client-peer"}) {
      args.add("-H");
      args.add(h);
    }
    args.addAll(List.of(extra));
    return args;
  }

  /** A value that means something where Envoy reads it (timeouts, retries) and is harmless otherwise. */
  static String value(String name) {
    return switch (name) {
      case "x-envoy-upstream-rq-timeout-ms", "x-envoy-upstream-rq-per-try-timeout-ms",
          "x-envoy-expected-rq-timeout-ms" -> "30000";
      case "x-envoy-max-retries" -> "1";
      case "x-envoy-retry-on" -> "5xx";
      case "x-envoy-retry-grpc-on" -> "unavailable";
      case "x-envoy-retriable-status-codes" -> "418";
      case "x-envoy-hedge-on-per-try-timeout" -> "false";
      default -> "client";
    };
  }

  /** What the backend received, by lower-case name (values of repeated names joined by ","). */
  static Map<String, String> seen(Curl.Result r) {
    assertEquals(200, r.status(), r.headers() + "\n" + r.body());
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : r.body().split("\n")) {
      int c = line.indexOf(": ");
      if (c > 0) {
        m.merge(line.substring(0, c), line.substring(c + 2), (a, b) -> a + "," + b);
      }
    }
    return m;
  }

  static Map<String, String> send(int port, String path, String... extra) throws Exception {
    List<String> args = everyHeader(extra);
    args.add("http://127.0.0.1:" + port + path);
    return seen(Curl.run(args.toArray(new String[0])));
  }

  static void assertNone(Map<String, String> up, List<String> names, String why) {
    for (String n : names) {
      if (n.equals("x-envoy-expected-rq-timeout-ms")) {
        // the client's 30000 is gone; the router writes its own, the route's 15 s (Envoy's setTimeoutHeaders)
        assertEquals("15000", up.get(n), n + ": " + why + " " + up);
        continue;
      }
      assertNull(up.get(n), n + ": " + why + " " + up);
    }
  }

  static void assertAll(Map<String, String> up, List<String> names, String why) {
    for (String n : names) {
      assertEquals(value(n), up.get(n), n + ": " + why + " " + up);
    }
  }

  @Test
  void addUserAgentSetsTheLocalNodesClusterAndNameAfterTheEdgeCleaning() throws Exception {
    for (String http : new String[] {"--http1.1", "--http2-prior-knowledge"}) {
      // the client's downstream-service-cluster/-node are edge-only headers: cleaned, then the node's own set
      Map<String, String> up = send(agent, "/agent", http, "-H", "user-agent: client-agent");
      assertEquals("ratings.default", up.get("x-envoy-downstream-service-cluster"), http + " " + up);
      assertEquals("sidecar~10.0.0.7~ratings-v1.default~default.svc.cluster.local",
          up.get("x-envoy-downstream-service-node"), http + " " + up);
      assertEquals("client-agent", up.get("user-agent"), http + ": a client's user-agent stays");
      // no user-agent (curl's own suppressed), then an empty one: both become the cluster name
      for (String ua : new String[] {"user-agent:", "user-agent;"}) {
        up = send(agent, "/agent", http, "-H", ua);
        assertEquals("ratings.default", up.get("user-agent"), http + " " + ua + " " + up);
      }
    }
  }

  @Test
  void loopbackIsExternalByDefaultSoAnEdgeRequestLosesThemAll() throws Exception {
    for (String http : new String[] {"--http1.1", "--http2-prior-knowledge"}) {
      Map<String, String> up = send(edge, "/edge", http);
      assertNone(up, ALWAYS, http + " edge");
      assertNone(up, TIMEOUTS, http + " edge");
      assertNone(up, EDGE_ONLY, http + " edge");
      assertNull(up.get("x-envoy-internal"), http);
      assertEquals("127.0.0.1", up.get("x-envoy-external-address"), http + ": the edge's trusted client address");
      assertEquals("yes", up.get("x-tenant-admin"), "not an internal_only_header of this route configuration");
      assertEquals("client-peer", up.get("x-envoy-peer-metadata-id"), "not one Envoy sanitizes");
      assertEquals(LOCAL_ADDRESS, up.get("x-forwarded-for"),
          "a loopback peer: Envoy appends the server's local address, not 127.0.0.1");
    }
  }

  @Test
  void anInternalAddressKeepsThemAndIsMarkedInternal() throws Exception {
    for (String http : new String[] {"--http1.1", "--http2-prior-knowledge"}) {
      Map<String, String> up = send(trusting, "/internal", http);
      assertEquals("true", up.get("x-envoy-internal"), http);
      List<String> kept = new ArrayList<>(ALWAYS);
      kept.remove("x-envoy-expected-rq-timeout-ms"); // the router writes its own (Envoy's setTimeoutHeaders)
      kept.remove("x-envoy-upstream-alt-stat-name"); // the router consumes it (Envoy's alt stats; javoy has none)
      assertAll(up, kept, http + " internal");
      assertNull(up.get("x-envoy-upstream-alt-stat-name"), http + ": consumed by the router");
      assertAll(up, EDGE_ONLY, http + " internal");
      assertNone(up, TIMEOUTS, http + ": the router consumes them (Envoy's finalTimeout)");
      assertTrue(up.containsKey("x-envoy-expected-rq-timeout-ms"), up.toString());
      assertEquals("6.6.6.6", up.get("x-envoy-external-address"), "Envoy leaves an internal request's as it came");
    }
  }

  @Test
  void aClientBehindATrustedHopIsExternal() throws Exception {
    Map<String, String> up = send(trusting, "/via-proxy", "-H", "x-forwarded-for: 198.51.100.4");
    assertNone(up, ALWAYS, "x-forwarded-for came");
    assertNone(up, EDGE_ONLY, "an edge request");
    assertNull(up.get("x-envoy-internal"));
    assertEquals("198.51.100.4", up.get("x-envoy-external-address"), "the last hop is trusted: its client");
    assertEquals("198.51.100.4," + LOCAL_ADDRESS, up.get("x-forwarded-for"));

    // even an internal address in the header: with use_remote_address any x-forwarded-for makes it external
    up = send(trusting, "/via-internal-proxy", "-H", "x-forwarded-for: 10.0.0.1");
    assertNone(up, ALWAYS, "x-forwarded-for came");
    assertEquals("10.0.0.1", up.get("x-envoy-external-address"));
  }

  @Test
  void aSidecarWithoutXffTreatsEvenLoopbackAsExternalButNotEdge() throws Exception {
    Map<String, String> up = send(sidecar, "/no-xff");
    assertNone(up, ALWAYS, "no x-forwarded-for: external");
    assertNone(up, TIMEOUTS, "no x-forwarded-for: external");
    assertAll(up, EDGE_ONLY, "not an edge request (use_remote_address false)");
    assertNull(up.get("x-envoy-internal"));
    assertEquals("6.6.6.6", up.get("x-envoy-external-address"), "set only at the edge, and not removed");
    assertNull(up.get("x-tenant-admin"), "the route configuration's internal_only_headers go");
  }

  @Test
  void aSidecarTrustsASingleInternalXffAddress() throws Exception {
    Map<String, String> up = send(sidecar, "/xff-internal", "-H", "x-forwarded-for: 10.1.2.3");
    assertEquals("true", up.get("x-envoy-internal"));
    List<String> kept = new ArrayList<>(ALWAYS);
    kept.remove("x-envoy-expected-rq-timeout-ms");
    kept.remove("x-envoy-upstream-alt-stat-name");
    assertAll(up, kept, "internal");
    assertNull(up.get("x-envoy-upstream-alt-stat-name"), "consumed by the router");
    assertAll(up, EDGE_ONLY, "internal");
    assertEquals("yes", up.get("x-tenant-admin"), "internal_only_headers stay on internal requests");

    up = send(sidecar, "/xff-two", "-H", "x-forwarded-for: 10.1.2.3, 10.4.5.6");
    assertNone(up, ALWAYS, "two addresses: external");
    assertNull(up.get("x-tenant-admin"));
    up = send(sidecar, "/xff-public", "-H", "x-forwarded-for: 8.8.8.8");
    assertNone(up, ALWAYS, "a public address: external");
    up = send(sidecar, "/xff-repeated", "-H", "x-forwarded-for: 10.1.2.3", "-H", "x-forwarded-for: 8.8.8.8");
    assertNone(up, ALWAYS, "two x-forwarded-for headers are two addresses to Envoy: external");
  }

  @Test
  void theRouterHonoursRetryHeadersOnlyWhereTheyWereLeft() throws Exception {
    Curl.Result internal = Curl.run("-H", "x-envoy-retry-on: 5xx", "http://127.0.0.1:" + trusting + "/flaky/a");
    assertEquals(200, internal.status(), "an internal request's x-envoy-retry-on retries the 503");
    assertEquals(2, attempts.get("/flaky/a").get());
    Curl.Result external = Curl.run("-H", "x-envoy-retry-on: 5xx", "http://127.0.0.1:" + edge + "/flaky/b");
    assertEquals(503, external.status(), "an edge request's x-envoy-retry-on is gone before the router");
    assertEquals(1, attempts.get("/flaky/b").get());
    Curl.Result sidecarExternal = Curl.run("-H", "x-envoy-retry-on: 5xx", "http://127.0.0.1:" + sidecar + "/flaky/c");
    assertEquals(503, sidecarExternal.status());
    Curl.Result sidecarInternal = Curl.run("-H", "x-envoy-retry-on: 5xx", "-H", "x-forwarded-for: 192.168.7.7",
        "http://127.0.0.1:" + sidecar + "/flaky/d");
    assertEquals(200, sidecarInternal.status());
    assertFalse(attempts.get("/flaky/d").get() < 2);
  }

  @Test
  void theRouterHonoursTimeoutHeadersOnlyWhereTheyWereLeft() throws Exception {
    String[] timeout = {"-H", "x-envoy-upstream-rq-timeout-ms: 300"};
    Curl.Result internal = Curl.run(timeout[0], timeout[1], "http://127.0.0.1:" + trusting + "/sleep/a");
    assertEquals(504, internal.status(), "an internal request's x-envoy-upstream-rq-timeout-ms: 300 ms");
    assertEquals("upstream request timeout", internal.body());
    Curl.Result alt = Curl.run(timeout[0], timeout[1], "-H", "x-envoy-upstream-rq-timeout-alt-response: 1",
        "http://127.0.0.1:" + trusting + "/sleep/b");
    assertEquals(204, alt.status(), "x-envoy-upstream-rq-timeout-alt-response: the timeout answers 204");
    Curl.Result external = Curl.run(timeout[0], timeout[1], "-H", "x-envoy-upstream-rq-timeout-alt-response: 1",
        "http://127.0.0.1:" + edge + "/sleep/c");
    assertEquals(200, external.status(), "an edge request's timeout headers are gone: the route's 15 s apply");
  }

  /**
   * What Envoy appends to {@code x-forwarded-for} for a loopback peer: its local address
   * ({@code Network::Utility::getLocalAddress(v4)}), the host's first IPv4 interface address other than 127.0.0.1.
   */
  static final String LOCAL_ADDRESS = firstNonLoopbackIpv4();

  static String firstNonLoopbackIpv4() {
    try {
      for (var ni : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
        for (var a : java.util.Collections.list(ni.getInetAddresses())) {
          if (a instanceof java.net.Inet4Address && !a.getHostAddress().equals("127.0.0.1")) {
            return a.getHostAddress();
          }
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return "127.0.0.1";
  }

  /** The lines the backend saw for {@code name} (one per header). */
  static long headerLines(Curl.Result r, String name) {
    return r.body().lines().filter(l -> l.startsWith(name + ": ")).count();
  }

  /** The access log line of the request with path {@code path}: "path code flags details". */
  static String logLine(String path) throws Exception {
    for (int i = 0; i < 100; i++) {
      if (java.nio.file.Files.exists(accessLog)) {
        for (String line : java.nio.file.Files.readAllLines(accessLog)) {
          if (line.startsWith(path + " ")) {
            return line;
          }
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no access log line for " + path + " in:\n"
        + (java.nio.file.Files.exists(accessLog) ? java.nio.file.Files.readString(accessLog) : "(no file)"));
  }

  @Test
  void repeatedXffHeadersAreOneListForTheTrustedHopsAndTheAppend() throws Exception {
    for (String http : new String[] {"--http1.1", "--http2-prior-knowledge"}) {
      // xff_num_trusted_hops 1: the trusted client is the last address of the whole list, in the second header
      Curl.Result r = Curl.run(http, "-H", "x-forwarded-for: 198.51.100.7", "-H", "x-forwarded-for: 203.0.113.1",
          "http://127.0.0.1:" + trusting + "/repeated-xff");
      Map<String, String> up = seen(r);
      assertEquals("203.0.113.1", up.get("x-envoy-external-address"), http + ": the last hop of the joined list");
      assertEquals("198.51.100.7,203.0.113.1," + LOCAL_ADDRESS, up.get("x-forwarded-for"), http);
      assertEquals(1, headerLines(r, "x-forwarded-for"), http + ": forwarded as one joined header, as Envoy");
      // no trusted hops: the peer is the client; the append goes after the whole list
      r = Curl.run(http, "-H", "x-forwarded-for: 198.51.100.7", "-H", "x-forwarded-for: 203.0.113.1, 203.0.113.2",
          "http://127.0.0.1:" + edge + "/repeated-xff-edge");
      up = seen(r);
      assertEquals("198.51.100.7,203.0.113.1, 203.0.113.2," + LOCAL_ADDRESS, up.get("x-forwarded-for"), http);
      assertEquals(1, headerLines(r, "x-forwarded-for"), http);
      assertEquals("127.0.0.1", up.get("x-envoy-external-address"), http + ": the peer, not the appended address");
      // use_remote_address false: the whole list's last address is the client (public here: external)
      r = Curl.run(http, "-H", "x-envoy-retry-on: 5xx", "-H", "x-forwarded-for: 10.1.2.3",
          "-H", "x-forwarded-for: 10.4.5.6", "http://127.0.0.1:" + sidecar + "/repeated-xff-sidecar");
      up = seen(r);
      assertEquals("10.1.2.3,10.4.5.6", up.get("x-forwarded-for"), http + ": not appended to, joined");
      assertEquals(1, headerLines(r, "x-forwarded-for"), http);
      assertNull(up.get("x-envoy-retry-on"), http + ": two addresses: external");
    }
  }

  @Test
  void aTrustedHopsForwardedProtoAndPortStay() throws Exception {
    for (String http : new String[] {"--http1.1", "--http2-prior-knowledge"}) {
      Map<String, String> up = seen(Curl.run(http, "-H", "x-forwarded-for: 198.51.100.4",
          "-H", "x-forwarded-proto: https", "-H", "x-forwarded-port: 8443",
          "http://127.0.0.1:" + trusting + "/xfp-trusted"));
      assertEquals("https", up.get("x-forwarded-proto"), http + ": xff_num_trusted_hops 1: the hop's is kept");
      assertEquals("8443", up.get("x-forwarded-port"), http + ": likewise (append_x_forwarded_port)");
      up = seen(Curl.run(http, "http://127.0.0.1:" + trusting + "/xfp-absent"));
      assertEquals("http", up.get("x-forwarded-proto"), http + ": none came: the connection's");
      assertEquals("" + trusting, up.get("x-forwarded-port"), http + ": none came: the listener's port");
      up = seen(Curl.run(http, "-H", "x-forwarded-proto: https", "-H", "x-forwarded-port: 8443",
          "http://127.0.0.1:" + edge + "/xfp-untrusted"));
      assertEquals("http", up.get("x-forwarded-proto"), http + ": no trusted hops: overwritten");
      assertEquals("8443", up.get("x-forwarded-port"), http + ": no append_x_forwarded_port: untouched");
      up = seen(Curl.run(http, "-H", "x-forwarded-proto: https", "http://127.0.0.1:" + sidecar + "/xfp-sidecar"));
      assertEquals("https", up.get("x-forwarded-proto"), http + ": use_remote_address false: an existing one stays");
      assertEquals("" + sidecar, up.get("x-forwarded-port"), http + ": none came: the port the client connected to");
      up = seen(Curl.run(http, "-H", "x-forwarded-port: 8443", "http://127.0.0.1:" + sidecar + "/xfport-sidecar"));
      assertEquals("8443", up.get("x-forwarded-port"), http + ": use_remote_address false: an existing one stays");
      assertEquals("http", up.get("x-forwarded-proto"), http + ": none came: the connection's");
    }
  }

  @Test
  void thePerTryTimeoutHeaderTimesTheFirstAttemptWithoutARetryPolicy() throws Exception {
    long start = System.nanoTime();
    Curl.Result r = Curl.run("-H", "x-envoy-upstream-rq-per-try-timeout-ms: 300",
        "http://127.0.0.1:" + trusting + "/sleep/per-try");
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(504, r.status(), "the backend sleeps 1.5 s; the route has no retry policy");
    assertEquals("upstream request timeout", r.body());
    assertEquals("/sleep/per-try 504 UT upstream_per_try_timeout", logLine("/sleep/per-try"));
    assertTrue(millis < 10_000, "well before the route's 15 s: " + millis + " ms");

    // x-envoy-expected-rq-timeout-ms: the per-try timeout when it is set and below the router timeout
    Map<String, String> up = seen(Curl.run("-H", "x-envoy-upstream-rq-per-try-timeout-ms: 2500",
        "http://127.0.0.1:" + trusting + "/expected"));
    assertEquals("2500", up.get("x-envoy-expected-rq-timeout-ms"));
    assertNull(up.get("x-envoy-upstream-rq-per-try-timeout-ms"), "consumed");
    up = seen(Curl.run("-H", "x-envoy-upstream-rq-per-try-timeout-ms: 20000",
        "http://127.0.0.1:" + trusting + "/expected-long"));
    assertEquals("15000", up.get("x-envoy-expected-rq-timeout-ms"), "not below the route's 15 s: no per-try timeout");
  }

  private static final String CONFIG = """
      node: {id: sidecar~10.0.0.7~ratings-v1.default~default.svc.cluster.local, cluster: ratings.default}
      admin:
        address: {socket_address: {address: 127.0.0.1, port_value: ${ADMIN}}}
      static_resources:
        listeners:
        - name: edge
          address: {socket_address: {address: 127.0.0.1, port_value: ${EDGE}}}
          filter_chains:
          - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: edge
                codec_type: AUTO
                use_remote_address: true
                route_config:
                  virtual_hosts:
                  - {name: all, domains: ["*"], routes: [{match: {prefix: "/"}, route: {cluster: backend}}]}
                http_filters:
                - name: envoy.filters.http.router
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
        - name: trusting
          address: {socket_address: {address: 127.0.0.1, port_value: ${TRUSTING}}}
          filter_chains:
          - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: trusting
                codec_type: AUTO
                use_remote_address: true
                xff_num_trusted_hops: 1
                append_x_forwarded_port: true
                access_log:
                - name: envoy.access_loggers.file
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
                    path: ${ACCESS_LOG}
                    log_format:
                      text_format_source:
                        inline_string: "%REQ(:PATH)% %RESPONSE_CODE% %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS%\\n"
                internal_address_config:
                  cidr_ranges: [{address_prefix: 127.0.0.0, prefix_len: 8}]
                route_config:
                  internal_only_headers: [x-tenant-admin]
                  virtual_hosts:
                  - {name: all, domains: ["*"], routes: [{match: {prefix: "/"}, route: {cluster: backend}}]}
                http_filters:
                - name: envoy.filters.http.router
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
        - name: agent
          address: {socket_address: {address: 127.0.0.1, port_value: ${AGENT}}}
          filter_chains:
          - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: agent
                use_remote_address: true
                add_user_agent: true
                route_config:
                  virtual_hosts:
                  - {name: all, domains: ["*"], routes: [{match: {prefix: "/"}, route: {cluster: backend}}]}
                http_filters:
                - name: envoy.filters.http.router
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
        - name: sidecar
          address: {socket_address: {address: 127.0.0.1, port_value: ${SIDECAR}}}
          filter_chains:
          - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: sidecar
                internal_address_config: {}
                append_x_forwarded_port: true
                route_config:
                  internal_only_headers: [X-Tenant-Admin]
                  virtual_hosts:
                  - {name: all, domains: ["*"], routes: [{match: {prefix: "/"}, route: {cluster: backend}}]}
                http_filters:
                - name: envoy.filters.http.router
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
        clusters:
        - name: backend
          type: STATIC
          load_assignment:
            cluster_name: backend
            endpoints:
            - lb_endpoints:
              - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${BACKEND}}}}
      """;
}
