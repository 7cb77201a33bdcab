package dev.javoy.filters.listener.original_dst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class SocketOriginalDestinationTest {
  @Test
  void parsesSockaddrIn() {
    ByteBuffer b = ByteBuffer.allocate(16);
    b.order(ByteOrder.nativeOrder()).putShort(0, (short) 2); // AF_INET, host order
    b.order(ByteOrder.BIG_ENDIAN).putShort(2, (short) 8080);
    b.put(4, (byte) 10).put(5, (byte) 77).put(6, (byte) 0).put(7, (byte) 1);
    assertEquals(new InetSocketAddress("10.77.0.1", 8080), SocketOriginalDestination.parse(b));
  }

  @Test
  void parsesSockaddrIn6() {
    ByteBuffer b = ByteBuffer.allocate(28);
    b.order(ByteOrder.nativeOrder()).putShort(0, (short) 10); // AF_INET6
    b.order(ByteOrder.BIG_ENDIAN).putShort(2, (short) 443);
    b.put(8 + 15, (byte) 1); // ::1
    assertEquals(new InetSocketAddress("::1", 443), SocketOriginalDestination.parse(b));
  }

  @Test
  void unknownFamilyOrNonEpollChannelGivesNothing() {
    assertNull(SocketOriginalDestination.parse(ByteBuffer.allocate(16)));
    assertNull(SocketOriginalDestination.of(new EmbeddedChannel()));
  }
}
