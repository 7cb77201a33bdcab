package dev.javoy.proxy.http.route;

import static dev.javoy.proxy.http.route.RouteTables.get;
import static dev.javoy.proxy.http.route.RouteTables.routes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.upstream.lb.XxHash64;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Route {@code hash_policy}: what each policy hashes, how hashes combine, cookies it generates. */
class HashPolicyTest {
  private static final InetSocketAddress CLIENT = new InetSocketAddress("10.1.2.3", 45678);
  private static final InetSocketAddress LOCAL = new InetSocketAddress("10.0.0.1", 10000);

  private static HashPolicy policy(String policiesJson) throws Exception {
    RouteTable t = routes("{\"match\": {\"prefix\": \"/\"}, \"route\": {\"cluster\": \"a\", \"hash_policy\": "
        + policiesJson + "}}");
    return ((ClusterAction) t.findVirtualHost("x").routes().get(0).action()).hashPolicy();
  }

  private static HashPolicy.RequestHash hash(HashPolicy p, HttpRequest r) {
    return p.compute(r, CLIENT, CLIENT, LOCAL);
  }

  @Test
  void noPolicyNoObject() throws Exception {
    RouteTable t = routes("{\"match\": {\"prefix\": \"/\"}, \"route\": {\"cluster\": \"a\"}}");
    assertNull(((ClusterAction) t.findVirtualHost("x").routes().get(0).action()).hashPolicy());
  }

  @Test
  void headerHashIsXxHashOfTheValue() throws Exception {
    HashPolicy p = policy("[{\"header\": {\"header_name\": \"x-user\"}}]");
    HttpRequest r = get("/");
    assertFalse(hash(p, r).hasHashKey());
    r.headers().set("x-user", "alice");
    assertTrue(hash(p, r).hasHashKey());
    assertEquals(XxHash64.hash("alice"), hash(p, r).hashKey());
  }

  @Test
  void multipleHeaderValuesHashInSortedOrder() throws Exception {
    HashPolicy p = policy("[{\"header\": {\"header_name\": \"x-k\"}}]");
    HttpRequest a = get("/");
    a.headers().add("x-k", "foo");
    a.headers().add("x-k", "bar");
    HttpRequest b = get("/");
    b.headers().add("x-k", "bar");
    b.headers().add("x-k", "foo");
    assertEquals(hash(p, a).hashKey(), hash(p, b).hashKey());
    assertEquals(XxHash64.hash("barfoo"), hash(p, a).hashKey());
  }

  @Test
  void headerRegexRewrite() throws Exception {
    HashPolicy p = policy("[{\"header\": {\"header_name\": \":path\", \"regex_rewrite\": {\"pattern\": "
        + "{\"regex\": \"^/(\\\\w+)/.*$\"}, \"substitution\": \"\\\\1\"}}}]");
    assertEquals(XxHash64.hash("tenant"), hash(p, get("/tenant/a/b")).hashKey());
    assertEquals(hash(p, get("/tenant/x")).hashKey(), hash(p, get("/tenant/y/z")).hashKey());
  }

  @Test
  void policiesCombineByRotateAndXor() throws Exception {
    HashPolicy p = policy("[{\"header\": {\"header_name\": \"a\"}}, {\"header\": {\"header_name\": \"b\"}}]");
    HttpRequest r = get("/");
    r.headers().set("a", "1");
    r.headers().set("b", "2");
    long expected = Long.rotateLeft(XxHash64.hash("1"), 1) ^ XxHash64.hash("2");
    assertEquals(expected, hash(p, r).hashKey());
    // duplicate policies do not cancel out
    HashPolicy twice = policy("[{\"header\": {\"header_name\": \"a\"}}, {\"header\": {\"header_name\": \"a\"}}]");
    assertNotEquals(0, hash(twice, r).hashKey());
  }

