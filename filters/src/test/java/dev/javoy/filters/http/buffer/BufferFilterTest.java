package dev.javoy.filters.http.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.UInt32Value;
import dev.javoy.filters.http.fault.FakeFilterCallbacks;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.http.filter.FilterStatus;
import dev.javoy.proxy.http.filter.HttpFilter;
import dev.javoy.proxy.http.filter.HttpFilterConfig;
import dev.javoy.proxy.stats.StatsStore;
import io.envoyproxy.envoy.extensions.filters.http.buffer.v3.Buffer;
import io.envoyproxy.envoy.extensions.filters.http.buffer.v3.BufferPerRoute;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

class BufferFilterTest {
  private final StatsStore stats = new StatsStore();

  private HttpFilterConfig config(long max) throws ConfigException {
    return new BufferFactory().create(Buffer.newBuilder().setMaxRequestBytes(UInt32Value.of((int) max)).build(),
        "http.test.", new dev.javoy.proxy.extension.FactoryContext() {
          @Override
          public StatsStore stats() {
            return stats;
          }

          @Override
          public dev.javoy.proxy.extension.ExtensionResolver extensions() {
            return null;
          }

          @Override
          public dev.javoy.proxy.upstream.ClusterManager clusterManager() {
            return null;
          }

          @Override
          public dev.javoy.proxy.server.ServerOptions options() {
            return null;
          }

          @Override
          public String listenerStatPrefix() {
            return "";
          }
        });
  }

  private static HttpRequest chunkedPost() {
    HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/upload");
    r.headers().set("transfer-encoding", "chunked");
    return r;
  }

  private static HttpContent chunk(int n) {
    return new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[n]));
  }

  @Test
  void holdsTheRequestUntilCompleteThenSetsContentLength() throws Exception {
    FakeFilterCallbacks cb = new FakeFilterCallbacks();
    HttpFilter f = config(1000).newFilter(cb);
    HttpRequest req = chunkedPost();
    assertEquals(FilterStatus.STOP_ITERATION, f.decodeHeaders(req, false));
    assertEquals(FilterStatus.STOP_ITERATION, f.decodeData(chunk(300), false));
    assertEquals(FilterStatus.STOP_ITERATION, f.decodeData(chunk(300), false));
    assertEquals(0, cb.continueDecodingCalls);
    assertEquals(FilterStatus.CONTINUE,
        f.decodeData(new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[400])), true));
    assertEquals(1, cb.continueDecodingCalls);
    assertEquals("1000", req.headers().get("content-length"));
    assertNull(req.headers().get("transfer-encoding"));
    assertTrue(cb.localReplies.isEmpty());
  }

  @Test
  void keepsAnExistingContentLength() throws Exception {
    FakeFilterCallbacks cb = new FakeFilterCallbacks();
    HttpFilter f = config(1000).newFilter(cb);
    HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/upload");
    req.headers().set("content-length", "10");
    f.decodeHeaders(req, false);
    f.decodeData(new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[10])), true);
    assertEquals("10", req.headers().get("content-length"));
    assertEquals(1, cb.continueDecodingCalls);
  }

  @Test
  void overTheLimitIs413() throws Exception {
    FakeFilterCallbacks cb = new FakeFilterCallbacks();
    HttpFilter f = config(500).newFilter(cb);
    f.decodeHeaders(chunkedPost(), false);
    assertEquals(FilterStatus.STOP_ITERATION, f.decodeData(chunk(500), false), "exactly the limit is fine");
    assertEquals(FilterStatus.STOP_ITERATION_NO_BUFFER, f.decodeData(chunk(1), false));
    FakeFilterCallbacks.LocalReply r = cb.lastLocalReply();
    assertEquals(413, r.code());
    assertEquals("Payload Too Large", r.body());
    assertEquals("request_payload_too_large", r.details());
    assertNull(r.flag());
    assertEquals(1, stats.counter("http.test.downstream_rq_too_large").value());
    assertEquals(0, cb.continueDecodingCalls);
  }

  @Test
  void headerOnlyRequestsPassStraightThrough() throws Exception {
    FakeFilterCallbacks cb = new FakeFilterCallbacks();
    assertEquals(FilterStatus.CONTINUE, config(10).newFilter(cb)
        .decodeHeaders(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"), true));
  }

  @Test
  void routeMayDisableOrChangeTheLimit() throws Exception {
    HttpFilterConfig cfg = config(10);
    FakeFilterCallbacks off = new FakeFilterCallbacks();
    off.perFilterConfigs = List.of(new BufferFactory().createRouteConfig(
        BufferPerRoute.newBuilder().setDisabled(true).build(), null));
    HttpFilter f = cfg.newFilter(off);
    assertEquals(FilterStatus.CONTINUE, f.decodeHeaders(chunkedPost(), false));
    assertEquals(FilterStatus.CONTINUE, f.decodeData(chunk(100), false));

    FakeFilterCallbacks bigger = new FakeFilterCallbacks();
    bigger.perFilterConfigs = List.of(new BufferFactory().createRouteConfig(BufferPerRoute.newBuilder()
        .setBuffer(Buffer.newBuilder().setMaxRequestBytes(UInt32Value.of(200))).build(), null));
    HttpFilter g = cfg.newFilter(bigger);
    g.decodeHeaders(chunkedPost(), false);
    assertEquals(FilterStatus.STOP_ITERATION, g.decodeData(chunk(100), false));
    assertFalse(bigger.localReplies.size() > 0);
  }

  @Test
  void rejectsBadConfigWithItsPath() {
    ConfigException e = assertThrows(ConfigException.class, () -> BufferSettings.of(Buffer.getDefaultInstance(), ""));
    assertEquals("max_request_bytes", e.path());
    e = assertThrows(ConfigException.class,
        () -> BufferSettings.of(Buffer.newBuilder().setMaxRequestBytes(UInt32Value.of(0)).build(), ""));
    assertEquals("max_request_bytes", e.path());
    e = assertThrows(ConfigException.class,
        () -> BufferSettings.of(BufferPerRoute.newBuilder().setDisabled(false).build(), ""));
    assertEquals("disabled", e.path());
    e = assertThrows(ConfigException.class, () -> BufferSettings.of(BufferPerRoute.newBuilder()
        .setBuffer(Buffer.getDefaultInstance()).build(), ""));
    assertEquals("buffer.max_request_bytes", e.path());
  }
}
