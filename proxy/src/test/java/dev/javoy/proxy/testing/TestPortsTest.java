package dev.javoy.proxy.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TestPortsTest {
  @Test
  void portsAreDistinctBindableAndBelowTheEphemeralRange() throws Exception {
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      int port = TestPorts.freePort();
      assertTrue(port >= 20_000 && port < 32_768, "port " + port);
      assertTrue(seen.add(port), "port " + port + " handed out twice");
    }
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", TestPorts.freePort()));
    }
  }

  @Test
  void aPortSomeoneListensOnIsSkipped() throws Exception {
    try (ServerSocket held = new ServerSocket()) {
      int port = TestPorts.freePort();
      held.bind(new InetSocketAddress(port + 1));
      for (int i = 0; i < 50; i++) {
        assertTrue(TestPorts.freePort() != held.getLocalPort());
      }
    }
  }
}
