package dev.javoy.proxy.http.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.javoy.proxy.http.route.ClusterAction;
import dev.javoy.proxy.http.route.ClusterTarget;
import dev.javoy.proxy.http.route.Route;
import dev.javoy.proxy.http.route.RouteTables;
import dev.javoy.proxy.stream.StreamInfo;
import dev.javoy.proxy.upstream.Host;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The upstream request and downstream response headers a route produces. */
class UpstreamRequestHeadersTest {
  private static final Host HOST =
      new Host("a", new InetSocketAddress("127.0.0.1", 8080), "backend.internal", 1, 0, Metadata.getDefaultInstance());

  private record Prepared(HttpRequest request, Route route, ClusterTarget target, StreamInfo info) {}

  private static Prepared prepare(String vhostFields, String routeJson, String uri, boolean suppress,
      String... headers) throws Exception {
    var table = RouteTables.table("{\"virtual_hosts\": [{\"name\": \"v\", \"domains\": [\"*\"]" + vhostFields
        + ", \"routes\": [" + routeJson + "]}]}");
    HttpRequest req = RouteTables.get(uri);
    req.headers().set("host", "front.example.com");
    for (int i = 0; i < headers.length; i += 2) {
      req.headers().add(headers[i], headers[i + 1]);
    }
    Route route = RouteTables.match(table, req);
    ClusterAction action = (ClusterAction) route.action();
    ClusterTarget target = action.clusters().select(req, 0);
    StreamInfo info = new StreamInfo();
    info.requestHeaders = req;
    info.upstreamHostAddress = HOST.address();
    info.attemptCount = 1;
    UpstreamRequestHeaders.prepare(req, route, action, target, HOST, info,
        RequestTimeouts.of(action.timeouts(), req), suppress);
    return new Prepared(req, route, target, info);
  }

  @Test
  void prefixRewriteKeepsTheOriginalPathUnlessSuppressed() throws Exception {
    Prepared p = prepare("", "{\"match\": {\"prefix\": \"/api/\"}, \"route\": {\"cluster\": \"a\", "
        + "\"prefix_rewrite\": \"/v2/\", \"timeout\": \"3s\"}}", "http://front.example.com/api/x?q=1", false,
        "connection", "keep-alive, x-hop", "x-hop", "1");
    assertEquals("/v2/x?q=1", p.request().uri());
    assertEquals("/api/x?q=1", p.request().headers().get("x-envoy-original-path"));
    assertEquals("3000", p.request().headers().get("x-envoy-expected-rq-timeout-ms"));
    assertFalse(p.request().headers().contains("x-hop"));
    Prepared quiet = prepare("", "{\"match\": {\"prefix\": \"/api/\"}, \"route\": {\"cluster\": \"a\", "
        + "\"regex_rewrite\": {\"pattern\": {\"regex\": \"^/api/(.*)$\"}, \"substitution\": \"/\\\\1/api\"}}}",
        "/api/x?q=1", true);
    assertEquals("/x/api?q=1", quiet.request().uri());
    assertNull(quiet.request().headers().get("x-envoy-original-path"));
    assertNull(quiet.request().headers().get("x-envoy-expected-rq-timeout-ms"));
  }

  @Test
  void weightedClusterMutationsComeBeforeTheRoutesAndHostRewritesAfter() throws Exception {
    Prepared p = prepare("", """
        {"match": {"prefix": "/"}, "route": {"weighted_clusters": {"clusters": [{"name": "a", "weight": 1,
            "host_rewrite_literal": "cluster.example",
            "request_headers_to_add": [{"header": {"key": "x-who", "value": "cluster"}}],
            "response_headers_to_add": [{"header": {"key": "x-r", "value": "cluster"}}]}]},
          "host_rewrite_path_regex": {"pattern": {"regex": "^/([^/]+)/.*$"}, "substitution": "\\\\1.svc"},
          "append_x_forwarded_host": true},
         "request_headers_to_add": [{"header": {"key": "x-who", "value": "route %UPSTREAM_HOST%"}}],
         "response_headers_to_add": [{"header": {"key": "x-r", "value": "route"}}]}""",
        "/tenant/x", false, "x-forwarded-host", "edge.example.com");
    HttpRequest r = p.request();
    assertEquals(List.of("cluster", "route 127.0.0.1:8080"), r.headers().getAll("x-who"));
    assertEquals("tenant.svc", r.headers().get("host"));
    assertEquals("edge.example.com,cluster.example", r.headers().get("x-forwarded-host"));
    HttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    UpstreamResponseHeaders.finalize(resp, p.route(), p.target(), p.info());
    assertEquals(List.of("cluster", "route"), resp.headers().getAll("x-r"));
    assertNull(resp.headers().get("x-envoy-attempt-count"));
  }

