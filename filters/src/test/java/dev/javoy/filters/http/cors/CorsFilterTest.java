package dev.javoy.filters.http.cors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.BoolValue;
import dev.javoy.filters.http.fault.FakeFilterCallbacks;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.http.filter.FilterStatus;
import dev.javoy.proxy.http.filter.HttpFilter;
import dev.javoy.proxy.stats.StatsStore;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

class CorsFilterTest {
  private final StatsStore stats = new StatsStore();
  private final CorsFilterConfig config = new CorsFilterConfig("http.test.", stats);

  static CorsPolicy.Builder policy() {
    return CorsPolicy.newBuilder()
        .addAllowOriginStringMatch(StringMatcher.newBuilder().setExact("https://app.example.com"))
        .addAllowOriginStringMatch(StringMatcher.newBuilder()
            .setSafeRegex(RegexMatcher.newBuilder().setRegex("https://.*\\.trusted\\.org")))
        .setAllowMethods("GET, POST").setAllowHeaders("content-type, x-token").setExposeHeaders("x-trace")
        .setMaxAge("600");
  }

  private FakeFilterCallbacks stream(CorsPolicy... policies) throws ConfigException {
    FakeFilterCallbacks cb = new FakeFilterCallbacks();
    cb.route = FakeFilterCallbacks.routeTo("backend");
    Object[] compiled = new Object[policies.length];
    for (int i = 0; i < policies.length; i++) {
      compiled[i] = new CorsFactory().createRouteConfig(policies[i], null);
    }
    cb.perFilterConfigs = List.of(compiled);
    return cb;
  }

