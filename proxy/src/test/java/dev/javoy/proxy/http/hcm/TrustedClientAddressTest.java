package dev.javoy.proxy.http.hcm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Envoy's x-forwarded-for table for xff_num_trusted_hops, and gRPC local reply mapping. */
class TrustedClientAddressTest {
  private static String pick(String xff, boolean useRemote, int hops) {
    var a = TrustedClientAddress.fromXff(xff, useRemote, hops);
    return a == null ? null : a.getAddress().getHostAddress() + ":" + a.getPort();
  }

  @Test
  void envoysTable() {
    assertEquals("192.0.2.3:0", pick("192.0.2.1, 192.0.2.2,192.0.2.3", false, 0), "default: the rightmost");
    assertEquals("192.0.2.2:0", pick("192.0.2.1, 192.0.2.2,192.0.2.3", false, 1));
    assertNull(pick("192.0.2.1", false, 1), "too few entries: the peer");
    assertNull(pick("192.0.2.1,192.0.2.2", true, 0), "use_remote_address without trusted hops: the peer");
    assertEquals("192.0.2.2:0", pick("192.0.2.1,192.0.2.2", true, 1));
    assertEquals("192.0.2.1:0", pick("192.0.2.1,192.0.2.2", true, 2));
    assertNull(pick("192.0.2.1,192.0.2.2", true, 3));
    assertNull(pick("example.com", false, 0), "never a name lookup");
    assertEquals("2001:db8:0:0:0:0:0:1:0", pick("10.0.0.1, 2001:db8::1", false, 0));
  }

  @Test
  void grpcStatusFromHttp() {
    assertEquals(13, GrpcLocalReply.grpcStatus(400));
    assertEquals(16, GrpcLocalReply.grpcStatus(401));
    assertEquals(7, GrpcLocalReply.grpcStatus(403));
    assertEquals(12, GrpcLocalReply.grpcStatus(404));
    assertEquals(14, GrpcLocalReply.grpcStatus(503));
    assertEquals(14, GrpcLocalReply.grpcStatus(429));
    assertEquals(2, GrpcLocalReply.grpcStatus(500));
    assertEquals("a b%25c%C3%A9", GrpcLocalReply.percentEncode("a b%c\u00e9"));
  }
}
