package dev.javoy.filters.http.local_ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.BoolValue;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import dev.javoy.filters.http.fault.FakeFilterCallbacks;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.http.filter.FilterStatus;
import dev.javoy.proxy.http.filter.HttpFilter;
import dev.javoy.proxy.http.filter.HttpFilterConfig;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.stream.ResponseFlag;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.LocalRateLimitDescriptor;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.StatusCode;
import io.envoyproxy.envoy.type.v3.TokenBucket;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalRateLimitFilterTest {
  private final StatsStore stats = new StatsStore();

  static RuntimeFractionalPercent percent(int n) {
    return RuntimeFractionalPercent.newBuilder().setRuntimeKey("rl")
        .setDefaultValue(FractionalPercent.newBuilder().setNumerator(n)).build();
  }

  static TokenBucket.Builder bucket(int max, int perFill, long fillSeconds) {
    return TokenBucket.newBuilder().setMaxTokens(max).setTokensPerFill(UInt32Value.of(perFill))
        .setFillInterval(Duration.newBuilder().setSeconds(fillSeconds));
  }

  static LocalRateLimit.Builder limit(int max) {
    return LocalRateLimit.newBuilder().setStatPrefix("rl").setTokenBucket(bucket(max, 1, 60))
        .setFilterEnabled(percent(100)).setFilterEnforced(percent(100))
        .addResponseHeadersToAdd(HeaderValueOption.newBuilder()
            .setHeader(HeaderValue.newBuilder().setKey("x-local-rate-limit").setValue("true"))
            .setAppend(BoolValue.of(false)));
  }

  private HttpFilterConfig filter(LocalRateLimit p) throws ConfigException {
    LocalRateLimitSettings s = LocalRateLimitSettings.of(p, false, "", stats, System::nanoTime);
    return cb -> new LocalRateLimitFilter(s, cb);
  }

  private static HttpRequest request() {
    return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
  }

  private long stat(String name) {
    return stats.counter("rl.http_local_rate_limit." + name).value();
  }

  @Test
  void allowsUpToTheBucketThenAnswers429WithHeaders() throws Exception {
    HttpFilterConfig cfg = filter(limit(2).build());
    for (int i = 0; i < 2; i++) {
      FakeFilterCallbacks cb = new FakeFilterCallbacks();
      assertEquals(FilterStatus.CONTINUE, cfg.newFilter(cb).decodeHeaders(request(), true));
      assertTrue(cb.localReplies.isEmpty());
    }
    FakeFilterCallbacks cb = new FakeFilterCallbacks();
    assertEquals(FilterStatus.STOP_ITERATION, cfg.newFilter(cb).decodeHeaders(request(), true));
    FakeFilterCallbacks.LocalReply r = cb.lastLocalReply();
    assertEquals(429, r.code());
    assertEquals("local_rate_limited", r.body());
    assertEquals("local_rate_limited", r.details());
    assertEquals("true", r.headers().get("x-local-rate-limit"));
    assertTrue(cb.info.hasResponseFlag(ResponseFlag.RATE_LIMITED));
    assertEquals(3, stat("enabled"));
    assertEquals(2, stat("ok"));
    assertEquals(1, stat("rate_limited"));
    assertEquals(1, stat("enforced"));
  }

  @Test
  void notEnforcedAddsRequestHeadersAndForwards() throws Exception {
    HttpFilterConfig cfg = filter(limit(1).setFilterEnforced(percent(0))
        .addRequestHeadersToAddWhenNotEnforced(HeaderValueOption.newBuilder()
            .setHeader(HeaderValue.newBuilder().setKey("x-rl-shadow").setValue("over")))
        .build());
    cfg.newFilter(new FakeFilterCallbacks()).decodeHeaders(request(), true);
    FakeFilterCallbacks cb = new FakeFilterCallbacks();
    HttpRequest req = request();
    assertEquals(FilterStatus.CONTINUE, cfg.newFilter(cb).decodeHeaders(req, true));
    assertEquals("over", req.headers().get("x-rl-shadow"));
    assertTrue(cb.localReplies.isEmpty());
    assertEquals(1, stat("rate_limited"));
    assertEquals(0, stat("enforced"));
  }

  @Test
  void disabledByDefault() throws Exception {
    HttpFilterConfig cfg = filter(LocalRateLimit.newBuilder().setStatPrefix("rl").build());
    for (int i = 0; i < 5; i++) {
      assertEquals(FilterStatus.CONTINUE, cfg.newFilter(new FakeFilterCallbacks()).decodeHeaders(request(), true));
    }
    assertEquals(0, stat("enabled"));
  }

  @Test
  void routeConfigHasItsOwnBucketAndStatus() throws Exception {
    HttpFilterConfig cfg = filter(LocalRateLimit.newBuilder().setStatPrefix("rl").build());
    Object route = new LocalRateLimitFactory().createRouteConfig(limit(1).setStatPrefix("route")
        .setStatus(HttpStatus.newBuilder().setCode(StatusCode.ServiceUnavailable)).build(), contextWith(stats));
    FakeFilterCallbacks first = new FakeFilterCallbacks();
    first.perFilterConfigs = List.of(route);
    assertEquals(FilterStatus.CONTINUE, cfg.newFilter(first).decodeHeaders(request(), true));
    FakeFilterCallbacks second = new FakeFilterCallbacks();
    second.perFilterConfigs = List.of(route);
    cfg.newFilter(second).decodeHeaders(request(), true);
    assertEquals(503, second.lastLocalReply().code());
    assertEquals(1, stats.counter("route.http_local_rate_limit.enforced").value());
  }

  @Test
  void statusBelow400Is429() throws Exception {
    HttpFilterConfig cfg = filter(limit(1).setStatus(HttpStatus.newBuilder().setCode(StatusCode.OK)).build());
    cfg.newFilter(new FakeFilterCallbacks()).decodeHeaders(request(), true);
    FakeFilterCallbacks cb = new FakeFilterCallbacks();
    cfg.newFilter(cb).decodeHeaders(request(), true);
    assertEquals(429, cb.lastLocalReply().code());
  }

  @Test
  void perConnectionBucketsAreSeparate() throws Exception {
    HttpFilterConfig cfg = filter(limit(1).setLocalRateLimitPerDownstreamConnection(true).build());
    EmbeddedChannel a = new EmbeddedChannel();
    EmbeddedChannel b = new EmbeddedChannel();
    assertEquals(FilterStatus.CONTINUE, cfg.newFilter(new FakeFilterCallbacks(a, 1024)).decodeHeaders(request(), true));
    assertEquals(FilterStatus.STOP_ITERATION,
        cfg.newFilter(new FakeFilterCallbacks(a, 1024)).decodeHeaders(request(), true));
    assertEquals(FilterStatus.CONTINUE, cfg.newFilter(new FakeFilterCallbacks(b, 1024)).decodeHeaders(request(), true));
  }

  @Test
  void rejectsWhatJavoyDoesNotImplementWithItsPath() {
    ConfigException e = assertThrows(ConfigException.class, () -> new LocalRateLimitFactory()
        .createRouteConfig(LocalRateLimit.newBuilder().setStatPrefix("x").build(), contextWith(stats)));
    assertEquals("token_bucket", e.path());
    e = assertThrows(ConfigException.class, () -> LocalRateLimitSettings.of(limit(1)
        .addDescriptors(LocalRateLimitDescriptor.getDefaultInstance()).build(), false, "", stats, System::nanoTime));
    assertEquals("descriptors", e.path());
    e = assertThrows(ConfigException.class, () -> LocalRateLimitSettings.of(limit(1)
        .setTokenBucket(bucket(1, 1, 0).setFillInterval(Duration.newBuilder().setNanos(10_000_000))).build(),
        false, "", stats, System::nanoTime));
    assertEquals("token_bucket.fill_interval", e.path());
    e = assertThrows(ConfigException.class, () -> LocalRateLimitSettings.of(limit(1).setStatPrefix("").build(),
        false, "", stats, System::nanoTime));
    assertEquals("stat_prefix", e.path());
    e = assertThrows(ConfigException.class, () -> LocalRateLimitSettings.of(limit(1)
        .setRateLimitedAsResourceExhausted(true).build(), false, "", stats, System::nanoTime));
    assertEquals("rate_limited_as_resource_exhausted", e.path());
  }

  @Test
  void tokenBucketRefillsContinuously() {
    AtomicLong now = new AtomicLong(-5_000_000_000L);
    AtomicTokenBucket b = new AtomicTokenBucket(3, 1, 1_000_000_000L, now::get);
    assertTrue(b.tryConsume());
    assertTrue(b.tryConsume());
    assertTrue(b.tryConsume());
    assertFalse(b.tryConsume());
    now.addAndGet(999_000_000L);
    assertFalse(b.tryConsume());
    now.addAndGet(1_000_000L);
    assertTrue(b.tryConsume());
    now.addAndGet(60_000_000_000L);
    assertEquals(3, b.available(), "capped at max_tokens");
    AtomicTokenBucket none = new AtomicTokenBucket(0, 1, 1, now::get);
    assertFalse(none.tryConsume());
    AtomicTokenBucket huge = new AtomicTokenBucket(0xFFFF_FFFFL, 1, 86_400_000_000_000L, now::get);
    assertTrue(huge.tryConsume(), "no overflow with a huge bucket and a long interval");
  }

  @Test
  void tokenBucketIsExactUnderContention() throws Exception {
    AtomicTokenBucket b = new AtomicTokenBucket(10_000, 1, 3_600_000_000_000L, System::nanoTime);
    AtomicLong granted = new AtomicLong();
    Thread[] threads = new Thread[8];
    for (int t = 0; t < threads.length; t++) {
      threads[t] = new Thread(() -> {
        for (int i = 0; i < 5_000; i++) {
          if (b.tryConsume()) {
            granted.incrementAndGet();
          }
        }
      });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join(10_000);
    }
    assertEquals(10_000, granted.get(), "40,000 tries, 10,000 tokens (refill is 1 an hour)");
  }

  private static dev.javoy.proxy.extension.FactoryContext contextWith(StatsStore stats) {
    return new dev.javoy.proxy.extension.FactoryContext() {
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
    };
  }

  @Test
  void noResponseHeadersMeansNoHeaderHook() throws Exception {
    HttpFilterConfig cfg = filter(LocalRateLimit.newBuilder().setStatPrefix("rl").setTokenBucket(bucket(1, 1, 60))
        .setFilterEnabled(percent(100)).setFilterEnforced(percent(100)).build());
    cfg.newFilter(new FakeFilterCallbacks()).decodeHeaders(request(), true);
    FakeFilterCallbacks cb = new FakeFilterCallbacks();
    cfg.newFilter(cb).decodeHeaders(request(), true);
    assertNull(cb.lastLocalReply().headers().get("x-local-rate-limit"));
  }
}
