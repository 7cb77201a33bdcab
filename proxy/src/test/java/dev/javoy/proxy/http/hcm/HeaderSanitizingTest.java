package dev.javoy.proxy.http.hcm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.http.h1.FlatHttpHeaders;
import dev.javoy.proxy.http.route.InternalOnlyHeaders;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.junit.jupiter.api.Test;

/** Envoy v1.34's internal/edge decision and what it does to the headers, condition by condition. */
class HeaderSanitizingTest {
  static final InternalAddressConfig RFC1918 = InternalAddressConfig.of(false);
  static final InternalAddressConfig LOOPBACK = InternalAddressConfig.of(false, "127.0.0.0/8");
  static final InetSocketAddress LOCAL_PEER = new InetSocketAddress("127.0.0.1", 40000);
  static final InetSocketAddress PRIVATE_PEER = new InetSocketAddress("10.1.2.3", 40000);
  static final InetSocketAddress PUBLIC_PEER = new InetSocketAddress("203.0.113.9", 40000);

  static boolean internal(boolean useRemote, int hops, String xff, SocketAddress peer, InternalAddressConfig c) {
    InetSocketAddress trusted = TrustedClientAddress.fromXff(xff, useRemote, hops);
    return HeaderSanitizing.isInternal(useRemote, hops, xff, trusted, peer, c);
  }

  @Test
  void useRemoteAddressTrustsThePeerWhenNoXffCame() {
    assertFalse(internal(true, 0, null, LOCAL_PEER, InternalAddressConfig.NONE), "v1.34 default: nothing internal");
    assertTrue(internal(true, 0, null, LOCAL_PEER, RFC1918));
    assertTrue(internal(true, 0, null, PRIVATE_PEER, RFC1918));
    assertFalse(internal(true, 0, null, PUBLIC_PEER, RFC1918));
    assertFalse(internal(true, 0, null, PRIVATE_PEER, LOOPBACK), "cidr_ranges replace RFC 1918");
    assertTrue(internal(true, 0, null, new InetSocketAddress("127.9.9.9", 1), LOOPBACK));
    assertTrue(internal(true, 2, null, LOCAL_PEER, RFC1918), "trusted hops but no header: the peer");
  }

  @Test
  void useRemoteAddressWithAnyXffIsExternal() {
    assertFalse(internal(true, 0, "10.0.0.1", LOCAL_PEER, RFC1918), "a client-supplied XFF makes it external");
    assertFalse(internal(true, 1, "10.0.0.1", LOCAL_PEER, RFC1918), "even with a trusted internal hop");
    assertFalse(internal(true, 0, "", LOCAL_PEER, RFC1918), "an empty XFF is still a header");
  }

  @Test
  void withoutUseRemoteAddressOnlyASingleInternalXffAddressIsInternal() {
    assertFalse(internal(false, 0, null, LOCAL_PEER, RFC1918), "no XFF: external, even from an internal peer");
    assertTrue(internal(false, 0, "10.0.0.1", PUBLIC_PEER, RFC1918), "the peer does not matter, XFF does");
    assertTrue(internal(false, 0, " 192.168.1.1 ", PUBLIC_PEER, RFC1918));
    assertFalse(internal(false, 0, "8.8.8.8", LOCAL_PEER, RFC1918));
    assertFalse(internal(false, 0, "10.0.0.2,10.0.0.1", LOCAL_PEER, RFC1918), "more than one address");
    assertFalse(internal(false, 1, "10.0.0.2,10.0.0.1", LOCAL_PEER, RFC1918), "trusted hops: never single");
    assertFalse(internal(false, 0, "not-an-ip", LOCAL_PEER, RFC1918));
    assertFalse(internal(false, 0, "10.0.0.1", LOCAL_PEER, InternalAddressConfig.NONE));
  }

  @Test
  void repeatedXffHeadersAreMoreThanOneAddress() {
    for (HttpHeaders h : new HttpHeaders[] {new FlatHttpHeaders(), new io.netty.handler.codec.http.DefaultHttpHeaders()}) {
      h.add("x-forwarded-for", "10.0.0.1");
      assertTrue(internal(false, 0, ForwardedForHeader.coalesce(h), PUBLIC_PEER, RFC1918));
      h.add("X-Forwarded-For", "8.8.8.8");
      String joined = ForwardedForHeader.coalesce(h);
      assertEquals("10.0.0.1,8.8.8.8", joined);
      assertFalse(internal(false, 0, joined, PUBLIC_PEER, RFC1918), "Envoy sees 10.0.0.1,8.8.8.8: not a single address");
    }
  }

