package dev.javoy.proxy.http.hcm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.unix.DomainSocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/** Envoy's isLoopbackAddress and getLocalAddress, what x-forwarded-for gets for a loopback peer. */
class LocalNodeAddressTest {
  @Test
  void loopbackIsExactly127001OrColonColon1() throws Exception {
    assertTrue(LocalNodeAddress.isLoopback(InetAddress.getByName("127.0.0.1")));
    assertTrue(LocalNodeAddress.isLoopback(InetAddress.getByName("::1")));
    assertFalse(LocalNodeAddress.isLoopback(InetAddress.getByName("127.0.0.2")), "not the rest of 127/8");
    assertFalse(LocalNodeAddress.isLoopback(InetAddress.getByName("10.0.0.1")));
    assertFalse(LocalNodeAddress.isLoopback(InetAddress.getByName("::2")));
    assertFalse(LocalNodeAddress.isLoopback(new DomainSocketAddress("/tmp/x.sock")), "a pipe is not");
    assertTrue(LocalNodeAddress.isLoopback(new InetSocketAddress("127.0.0.1", 1)));
  }

  @Test
  void localAddressIsTheFirstNonLoopbackInterfaceAddressOfTheVersion() throws Exception {
    String v4 = LocalNodeAddress.of("v4");
    assertEquals(v4, LocalNodeAddress.of("v4"), "looked up once");
    boolean hasOther = false;
    for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      for (InetAddress a : Collections.list(ni.getInetAddresses())) {
        hasOther |= a instanceof java.net.Inet4Address && !LocalNodeAddress.isLoopback(a);
      }
    }
    if (hasOther) {
      assertNotEquals("127.0.0.1", v4);
      assertTrue(InetAddress.getByName(v4) instanceof java.net.Inet4Address);
    } else {
      assertEquals("127.0.0.1", v4);
    }
    String v6 = LocalNodeAddress.of("v6");
    assertFalse(v6.contains("%"), "no scope id");
    assertTrue(InetAddress.getByName(v6) instanceof java.net.Inet6Address);
  }
}
