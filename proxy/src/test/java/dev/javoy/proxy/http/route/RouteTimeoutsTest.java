package dev.javoy.proxy.http.route;

import static dev.javoy.proxy.http.route.RouteTables.routes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Route timeouts, max_stream_duration and the grpc-timeout header. */
class RouteTimeoutsTest {
  private static RouteTimeouts timeouts(String actionFields) throws Exception {
    RouteTable t = routes("{\"match\": {\"prefix\": \"/\"}, \"route\": {\"cluster\": \"a\"" + actionFields + "}}");
    return ((ClusterAction) t.findVirtualHost("x").routes().get(0).action()).timeouts();
  }

  @Test
  void grpcTimeoutHeaderFormat() {
    assertEquals(1000, GrpcTimeout.parseMillis("1S"));
    assertEquals(7_200_000, GrpcTimeout.parseMillis("2H"));
    assertEquals(180_000, GrpcTimeout.parseMillis("3M"));
    assertEquals(250, GrpcTimeout.parseMillis("250m"));
    assertEquals(2, GrpcTimeout.parseMillis("1001u"), "rounded up");
    assertEquals(1, GrpcTimeout.parseMillis("1n"));
    assertEquals(-1, GrpcTimeout.parseMillis("123456789S"), "at most 8 digits");
    assertEquals(-1, GrpcTimeout.parseMillis("10"));
    assertEquals(-1, GrpcTimeout.parseMillis("S"));
    assertEquals(-1, GrpcTimeout.parseMillis(null));
    assertEquals("1500m", GrpcTimeout.format(1500));
    assertEquals("100000S", GrpcTimeout.format(100_000_000L));
    assertEquals("99999999H", GrpcTimeout.format(Long.MAX_VALUE));
  }

  @Test
  void plainRouteTimeout() throws Exception {
    RouteTimeouts t = timeouts("");
    assertEquals(15_000, t.routerTimeout(false, -1));
    assertEquals(-1, t.streamDuration(-1));
    assertFalse(t.readsGrpcTimeout());
    RouteTimeouts idle = timeouts(", \"timeout\": \"2s\", \"idle_timeout\": \"0.5s\"");
    assertEquals(2_000, idle.routerTimeout(true, 100));
    assertEquals(500, idle.idleTimeoutMillis());
  }

  @Test
  void maxStreamDurationReplacesTheRouterTimeout() throws Exception {
    RouteTimeouts t = timeouts(", \"timeout\": \"2s\", \"max_stream_duration\": {\"max_stream_duration\": \"3s\"}");
    assertEquals(0, t.routerTimeout(false, -1));
    assertEquals(3_000, t.streamDuration(-1));
    assertEquals(3_000, t.streamDuration(500), "grpc-timeout is ignored without grpc_timeout_header_max");
    RouteTimeouts disabled = timeouts(", \"max_stream_duration\": {\"max_stream_duration\": \"0s\"}");
    assertEquals(-1, disabled.streamDuration(-1));
  }

  @Test
  void grpcTimeoutHeaderIsCappedAndOffset() throws Exception {
    RouteTimeouts t = timeouts(", \"max_stream_duration\": {\"grpc_timeout_header_max\": \"1s\","
        + " \"grpc_timeout_header_offset\": \"0.1s\"}");
    assertTrue(t.readsGrpcTimeout());
    assertEquals(900, t.streamDuration(10_000), "capped at 1s, less the offset");
    assertEquals(400, t.streamDuration(500));
    assertEquals(0, t.streamDuration(50), "an offset beyond the timeout times out at once");
    assertEquals(-1, t.streamDuration(-1), "no header: no max_stream_duration either");
    RouteTimeouts uncapped = timeouts(", \"max_stream_duration\": {\"grpc_timeout_header_max\": \"0s\"}");
    assertEquals(60_000, uncapped.streamDuration(60_000));
  }

  @Test
  void deprecatedMaxGrpcTimeoutBoundsTheRouterTimeout() throws Exception {
    RouteTimeouts t = timeouts(", \"timeout\": \"5s\", \"max_grpc_timeout\": \"2s\", \"grpc_timeout_offset\": \"0.1s\"");
    assertEquals(5_000, t.routerTimeout(false, 1_000), "not gRPC: the route timeout");
    assertEquals(900, t.routerTimeout(true, 1_000));
    assertEquals(2_000, t.routerTimeout(true, 10_000));
    assertEquals(2_000, t.routerTimeout(true, -1), "no header: the max");
    RouteTimeouts infinite = timeouts(", \"max_grpc_timeout\": \"0s\"");
    assertEquals(0, infinite.routerTimeout(true, -1));
    assertEquals(7_000, infinite.routerTimeout(true, 7_000));
  }
}