  @Test
  void unixSocketPeers() {
    DomainSocketAddress pipe = new DomainSocketAddress("/tmp/h.sock");
    assertTrue(internal(true, 0, null, pipe, InternalAddressConfig.of(true)));
    assertFalse(internal(true, 0, null, pipe, RFC1918));
  }

  static HttpHeaders all() {
    HttpHeaders h = new FlatHttpHeaders();
    h.add("host", "h");
    for (String n : InternalHeadersTest.ALWAYS) {
      h.add(n, "client");
    }
    for (String n : InternalHeadersTest.EDGE_ONLY) {
      h.add(n, "client");
    }
    h.add("x-envoy-external-address", "6.6.6.6");
    h.add("x-secret", "s");
    return h;
  }

  @Test
  void anInternalRequestKeepsEverythingAndIsMarked() {
    HttpHeaders h = all();
    boolean edge = HeaderSanitizing.apply(h, true, true, null, LOCAL_PEER, null, InternalOnlyHeaders.of("x-secret"));
    assertFalse(edge);
    assertEquals("true", h.get("x-envoy-internal"));
    assertEquals(1, h.getAll("x-envoy-internal").size());
    for (String n : InternalHeadersTest.ALWAYS) {
      assertTrue(h.contains(n), n);
    }
    assertEquals("client", h.get("x-envoy-decorator-operation"));
    assertEquals("6.6.6.6", h.get("x-envoy-external-address"), "Envoy leaves an internal request's as it came");
    assertEquals("s", h.get("x-secret"));
  }

  @Test
  void anExternalRequestWithoutUseRemoteAddressIsCleanedButNotAnEdgeOne() {
    HttpHeaders h = all();
    boolean edge = HeaderSanitizing.apply(h, false, false, null, LOCAL_PEER, null, InternalOnlyHeaders.of("x-secret"));
    assertFalse(edge);
    for (String n : InternalHeadersTest.ALWAYS) {
      assertFalse(h.contains(n), n);
    }
    for (String n : InternalHeadersTest.EDGE_ONLY) {
      assertEquals("client", h.get(n), n);
    }
    assertEquals("6.6.6.6", h.get("x-envoy-external-address"), "set only by the edge");
    assertNull(h.get("x-secret"));
  }

  @Test
  void anEdgeRequestLosesTheEdgeOnesAndGetsItsExternalAddress() {
    HttpHeaders h = all();
    assertTrue(HeaderSanitizing.apply(h, false, true, null, PUBLIC_PEER, null, InternalOnlyHeaders.NONE));
    for (String n : InternalHeadersTest.ALWAYS) {
      assertFalse(h.contains(n), n);
    }
    for (String n : InternalHeadersTest.EDGE_ONLY) {
      assertFalse(h.contains(n), n);
    }
    assertEquals("203.0.113.9", h.get("x-envoy-external-address"));
    assertEquals(1, h.getAll("x-envoy-external-address").size());
    assertEquals("s", h.get("x-secret"), "not an internal_only_header here");

    HttpHeaders viaXff = all();
    HeaderSanitizing.apply(viaXff, false, true, new InetSocketAddress("198.51.100.4", 0), LOCAL_PEER, "127.0.0.1",
        InternalOnlyHeaders.NONE);
    assertEquals("198.51.100.4", viaXff.get("x-envoy-external-address"), "the trusted client address from XFF");

    HttpHeaders given = all();
    HeaderSanitizing.apply(given, false, true, null, PUBLIC_PEER, "203.0.113.9", InternalOnlyHeaders.NONE);
    assertEquals("203.0.113.9", given.get("x-envoy-external-address"), "the peer's text as the caller formatted it");

    HttpHeaders pipe = all();
    HeaderSanitizing.apply(pipe, false, true, null, new DomainSocketAddress("/tmp/h.sock"), "/tmp/h.sock",
        InternalOnlyHeaders.NONE);
    assertEquals("6.6.6.6", pipe.get("x-envoy-external-address"),
        "a pipe peer has no IP address: Envoy neither sets nor removes the header");
  }
}
