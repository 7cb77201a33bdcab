package dev.javoy.proxy.http.route;

import static dev.javoy.proxy.http.route.RouteTables.get;
import static dev.javoy.proxy.http.route.RouteTables.routes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.config.ConfigException;
import io.netty.handler.codec.http.HttpRequest;
import org.junit.jupiter.api.Test;

/** Route matching on headers, query parameters and runtime_fraction, and URI templates. */
class RouteMatchTest {
  private static String name(RouteTable t, HttpRequest r) {
    Route route = RouteTables.match(t, r);
    return route == null ? null : route.name();
  }

  private static HttpRequest get(String uri, String... headers) {
    HttpRequest r = RouteTables.get(uri);
    for (int i = 0; i < headers.length; i += 2) {
      r.headers().add(headers[i], headers[i + 1]);
    }
    return r;
  }

  @Test
  void headerStringMatchJoinsRepeatedValuesWithComma() throws Exception {
    RouteTable t = routes("""
        {"name": "joined", "match": {"prefix": "/", "headers": [
          {"name": "x-v", "string_match": {"exact": "a,b"}}]}, "direct_response": {"status": 200}},
        {"name": "ci", "match": {"prefix": "/", "headers": [
          {"name": "X-Mode", "string_match": {"prefix": "BETA", "ignore_case": true}}]},
          "direct_response": {"status": 200}},
        {"name": "regex", "match": {"prefix": "/", "headers": [
          {"name": "x-id", "string_match": {"safe_regex": {"regex": "[0-9]{3}"}}}]},
          "direct_response": {"status": 200}}""");
    assertEquals("joined", name(t, get("/", "x-v", "a", "x-v", "b")));
    assertNull(name(t, get("/", "x-v", "a")));
    assertEquals("ci", name(t, get("/", "x-mode", "beta-2")));
    assertEquals("regex", name(t, get("/", "x-id", "123")));
    assertNull(name(t, get("/", "x-id", "1234")));
  }

  @Test
  void headerPresenceRangeInvertAndMissingAsEmpty() throws Exception {
    RouteTable t = routes("""
        {"name": "absent", "match": {"prefix": "/absent", "headers": [
          {"name": "x-debug", "present_match": false}]}, "direct_response": {"status": 200}},
        {"name": "present", "match": {"prefix": "/present", "headers": [
          {"name": "x-debug", "present_match": true}]}, "direct_response": {"status": 200}},
        {"name": "range", "match": {"prefix": "/range", "headers": [
          {"name": "x-n", "range_match": {"start": 10, "end": 20}}]}, "direct_response": {"status": 200}},
        {"name": "invert", "match": {"prefix": "/invert", "headers": [
          {"name": "x-env", "string_match": {"exact": "prod"}, "invert_match": true}]},
          "direct_response": {"status": 200}},
        {"name": "empty", "match": {"prefix": "/empty", "headers": [
          {"name": "x-e", "string_match": {"exact": ""}, "treat_missing_header_as_empty": true}]},
          "direct_response": {"status": 200}},
        {"name": "method", "match": {"prefix": "/method", "headers": [
          {"name": ":method", "string_match": {"exact": "GET"}}]}, "direct_response": {"status": 200}}""");
    assertEquals("absent", name(t, get("/absent")));
    assertNull(name(t, get("/absent", "x-debug", "1")));
    assertEquals("present", name(t, get("/present", "x-debug", "")));
    assertNull(name(t, get("/present")));
    assertEquals("range", name(t, get("/range", "x-n", "10")));
    assertNull(name(t, get("/range", "x-n", "20")));
    assertNull(name(t, get("/range", "x-n", "x")));
    assertEquals("invert", name(t, get("/invert", "x-env", "dev")));
    assertNull(name(t, get("/invert", "x-env", "prod")));
    // a missing header does not match even inverted (Envoy)
    assertNull(name(t, get("/invert")));
    assertEquals("empty", name(t, get("/empty")));
    assertEquals("method", name(t, get("/method")));
  }

  @Test
  void queryParametersMatchTheFirstRawValue() throws Exception {
    RouteTable t = routes("""
        {"name": "exact", "match": {"prefix": "/", "query_parameters": [
          {"name": "debug", "string_match": {"exact": "1"}},
          {"name": "user", "present_match": true}]}, "direct_response": {"status": 200}},
        {"name": "encoded", "match": {"prefix": "/", "query_parameters": [
          {"name": "q", "string_match": {"exact": "a%20b"}}]}, "direct_response": {"status": 200}},
        {"name": "flag", "match": {"prefix": "/", "query_parameters": [
          {"name": "flag", "string_match": {"exact": ""}}]}, "direct_response": {"status": 200}},
        {"name": "notpresent", "match": {"prefix": "/", "query_parameters": [
          {"name": "never", "present_match": false}]}, "direct_response": {"status": 200}}""");
    assertEquals("exact", name(t, get("/p?user=x&debug=1")));
    assertNull(name(t, get("/p?debug=1")));
    assertNull(name(t, get("/p?user=x&debug=2&debug=1")), "only the first value counts");
    assertEquals("encoded", name(t, get("/p?q=a%20b")), "values are not decoded");
    assertEquals("flag", name(t, get("/p?x=1&flag")));
    assertNull(name(t, get("/p?never=1")), "present_match false never matches (Envoy)");
    assertNull(name(t, get("/p")));
  }