  private static HttpRequest request(HttpMethod method, String... headers) {
    HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, "/api");
    for (int i = 0; i < headers.length; i += 2) {
      r.headers().add(headers[i], headers[i + 1]);
    }
    return r;
  }

  private static HttpRequest preflight(String origin, String... more) {
    HttpRequest r = request(HttpMethod.OPTIONS, "origin", origin, "access-control-request-method", "POST",
        "access-control-request-headers", "content-type");
    for (int i = 0; i < more.length; i += 2) {
      r.headers().add(more[i], more[i + 1]);
    }
    return r;
  }

  private long stat(String name) {
    return stats.counter("http.test.cors." + name).value();
  }

  @Test
  void answersAnAllowedPreflightItself() throws Exception {
    FakeFilterCallbacks cb = stream(policy().setAllowCredentials(BoolValue.of(true)).build());
    HttpFilter f = config.newFilter(cb);
    assertEquals(FilterStatus.STOP_ITERATION, f.decodeHeaders(preflight("https://app.example.com"), true));
    HttpResponse r = cb.encodedHeaders.get(0);
    HttpHeaders h = r.headers();
    assertEquals(200, r.status().code());
    assertTrue(cb.encodedEnd);
    assertEquals("https://app.example.com", h.get("access-control-allow-origin"));
    assertEquals("GET, POST", h.get("access-control-allow-methods"));
    assertEquals("content-type, x-token", h.get("access-control-allow-headers"));
    assertEquals("600", h.get("access-control-max-age"));
    assertEquals("true", h.get("access-control-allow-credentials"));
    assertEquals("0", h.get("content-length"));
    assertNull(h.get("access-control-expose-headers"));
    assertEquals("cors_response", cb.info.responseCodeDetails);
    assertEquals(1, stat("origin_valid"));
  }

  @Test
  void notMatchingPreflightIsForwardedByDefault() throws Exception {
    FakeFilterCallbacks cb = stream(policy().build());
    assertEquals(FilterStatus.CONTINUE, config.newFilter(cb).decodeHeaders(preflight("https://evil.com"), true));
    assertTrue(cb.encodedHeaders.isEmpty());
    assertEquals(1, stat("origin_invalid"));

    FakeFilterCallbacks local = stream(policy().setForwardNotMatchingPreflights(BoolValue.of(false)).build());
    assertEquals(FilterStatus.STOP_ITERATION,
        config.newFilter(local).decodeHeaders(preflight("https://evil.com"), true));
    HttpHeaders h = local.encodedHeaders.get(0).headers();
    assertNull(h.get("access-control-allow-origin"));
    assertEquals("GET, POST", h.get("access-control-allow-methods"));
  }

  @Test
  void decoratesTheResponseToAnAllowedRequest() throws Exception {
    FakeFilterCallbacks cb = stream(policy().setAllowCredentials(BoolValue.of(true)).build());
    HttpFilter f = config.newFilter(cb);
    assertEquals(FilterStatus.CONTINUE,
        f.decodeHeaders(request(HttpMethod.GET, "origin", "https://x.trusted.org"), true));
    HttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    f.encodeHeaders(resp, false);
    assertEquals("https://x.trusted.org", resp.headers().get("access-control-allow-origin"));
    assertEquals("x-trace", resp.headers().get("access-control-expose-headers"));
    assertEquals("true", resp.headers().get("access-control-allow-credentials"));

    FakeFilterCallbacks other = stream(policy().build());
    HttpFilter g = config.newFilter(other);
    g.decodeHeaders(request(HttpMethod.GET, "origin", "https://evil.com"), true);
    HttpResponse resp2 = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    g.encodeHeaders(resp2, false);
    assertFalse(resp2.headers().contains("access-control-allow-origin"));
  }

  @Test
  void withoutPolicyOrOriginNothingHappens() throws Exception {
    FakeFilterCallbacks none = stream();
    assertEquals(FilterStatus.CONTINUE, config.newFilter(none).decodeHeaders(preflight("https://a.com"), true));
    FakeFilterCallbacks noOrigin = stream(policy().build());
    HttpFilter f = config.newFilter(noOrigin);
    assertEquals(FilterStatus.CONTINUE, f.decodeHeaders(request(HttpMethod.OPTIONS), true));
    HttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    f.encodeHeaders(resp, false);
    assertTrue(resp.headers().isEmpty());
    assertEquals(0, stat("origin_valid") + stat("origin_invalid"));
  }

  @Test
  void routePolicyFieldsWinOverVirtualHostFields() throws Exception {
    CorsPolicy route = CorsPolicy.newBuilder().setAllowMethods("*").setAllowHeaders("*").build();
    CorsPolicy vhost = policy().setMaxAge("60").setAllowPrivateNetworkAccess(BoolValue.of(true)).build();
    FakeFilterCallbacks cb = stream(route, vhost);
    config.newFilter(cb).decodeHeaders(preflight("https://app.example.com",
        "access-control-request-private-network", "true"), true);
    HttpHeaders h = cb.encodedHeaders.get(0).headers();
    assertEquals("https://app.example.com", h.get("access-control-allow-origin"), "origins from the vhost");
    assertEquals("POST", h.get("access-control-allow-methods"), "* echoes the requested method");
    assertEquals("content-type", h.get("access-control-allow-headers"));
    assertEquals("60", h.get("access-control-max-age"));
    assertEquals("true", h.get("access-control-allow-private-network"));
  }

  @Test
  void shadowModeCountsButDoesNotEnforce() throws Exception {
    RuntimeFractionalPercent off = RuntimeFractionalPercent.newBuilder().setRuntimeKey("cors.enabled")
        .setDefaultValue(FractionalPercent.newBuilder().setNumerator(0)).build();
    RuntimeFractionalPercent on = RuntimeFractionalPercent.newBuilder()
        .setDefaultValue(FractionalPercent.newBuilder().setNumerator(100)).build();
    FakeFilterCallbacks cb = stream(policy().setFilterEnabled(off).setShadowEnabled(on).build());
    HttpFilter f = config.newFilter(cb);
    assertEquals(FilterStatus.CONTINUE, f.decodeHeaders(preflight("https://app.example.com"), true));
    assertTrue(cb.encodedHeaders.isEmpty());
    assertEquals(1, stat("origin_valid"));
    HttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    f.encodeHeaders(resp, false);
    assertFalse(resp.headers().contains("access-control-allow-origin"));

    FakeFilterCallbacks disabled = stream(policy().setFilterEnabled(off).build());
    config.newFilter(disabled).decodeHeaders(preflight("https://app.example.com"), true);
    assertEquals(1, stat("origin_valid"), "disabled: not even counted");
  }

  @Test
  void wildcardMatcherAllowsEveryOrigin() throws Exception {
    FakeFilterCallbacks cb = stream(CorsPolicy.newBuilder()
        .addAllowOriginStringMatch(StringMatcher.newBuilder().setExact("*")).build());
    config.newFilter(cb).decodeHeaders(preflight("https://any.example"), true);
    assertEquals("https://any.example", cb.encodedHeaders.get(0).headers().get("access-control-allow-origin"));
  }

  @Test
  void rejectsBadConfigWithItsPath() {
    ConfigException e = assertThrows(ConfigException.class, () -> new CorsFactory().createRouteConfig(
        CorsPolicy.newBuilder().addAllowOriginStringMatch(StringMatcher.getDefaultInstance()).build(), null));
    assertEquals("allow_origin_string_match[0]", e.path());
    assertThrows(ConfigException.class, () -> new CorsFactory().createRouteConfig(Cors.getDefaultInstance(), null));
  }
}
