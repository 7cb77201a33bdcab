package dev.javoy.proxy.http.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.config.ConfigException;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@code request_mirror_policies}: compilation, what is rejected, sampling and the shadow host. */
class RequestMirrorTest {
  private static List<RequestMirror> mirrors(String json) throws Exception {
    var b = RouteAction.newBuilder();
    JsonFormat.parser().merge("{\"cluster\": \"c\", \"request_mirror_policies\": " + json + "}", b);
    return RequestMirror.of(b.build().getRequestMirrorPoliciesList(), "route");
  }

  @Test
  void clusterOrHeader() throws Exception {
    HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    req.headers().set("X-Mirror", "m2");
    List<RequestMirror> m = mirrors("[{\"cluster\": \"m1\"}, {\"cluster_header\": \"x-mirror\"},"
        + " {\"cluster_header\": \"absent\"}]");
    assertEquals("m1", m.get(0).clusterFor(req));
    assertEquals("m2", m.get(1).clusterFor(req));
    assertNull(m.get(2).clusterFor(req));
    assertTrue(m.get(0).sampled(12345), "no runtime_fraction: every request");
  }

  @Test
  void rejectsBadPolicies() {
    ConfigException e = assertThrows(ConfigException.class, () -> mirrors("[{}]"));
    assertTrue(e.getMessage().contains("route.request_mirror_policies[0]"), e.getMessage());
    assertThrows(ConfigException.class, () -> mirrors("[{\"cluster\": \"a\", \"cluster_header\": \"b\"}]"));
    e = assertThrows(ConfigException.class, () -> mirrors("[{\"cluster\": \"a\", \"trace_sampled\": true}]"));
    assertTrue(e.getMessage().contains("trace_sampled"), e.getMessage());
  }

  @Test
  void fractionSamplesItsShare() throws Exception {
    RequestMirror m = mirrors("[{\"cluster\": \"m\", \"runtime_fraction\": {\"default_value\":"
        + " {\"numerator\": 2500, \"denominator\": \"TEN_THOUSAND\"}}}]").get(0);
    SplittableRandom r = new SplittableRandom(7);
    int hits = 0;
    for (int i = 0; i < 100_000; i++) {
      if (m.sampled(r.nextLong())) {
        hits++;
      }
    }
    assertEquals(0.25, hits / 100_000.0, 0.01);
    assertFalse(mirrors("[{\"cluster\": \"m\", \"runtime_fraction\": {\"default_value\": {\"numerator\": 0}}}]")
        .get(0).sampled(1));
  }

  @Test
  void shadowHostGoesBeforeThePort() {
    assertEquals("a-shadow", RequestMirror.shadowHost("a"));
    assertEquals("a.b-shadow:8080", RequestMirror.shadowHost("a.b:8080"));
    assertEquals("[::1]-shadow:80", RequestMirror.shadowHost("[::1]:80"));
    assertEquals("[::1]-shadow", RequestMirror.shadowHost("[::1]"));
  }
}