  @Test
  void autoHostRewriteAndAttemptCounts() throws Exception {
    Prepared p = prepare(", \"include_request_attempt_count\": true, \"include_attempt_count_in_response\": true",
        "{\"match\": {\"prefix\": \"/\"}, \"route\": {\"cluster\": \"a\", \"auto_host_rewrite\": true}}", "/", true,
        "x-envoy-attempt-count", "7");
    assertEquals("backend.internal", p.request().headers().get("host"));
    assertNull(p.request().headers().get("x-forwarded-host"));
    assertEquals(List.of("1"), p.request().headers().getAll("x-envoy-attempt-count"));
    HttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    UpstreamResponseHeaders.finalize(resp, p.route(), p.target(), p.info());
    assertEquals("1", resp.headers().get("x-envoy-attempt-count"));
  }

  @Test
  void grpcTimeoutIsRewrittenToTheStreamLimit() throws Exception {
    String route = "{\"match\": {\"prefix\": \"/\"}, \"route\": {\"cluster\": \"a\", \"max_stream_duration\": "
        + "{\"grpc_timeout_header_max\": \"2s\"}}}";
    Prepared grpc = prepare("", route, "/svc/M", false, "content-type", "application/grpc", "grpc-timeout", "10S");
    assertEquals("2000m", grpc.request().headers().get("grpc-timeout"));
    assertNull(grpc.request().headers().get("x-envoy-expected-rq-timeout-ms"), "no router timeout then");
    Prepared shorter = prepare("", route, "/svc/M", false, "content-type", "application/grpc", "grpc-timeout",
        "500m");
    assertEquals("500m", shorter.request().headers().get("grpc-timeout"));
    Prepared old = prepare("", "{\"match\": {\"prefix\": \"/\"}, \"route\": {\"cluster\": \"a\", "
        + "\"max_grpc_timeout\": \"1s\"}}", "/svc/M", false, "content-type", "application/grpc+proto",
        "grpc-timeout", "5S");
    assertEquals("1000m", old.request().headers().get("grpc-timeout"));
    assertEquals("1000", old.request().headers().get("x-envoy-expected-rq-timeout-ms"));
    RequestTimeouts t = RequestTimeouts.of(((ClusterAction) old.route().action()).timeouts(), old.request());
    assertEquals(1000, t.routerMillis());
  }

  @Test
  void aClientsExpectedTimeoutHeaderIsReplacedNotRepeated() throws Exception {
    for (boolean flat : new boolean[] {true, false}) {
      HttpRequest req = flat
          ? new io.netty.handler.codec.http.DefaultHttpRequest(io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
              io.netty.handler.codec.http.HttpMethod.GET, "/", new dev.javoy.proxy.http.h1.FlatHttpHeaders())
          : RouteTables.get("/");
      var table = RouteTables.table("{\"virtual_hosts\": [{\"name\": \"v\", \"domains\": [\"*\"], "
          + "\"routes\": [{\"match\": {\"prefix\": \"/\"}, \"route\": {\"cluster\": \"a\", \"timeout\": \"2s\"}}]}]}");
      Route route = RouteTables.match(table, req);
      ClusterAction action = (ClusterAction) route.action();
      for (String sent : new String[] {null, "99"}) {
        req.headers().remove("x-envoy-expected-rq-timeout-ms");
        if (sent != null) {
          req.headers().add("X-Envoy-Expected-Rq-Timeout-Ms", sent);
        }
        UpstreamRequestHeaders.prepare(req, route, action, action.clusters().select(req, 0), HOST, new StreamInfo(),
            RequestTimeouts.of(action.timeouts(), req), false);
        assertEquals(List.of("2000"), req.headers().getAll("x-envoy-expected-rq-timeout-ms"), flat + " " + sent);
      }
    }
  }
}
