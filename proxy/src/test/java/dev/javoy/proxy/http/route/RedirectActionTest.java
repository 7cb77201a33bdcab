package dev.javoy.proxy.http.route;

import static dev.javoy.proxy.http.route.RouteTables.get;
import static dev.javoy.proxy.http.route.RouteTables.routes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.handler.codec.http.HttpRequest;
import org.junit.jupiter.api.Test;

/** Envoy's Location for redirects. */
class RedirectActionTest {
  /** The redirect of a route {@code match}ing with {@code redirectJson}, applied to {@code uri} with {@code host}. */
  private static String location(String match, String redirectJson, String uri, String host, String xfp)
      throws Exception {
    RouteTable t = routes("{\"match\": " + match + ", \"redirect\": " + redirectJson + "}");
    RedirectAction r = (RedirectAction) t.findVirtualHost("x").routes().get(0).action();
    HttpRequest req = get(uri);
    req.headers().set("host", host);
    if (xfp != null) {
      req.headers().set("x-forwarded-proto", xfp);
    }
    String path = uri;
    if (r.pathRewrite() != null) {
      int q = uri.indexOf('?');
      path = r.pathRewrite().rewrite(uri, q < 0 ? uri.length() : q);
    }
    return r.location(req, path);
  }

  private static String location(String redirectJson, String uri, String host) throws Exception {
    return location("{\"prefix\": \"/\"}", redirectJson, uri, host, "http");
  }

  @Test
  void schemeHostAndPort() throws Exception {
    assertEquals("https://example.com/a?b=1", location("{\"https_redirect\": true}", "/a?b=1", "example.com"));
    assertEquals("https://example.com/a", location("{\"https_redirect\": true}", "/a", "example.com:80"),
        "the default port of the old scheme goes");
    assertEquals("https://example.com:8080/a", location("{\"https_redirect\": true}", "/a", "example.com:8080"));
    assertEquals("ftp://example.com/a", location("{\"scheme_redirect\": \"ftp\"}", "/a", "example.com"));
    assertEquals("http://new.example.com/a", location("{\"host_redirect\": \"new.example.com\"}", "/a",
        "old.example.com:8080"));
    assertEquals("http://example.com:9000/a", location("{\"port_redirect\": 9000}", "/a", "example.com:8080"));
    assertEquals("http://[::1]:9000/a", location("{\"port_redirect\": 9000}", "/a", "[::1]:8080"));
    assertEquals("http://other:9000/a", location("{\"host_redirect\": \"other\", \"port_redirect\": 9000}",
        "/a", "example.com"));
    assertEquals("https://example.com/a", location("{\"prefix\": \"/\"}", "{\"https_redirect\": true}", "/a",
        "example.com", "https"), "an https request keeps its scheme");
  }

  @Test
  void pathsAndQueries() throws Exception {
    assertEquals("http://h/new?bar=1", location("{\"path_redirect\": \"/new\"}", "/old?bar=1", "h"));
    assertEquals("http://h/new", location("{\"path_redirect\": \"/new\", \"strip_query\": true}", "/old?bar=1",
        "h"));
    assertEquals("http://h/new?foo=1", location("{\"path_redirect\": \"/new?foo=1\", \"strip_query\": true}",
        "/old?bar=1", "h"));
    assertEquals("http://h/a?x", location("{\"strip_query\": false}", "/a?x", "h"));
    assertEquals("http://h/v2/items?id=3", location("{\"prefix\": \"/v1/\"}", "{\"prefix_rewrite\": \"/v2/\"}",
        "/v1/items?id=3", "h", null));
    assertEquals("http://h/v1/instance/foo?q", location("{\"prefix\": \"/\"}",
        "{\"regex_rewrite\": {\"pattern\": {\"regex\": \"^/service/([^/]+)(/.*)$\"}, \"substitution\": \"\\\\2/instance/\\\\1\"}}",
        "/service/foo/v1?q", "h", null));
  }

  @Test
  void responseCodes() throws Exception {
    RouteTable t = routes("""
        {"match": {"path": "/301"}, "redirect": {"host_redirect": "x"}},
        {"match": {"path": "/302"}, "redirect": {"host_redirect": "x", "response_code": "FOUND"}},
        {"match": {"path": "/303"}, "redirect": {"host_redirect": "x", "response_code": "SEE_OTHER"}},
        {"match": {"path": "/307"}, "redirect": {"host_redirect": "x", "response_code": "TEMPORARY_REDIRECT"}},
        {"match": {"path": "/308"}, "redirect": {"host_redirect": "x", "response_code": "PERMANENT_REDIRECT"}}""");
    for (String code : new String[] {"301", "302", "303", "307", "308"}) {
      RedirectAction r = (RedirectAction) RouteTables.match(t, get("/" + code)).action();
      assertEquals(Integer.parseInt(code), r.status());
    }
  }

  @Test
  void directResponseLocationIsTheRequestUrl() {
    HttpRequest req = get("/x?y");
    req.headers().set("host", "h:8080");
    assertEquals("http://h:8080/x?y", RedirectAction.newUri(null, req, "/x?y"));
  }
}