  @Test
  void runtimeFractionUsesTheStreamRandomValue() throws Exception {
    RouteTable t = routes("""
        {"name": "canary", "match": {"prefix": "/", "runtime_fraction": {"default_value":
          {"numerator": 25, "denominator": "HUNDRED"}, "runtime_key": "routing.canary"}},
          "direct_response": {"status": 200}},
        {"name": "rest", "match": {"prefix": "/"}, "direct_response": {"status": 200}}""");
    VirtualHost vh = t.findVirtualHost("x");
    assertEquals("canary", vh.match(get("/"), "/", 24).name());
    assertEquals("rest", vh.match(get("/"), "/", 25).name());
    assertEquals("canary", vh.match(get("/"), "/", 124).name());
    int canary = 0;
    for (int i = 0; i < 10_000; i++) {
      if (vh.match(get("/"), "/").name().equals("canary")) {
        canary++;
      }
    }
    assertTrue(canary > 2_200 && canary < 2_800, "25% of 10000, got " + canary);
  }

  @Test
  void uriTemplatesMatchAndRewrite() throws Exception {
    RouteTable t = routes("""
        {"name": "tpl", "match": {"path_match_policy": {"name": "envoy.path.match.uri_template",
          "typed_config": {"@type": "type.googleapis.com/envoy.extensions.path.match.uri_template.v3.UriTemplateMatchConfig",
            "path_template": "/content/{format}/{lang}/{id}/{file}.vtt"}}},
          "route": {"cluster": "a", "path_rewrite_policy": {"name": "envoy.path.rewrite.uri_template",
            "typed_config": {"@type": "type.googleapis.com/envoy.extensions.path.rewrite.uri_template.v3.UriTemplateRewriteConfig",
              "path_template_rewrite": "/{lang}/{format}/{file}.vtt"}}}},
        {"name": "glob", "match": {"path_match_policy": {"name": "envoy.path.match.uri_template",
          "typed_config": {"@type": "type.googleapis.com/envoy.extensions.path.match.uri_template.v3.UriTemplateMatchConfig",
            "path_template": "/**.mpd"}}}, "direct_response": {"status": 200}},
        {"name": "multi", "match": {"path_match_policy": {"name": "envoy.path.match.uri_template",
          "typed_config": {"@type": "type.googleapis.com/envoy.extensions.path.match.uri_template.v3.UriTemplateMatchConfig",
            "path_template": "/videos/{language=lang/*}/*"}}},
          "route": {"cluster": "a", "path_rewrite_policy": {"name": "envoy.path.rewrite.uri_template",
            "typed_config": {"@type": "type.googleapis.com/envoy.extensions.path.rewrite.uri_template.v3.UriTemplateRewriteConfig",
              "path_template_rewrite": "/{language}"}}}}""");
    String p = "/content/hls/en-us/12345/en_193913.vtt?x=1";
    Route tpl = RouteTables.match(t, get(p));
    assertEquals("tpl", tpl.name());
    PathRewrite rw = ((ClusterAction) tpl.action()).pathRewrite();
    assertEquals("/en-us/hls/en_193913.vtt?x=1", rw.rewrite(p, p.indexOf('?')));
    assertEquals("glob", name(t, get("/content/123/india/dash/55/manifest.mpd")));
    assertNull(name(t, get("/content/a.mp4")));
    String v = "/videos/lang/en/video.m4s";
    Route multi = RouteTables.match(t, get(v));
    assertEquals("/lang/en", ((ClusterAction) multi.action()).pathRewrite().rewrite(v, v.length()));
  }

  @Test
  void badUriTemplatesAreRejected() {
    ConfigException e = assertThrows(ConfigException.class, () -> routes("""
        {"match": {"path_match_policy": {"name": "x", "typed_config": {
          "@type": "type.googleapis.com/envoy.extensions.path.match.uri_template.v3.UriTemplateMatchConfig",
          "path_template": "/a/**/{b}"}}}, "direct_response": {"status": 200}}"""));
    assertTrue(e.getMessage().contains("'**' must be the last operator"), e.getMessage());
    ConfigException unknownVar = assertThrows(ConfigException.class, () -> routes("""
        {"match": {"path_match_policy": {"name": "x", "typed_config": {
          "@type": "type.googleapis.com/envoy.extensions.path.match.uri_template.v3.UriTemplateMatchConfig",
          "path_template": "/a/{b}"}}}, "route": {"cluster": "a", "path_rewrite_policy": {"name": "y",
          "typed_config": {"@type": "type.googleapis.com/envoy.extensions.path.rewrite.uri_template.v3.UriTemplateRewriteConfig",
          "path_template_rewrite": "/{c}"}}}}"""));
    assertEquals("route_config.virtual_hosts[0].routes[0].route.path_rewrite_policy.typed_config"
        + ".path_template_rewrite", unknownVar.path());
    assertFalse(unknownVar.getMessage().isEmpty());
  }
}
