package dev.javoy.proxy.http.hcm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.config.ConfigException;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Envoy v1.34's internal addresses: none by default; RFC 1918/4193 or the configured ranges with the config. */
class InternalAddressConfigTest {
  static InetSocketAddress ip(String s) {
    return new InetSocketAddress(s, 0);
  }

  static InternalAddressConfig parse(String json) throws Exception {
    HttpConnectionManager.Builder b = HttpConnectionManager.newBuilder();
    JsonFormat.parser().merge("{\"stat_prefix\": \"t\"" + json + "}", b);
    return InternalAddressConfig.of(b.build(), "hcm");
  }

  @Test
  void withoutTheConfigNothingIsInternalNotEvenLoopback() throws Exception {
    InternalAddressConfig none = parse("");
    assertEquals(InternalAddressConfig.NONE, none);
    for (String a : new String[] {"127.0.0.1", "10.0.0.1", "192.168.1.1", "172.16.0.1", "::1", "fd00::1"}) {
      assertFalse(none.isInternal(ip(a)), a + ": explicit_internal_address_config is true in v1.34");
    }
    assertFalse(none.isInternal(new DomainSocketAddress("/tmp/x.sock")));
  }

  @Test
  void anEmptyConfigTrustsEnvoysRfc1918AndLocalSet() throws Exception {
    InternalAddressConfig c = parse(", \"internal_address_config\": {}");
    for (String a : new String[] {"10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.1", "192.168.0.1",
        "127.0.0.1", "::1", "fd12:3456::1"}) {
      assertTrue(c.isInternal(ip(a)), a);
    }
    for (String a : new String[] {"8.8.8.8", "172.15.0.1", "172.32.0.1", "192.169.0.1", "11.0.0.1",
        "127.0.0.2", "127.1.0.1", "fc00::1", "2001:db8::1", "::2", "100.64.0.1"}) {
      assertFalse(c.isInternal(ip(a)), a + ": Envoy's isInternalAddress: RFC 1918, 127.0.0.1, ::1 and fd00::/8");
    }
    assertFalse(c.isInternal(new DomainSocketAddress("/tmp/x.sock")), "unix_sockets defaults to false");
  }

  @Test
  void unixSocketsMakePipePeersInternal() throws Exception {
    InternalAddressConfig c = parse(", \"internal_address_config\": {\"unix_sockets\": true}");
    assertTrue(c.isInternal(new DomainSocketAddress("/tmp/x.sock")));
    assertTrue(c.isInternal(ip("10.0.0.1")), "no cidr_ranges: the RFC 1918 set still applies to IPs");
  }

  @Test
  void cidrRangesReplaceTheDefaultSet() throws Exception {
    InternalAddressConfig c = parse(", \"internal_address_config\": {\"cidr_ranges\": ["
        + "{\"address_prefix\": \"127.0.0.0\", \"prefix_len\": 8},"
        + "{\"address_prefix\": \"100.64.0.0\", \"prefix_len\": 10},"
        + "{\"address_prefix\": \"2001:db8::\", \"prefix_len\": 32},"
        + "{\"address_prefix\": \"198.51.100.7\"}]}");
    assertTrue(c.isInternal(ip("127.0.0.1")));
    assertTrue(c.isInternal(ip("127.3.4.5")));
    assertTrue(c.isInternal(ip("100.64.0.1")));
    assertTrue(c.isInternal(ip("100.127.255.255")));
    assertFalse(c.isInternal(ip("100.128.0.0")));
    assertTrue(c.isInternal(ip("2001:db8:ffff::1")));
    assertFalse(c.isInternal(ip("2001:db9::1")));
    assertTrue(c.isInternal(ip("198.51.100.7")), "no prefix_len: the address alone");
    assertFalse(c.isInternal(ip("198.51.100.8")));
    assertFalse(c.isInternal(ip("10.0.0.1")), "the ranges replace RFC 1918");
    assertFalse(c.isInternal(ip("::1")));
    assertFalse(c.isInternal(new DomainSocketAddress("/tmp/x.sock")));
  }

  @Test
  void oddPrefixLengthsAndClamping() {
    InternalAddressConfig c = InternalAddressConfig.of(false, "10.0.0.0/9", "192.0.2.1/40", "0.0.0.0/0");
    assertTrue(c.isInternal(ip("10.127.0.1")));
    assertTrue(c.isInternal(ip("8.8.8.8")), "0.0.0.0/0 holds every IPv4 address");
    assertFalse(c.isInternal(ip("::1")), "but no IPv6 one");
    InternalAddressConfig narrow = InternalAddressConfig.of(false, "10.0.0.0/9", "192.0.2.1/40");
    assertFalse(narrow.isInternal(ip("10.128.0.1")));
    assertTrue(narrow.isInternal(ip("192.0.2.1")), "a v4 prefix over 32 counts as 32");
  }

  @Test
  void badRangesAreRejectedWithTheirPath() {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(
        ", \"internal_address_config\": {\"cidr_ranges\": [{\"address_prefix\": \"10.0.0.0\", \"prefix_len\": 8},"
            + " {\"address_prefix\": \"not-an-ip\", \"prefix_len\": 8}]}"));
    assertTrue(e.getMessage().contains("hcm.internal_address_config.cidr_ranges[1].address_prefix"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> parse(
        ", \"internal_address_config\": {\"cidr_ranges\": [{\"address_prefix\": \"::\", \"prefix_len\": 129}]}"));
    assertTrue(e.getMessage().contains("hcm.internal_address_config.cidr_ranges[0].prefix_len"), e.getMessage());
  }
}
