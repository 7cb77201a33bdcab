package dev.javoy.perf;

import dev.javoy.proxy.http.route.Route;
import dev.javoy.proxy.http.route.RouteTable;
import dev.javoy.proxy.http.route.RouteTableFactory;
import dev.javoy.proxy.http.route.VirtualHost;
import dev.javoy.proxy.stats.StatsStore;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Host + route lookup per request: {@link RouteTable#findVirtualHost} then {@link VirtualHost#match} on a
 * table compiled by the real {@link RouteTableFactory} from 100 virtual hosts × 10 routes.
 *
 * <p>Virtual host {@code i} has domains {@code svc-i.example.com} and {@code svc-i.example.com:8080} (exact);
 * every third also {@code *.svc-i.corp.internal} (suffix), every fifth {@code api-i.*} (prefix). No catch-all,
 * so an unknown host scans every wildcard and misses. Routes, in order: path {@code /healthz}; prefix
 * {@code /api/v1/users} + header {@code x-tenant: t-i}; regex {@code ^/api/v1/orders/[0-9]+$}; prefix
 * {@code /api/v1/orders}; prefix {@code /api/v2/} + {@code x-canary} present; path {@code /login}; regex
 * {@code ^/static/.*\.(css|js)$}; prefix {@code /static/}; prefix {@code /api/}; prefix {@code /app/}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RouteMatchingBenchmark {
  static final int VHOSTS = 100;

  RouteTable table;
  HttpRequest earlyReq;
  HttpRequest lateReq;
  HttpRequest headerReq;
  HttpRequest hostMissReq;
  HttpRequest pathMissReq;

  static RouteConfiguration config() {
    RouteConfiguration.Builder rc = RouteConfiguration.newBuilder().setName("bench");
    for (int i = 0; i < VHOSTS; i++) {
      var vh = rc.addVirtualHostsBuilder().setName("vh-" + i)
          .addDomains("svc-" + i + ".example.com").addDomains("svc-" + i + ".example.com:8080");
      if (i % 3 == 0) {
        vh.addDomains("*.svc-" + i + ".corp.internal");
      }
      if (i % 5 == 0) {
        vh.addDomains("api-" + i + ".*");
      }
      String cluster = "c" + (i % 4);
      RouteAction action = RouteAction.newBuilder().setCluster(cluster).build();
      List<RouteMatch> matches = List.of(
          RouteMatch.newBuilder().setPath("/healthz").build(),
          RouteMatch.newBuilder().setPrefix("/api/v1/users").addHeaders(HeaderMatcher.newBuilder()
              .setName("x-tenant").setStringMatch(StringMatcher.newBuilder().setExact("t-" + i))).build(),
          RouteMatch.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex("^/api/v1/orders/[0-9]+$")).build(),
          RouteMatch.newBuilder().setPrefix("/api/v1/orders").build(),
          RouteMatch.newBuilder().setPrefix("/api/v2/").addHeaders(HeaderMatcher.newBuilder()
              .setName("x-canary").setPresentMatch(true)).build(),
          RouteMatch.newBuilder().setPath("/login").build(),
          RouteMatch.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex("^/static/.*\\.(css|js)$")).build(),
          RouteMatch.newBuilder().setPrefix("/static/").build(),
          RouteMatch.newBuilder().setPrefix("/api/").build(),
          RouteMatch.newBuilder().setPrefix("/app/").build());
      int r = 0;
      for (RouteMatch m : matches) {
        vh.addRoutesBuilder().setName("vh-" + i + "-r" + r++).setMatch(m).setRoute(action);
      }
    }
    return rc.build();
  }

  static HttpRequest request(String host, String uri, String... extra) {
    HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    req.headers().set("host", host).set("user-agent", "bench/1.0").set("accept", "*/*");
    for (int i = 0; i < extra.length; i += 2) {
      req.headers().set(extra[i], extra[i + 1]);
    }
    return req;
  }

  @Setup
  public void setup() throws Exception {
    table = new RouteTableFactory(BenchSupport.context(new StatsStore(), List.of("c0", "c1", "c2", "c3")))
        .create(config(), "route_config", true);
    earlyReq = request("svc-0.example.com", "/healthz");
    // a suffix wildcard (scans the wildcard list) and the last route, after both regexes
    lateReq = request("a.svc-99.corp.internal", "/app/settings/profile?tab=1");
    headerReq = request("svc-57.example.com:8080", "/api/v1/users/42", "x-tenant", "t-57");
    hostMissReq = request("unknown.example.org", "/healthz");
    pathMissReq = request("svc-42.example.com", "/nothing/here");
    check(earlyReq, "vh-0-r0");
    check(lateReq, "vh-99-r9");
    check(headerReq, "vh-57-r1");
    if (table.findVirtualHost("unknown.example.org") != null || lookup(pathMissReq) != null) {
      throw new IllegalStateException("miss cases hit");
    }
  }

  private void check(HttpRequest req, String route) {
    Route r = lookup(req);
    if (r == null || !route.equals(r.name())) {
      throw new IllegalStateException(req.uri() + " -> " + (r == null ? null : r.name()) + ", want " + route);
    }
  }

  private Route lookup(HttpRequest req) {
    VirtualHost vh = table.findVirtualHost(req.headers().get("host"));
    return vh == null ? null : vh.match(req, req.uri());
  }

  /** Exact domain, first route. */
  @Benchmark
  public Route hitEarly() {
    return lookup(earlyReq);
  }

  /** Suffix-wildcard domain of the last virtual host, last route (after two regex routes). */
  @Benchmark
  public Route hitLate() {
    return lookup(lateReq);
  }

  /** Exact domain with port, prefix route with a header matcher. */
  @Benchmark
  public Route hitHeaderMatcher() {
    return lookup(headerReq);
  }

  /** Unknown host: exact miss, every suffix and prefix wildcard tried, no catch-all. */
  @Benchmark
  public Route missHost() {
    return lookup(hostMissReq);
  }

  /** Known host, path matching none of its 10 routes. */
  @Benchmark
  public Route missPath() {
    return lookup(pathMissReq);
  }
}
