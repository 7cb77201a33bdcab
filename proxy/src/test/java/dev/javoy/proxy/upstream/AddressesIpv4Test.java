package dev.javoy.proxy.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javoy.proxy.config.ConfigException;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressesIpv4Test {
  @Test
  void plainDottedQuadsParseLikeTheResolver() throws Exception {
    for (String s : new String[] {"10.0.0.1", "0.0.0.0", "255.255.255.255", "127.0.0.1", "192.168.100.200"}) {
      InetAddress fast = Addresses.plainIpv4(s);
      assertEquals(InetAddress.getByName(s), fast, s);
      assertEquals(InetAddress.getByName(s).toString(), fast.toString(), s);
      assertEquals(fast, Addresses.ipLiteral(s, "p"));
    }
  }

  @Test
  void everythingElseTakesTheGeneralPath() throws Exception {
    for (String s : new String[] {"010.0.0.1", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "1.2.3.", ".1.2.3",
        "::1", "[::1]", "a.b.c.d", "1.2.3.4 ", "1234.1.1.1"}) {
      assertNull(Addresses.plainIpv4(s), s);
    }
    assertEquals(InetAddress.getByName("::1"), Addresses.ipLiteral("[::1]", "p"));
    assertThrows(ConfigException.class, () -> Addresses.ipLiteral("256.1.1.1", "p"));
    assertThrows(ConfigException.class, () -> Addresses.ipLiteral("example.com", "p"));
  }
}