  @Test
  void terminalStopsOnceAHashExists() throws Exception {
    HashPolicy p = policy("[{\"header\": {\"header_name\": \"a\"}, \"terminal\": true}, "
        + "{\"header\": {\"header_name\": \"b\"}}]");
    HttpRequest r = get("/");
    r.headers().set("a", "1");
    r.headers().set("b", "2");
    assertEquals(XxHash64.hash("1"), hash(p, r).hashKey());
    r.headers().remove("a");
    assertEquals(XxHash64.hash("2"), hash(p, r).hashKey(), "a terminal policy without a hash falls through");
  }

  @Test
  void sourceIpAndQueryParameter() throws Exception {
    assertEquals(XxHash64.hash("10.1.2.3"), hash(policy("[{\"connection_properties\": {\"source_ip\": true}}]"),
        get("/")).hashKey());
    HashPolicy q = policy("[{\"query_parameter\": {\"name\": \"u\"}}]");
    assertEquals(XxHash64.hash("bob"), hash(q, get("/p?x=1&u=bob&u=eve")).hashKey());
    assertEquals(XxHash64.hash(""), hash(q, get("/p?u")).hashKey());
    assertFalse(hash(q, get("/p?uu=1")).hasHashKey());
    assertFalse(hash(q, get("/p")).hasHashKey());
  }

  @Test
  void existingCookieIsHashedWithoutQuotes() throws Exception {
    HashPolicy p = policy("[{\"cookie\": {\"name\": \"sticky\", \"ttl\": \"60s\"}}]");
    HttpRequest r = get("/");
    r.headers().set("cookie", "a=1; sticky=\"abc\"; b=2");
    HashPolicy.RequestHash h = hash(p, r);
    assertEquals(XxHash64.hash("abc"), h.hashKey());
    assertTrue(h.setCookies().isEmpty());
  }

  @Test
  void missingCookieWithTtlIsGenerated() throws Exception {
    HashPolicy p = policy("[{\"cookie\": {\"name\": \"sticky\", \"ttl\": \"3600s\", \"path\": \"/app\", "
        + "\"attributes\": [{\"name\": \"SameSite\", \"value\": \"Strict\"}, {\"name\": \"Secure\"}]}}]");
    HashPolicy.RequestHash h = hash(p, get("/"));
    String value = XxHash64.toHex(XxHash64.hash("10.1.2.3:45678" + "10.0.0.1:10000"));
    assertEquals(List.of("sticky=\"" + value + "\"; Max-Age=3600; Path=/app; SameSite=Strict; Secure; HttpOnly"),
        h.setCookies());
    assertEquals(XxHash64.hash(value), h.hashKey());
    // the next request carries the cookie: same hash, no new cookie
    HttpRequest next = get("/");
    next.headers().set("cookie", "sticky=\"" + value + "\"");
    assertEquals(h.hashKey(), hash(p, next).hashKey());
    assertTrue(hash(p, next).setCookies().isEmpty());
  }

  @Test
  void missingCookieWithoutTtlGivesNoHash() throws Exception {
    HashPolicy p = policy("[{\"cookie\": {\"name\": \"sticky\"}}]");
    HashPolicy.RequestHash h = hash(p, get("/"));
    assertFalse(h.hasHashKey());
    assertTrue(h.setCookies().isEmpty());
  }

  @Test
  void sessionCookieForZeroTtl() throws Exception {
    HashPolicy p = policy("[{\"cookie\": {\"name\": \"s\", \"ttl\": \"0s\"}}]");
    String c = hash(p, get("/")).setCookies().get(0);
    assertFalse(c.contains("Max-Age"), c);
    assertTrue(c.endsWith("; HttpOnly"), c);
  }

  @Test
  void filterStateIsRejected() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> policy("[{\"filter_state\": {\"key\": \"k\"}}]"));
    assertTrue(e.getMessage().contains("hash_policy[0].filter_state"), e.getMessage());
  }
}
