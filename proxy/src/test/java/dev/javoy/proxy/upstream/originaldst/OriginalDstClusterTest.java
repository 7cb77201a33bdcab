package dev.javoy.proxy.upstream.originaldst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.javoy.proxy.network.DownstreamConnection;
import dev.javoy.proxy.upstream.Host;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OriginalDstClusterTest {
  private final DefaultEventLoop owner = new DefaultEventLoop();

  @AfterEach
  void stop() {
    owner.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
  }

  private static DownstreamConnection redirected(String ip, int port) {
    InetSocketAddress local = new InetSocketAddress(ip, port);
    DownstreamConnection c = new DownstreamConnection(new EmbeddedChannel(), 1, local,
        new InetSocketAddress("10.0.0.9", 40000), "l", "c", null, 0);
    c.setLocalAddressRestored(true);
    return c;
  }

  @Test
  void hostIsTheRestoredDestinationOneHostPerAddress() {
    OriginalDstCluster c = new OriginalDstCluster("pass", null, 0, 5000, owner);
    Host a = c.chooseHost(redirected("10.1.2.3", 80), null);
    assertEquals(new InetSocketAddress("10.1.2.3", 80), a.address());
    assertSame(a, c.chooseHost(redirected("10.1.2.3", 80), null));
    assertNotSame(a, c.chooseHost(redirected("10.1.2.3", 81), null));
    assertEquals(2, c.size());
  }

  @Test
  void noRestoredDestinationNoHost() {
    OriginalDstCluster c = new OriginalDstCluster("pass", null, 0, 5000, owner);
    DownstreamConnection direct = redirected("10.1.2.3", 80);
    direct.setLocalAddressRestored(false);
    assertNull(c.chooseHost(direct, null));
    assertNull(c.chooseHost(null, null));
  }

  @Test
  void headerOverridesWhenEnabledAndValid() {
    OriginalDstCluster c = new OriginalDstCluster("pass", OriginalDstCluster.DEFAULT_HEADER, 0, 5000, owner);
    assertEquals(new InetSocketAddress("10.9.9.9", 8888),
        c.chooseHost(redirected("10.1.2.3", 80), "10.9.9.9:8888").address());
    assertEquals(new InetSocketAddress("10.1.2.3", 80),
        c.chooseHost(redirected("10.1.2.3", 80), "not-an-ip:80").address(), "invalid header: the connection's");
    OriginalDstCluster noHeader = new OriginalDstCluster("pass", null, 0, 5000, owner);
    assertEquals(new InetSocketAddress("10.1.2.3", 80),
        noHeader.chooseHost(redirected("10.1.2.3", 80), "10.9.9.9:8888").address());
  }

  @Test
  void upstreamPortOverride() {
    OriginalDstCluster c = new OriginalDstCluster("pass", OriginalDstCluster.DEFAULT_HEADER, 9090, 5000, owner);
    assertEquals(new InetSocketAddress("10.1.2.3", 9090), c.chooseHost(redirected("10.1.2.3", 80), null).address());
    assertEquals(new InetSocketAddress("10.9.9.9", 9090), c.chooseHost(null, "10.9.9.9:1").address());
  }

  @Test
  void parsesIpPortWithoutDns() {
    assertEquals(new InetSocketAddress("127.0.0.1", 80), OriginalDstCluster.parseIpPort("127.0.0.1:80"));
    assertEquals(new InetSocketAddress("::1", 443), OriginalDstCluster.parseIpPort("[::1]:443"));
    assertNull(OriginalDstCluster.parseIpPort("localhost:80"));
    assertNull(OriginalDstCluster.parseIpPort("::1:443"));
    assertNull(OriginalDstCluster.parseIpPort("10.0.0.1"));
    assertNull(OriginalDstCluster.parseIpPort("10.0.0.1:x"));
    assertNull(OriginalDstCluster.parseIpPort("10.0.0.1:70000"));
  }

  @Test
  void cleanupRemovesHostsUnusedSinceTheLastSweep() {
    OriginalDstCluster c = new OriginalDstCluster("pass", null, 0, 5000, owner);
    Host a = c.chooseHost(redirected("10.1.2.3", 80), null);
    c.chooseHost(redirected("10.1.2.4", 80), null);
    c.cleanup(); // both were used: kept, marked unused
    assertEquals(2, c.size());
    assertSame(a, c.chooseHost(redirected("10.1.2.3", 80), null));
    c.cleanup(); // only 10.1.2.3 was used again
    assertEquals(1, c.size());
    c.cleanup();
    assertEquals(0, c.size());
  }
}
