package dev.javoy.filters.http.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Duration;
import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.http.filter.FilterStatus;
import dev.javoy.proxy.http.filter.HttpFilter;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.stream.ResponseFlag;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.type.v3.FractionalPercent.DenominatorType;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

class FaultFilterTest {
  private final StatsStore stats = new StatsStore();

  static FractionalPercent pct(int numerator) {
    return FractionalPercent.newBuilder().setNumerator(numerator).setDenominator(DenominatorType.HUNDRED).build();
  }

  static FaultAbort.Builder abort(int status, int percent) {
    return FaultAbort.newBuilder().setHttpStatus(status).setPercentage(pct(percent));
  }

  static FaultDelay.Builder delay(long millis, int percent) {
    return FaultDelay.newBuilder().setFixedDelay(Duration.newBuilder().setNanos((int) (millis * 1_000_000)))
        .setPercentage(pct(percent));
  }

  static HttpRequest request(String... headers) {
    HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/x");
    for (int i = 0; i < headers.length; i += 2) {
      r.headers().add(headers[i], headers[i + 1]);
    }
    return r;
  }

  FaultFilterConfig config(HTTPFault f) throws ConfigException {
    return new FaultFilterConfig(FaultSettings.of(f, ""), "http.test.", stats, System::nanoTime);
  }

  long stat(String name) {
    return stats.counter("http.test.fault." + name).value();
  }

  @Test
  void abortsEveryRequestAtHundredPercent() throws Exception {
    FaultFilterConfig cfg = config(HTTPFault.newBuilder().setAbort(abort(503, 100)).build());
    FakeFilterCallbacks cb = new FakeFilterCallbacks();
    HttpFilter f = cfg.newFilter(cb);
    assertEquals(FilterStatus.STOP_ITERATION, f.decodeHeaders(request(), true));
    assertEquals(new FakeFilterCallbacks.LocalReply(503, "fault filter abort", ResponseFlag.FAULT_INJECTED,
        "fault_filter_abort", cb.lastLocalReply().headers()), cb.lastLocalReply());
    assertTrue(cb.info.hasResponseFlag(ResponseFlag.FAULT_INJECTED));
    assertEquals(1, stat("aborts_injected"));
    assertEquals(1, cfg.activeFaults.value());
    f.onDestroy();
    assertEquals(0, cfg.activeFaults.value());
    assertEquals(0, cfg.active.get());
  }

  @Test
  void delaysThenContinuesOnTheEventLoop() throws Exception {
    FaultFilterConfig cfg = config(HTTPFault.newBuilder().setDelay(delay(200, 100)).build());
    FakeFilterCallbacks cb = new FakeFilterCallbacks();
    HttpFilter f = cfg.newFilter(cb);
    assertEquals(FilterStatus.STOP_ITERATION, f.decodeHeaders(request(), false));
    assertTrue(cb.info.hasResponseFlag(ResponseFlag.DELAY_INJECTED));
    assertEquals(FilterStatus.STOP_ITERATION,
        f.decodeData(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[10])), false));
    assertEquals(1, stat("delays_injected"));
    assertEquals(1, cfg.activeFaults.value());
    cb.advance(199);
    assertEquals(0, cb.continueDecodingCalls);
    cb.advance(1);
    assertEquals(1, cb.continueDecodingCalls);
    assertEquals(0, cfg.activeFaults.value(), "the delay is over");
    assertEquals(FilterStatus.CONTINUE, f.decodeData(new DefaultHttpContent(Unpooled.buffer()), true));
    f.onDestroy();
    assertEquals(0, cfg.active.get());
  }

  @Test
  void delayedBodyPastTheBufferLimitPausesReading() throws Exception {
    FaultFilterConfig cfg = config(HTTPFault.newBuilder().setDelay(delay(100, 100)).build());
    FakeFilterCallbacks cb = new FakeFilterCallbacks(new io.netty.channel.embedded.EmbeddedChannel(), 16);
    HttpFilter f = cfg.newFilter(cb);
    f.decodeHeaders(request(), false);
    f.decodeData(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[10])), false);
    assertTrue(cb.downstreamReading.isEmpty());
    f.decodeData(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[10])), false);
    assertEquals(java.util.List.of(false), cb.downstreamReading);
    cb.advance(100);
    assertEquals(java.util.List.of(false, true), cb.downstreamReading);
    assertEquals(1, cb.continueDecodingCalls);
  }

  @Test
  void delayIsFollowedByAnAbort() throws Exception {
    FaultFilterConfig cfg = config(HTTPFault.newBuilder().setDelay(delay(50, 100)).setAbort(abort(500, 100)).build());
    FakeFilterCallbacks cb = new FakeFilterCallbacks();
    HttpFilter f = cfg.newFilter(cb);
    assertEquals(FilterStatus.STOP_ITERATION, f.decodeHeaders(request(), true));
    assertTrue(cb.localReplies.isEmpty(), "no abort before the delay");
    cb.advance(50);
    assertEquals(500, cb.lastLocalReply().code());
    assertEquals(0, cb.continueDecodingCalls);
    assertEquals(1, cfg.activeFaults.value(), "one stream is one active fault");
    f.onDestroy();
    assertEquals(0, cfg.activeFaults.value());
  }

  @Test
  void destroyCancelsTheDelayTimer() throws Exception {
    FaultFilterConfig cfg = config(HTTPFault.newBuilder().setDelay(delay(100, 100)).build());
    FakeFilterCallbacks cb = new FakeFilterCallbacks();
    HttpFilter f = cfg.newFilter(cb);
    f.decodeHeaders(request(), true);
    f.onDestroy();
    cb.advance(1000);
    assertEquals(0, cb.continueDecodingCalls);
    assertEquals(0, cfg.activeFaults.value());
  }

  @Test
  void headerControlledAbortAndDelay() throws Exception {
    FaultFilterConfig cfg = config(HTTPFault.newBuilder()
        .setAbort(FaultAbort.newBuilder().setHeaderAbort(FaultAbort.HeaderAbort.getDefaultInstance())
            .setPercentage(pct(100)))
        .setDelay(FaultDelay.newBuilder().setHeaderDelay(FaultDelay.HeaderDelay.getDefaultInstance())
            .setPercentage(pct(100)))
        .build());
    FakeFilterCallbacks none = new FakeFilterCallbacks();
    assertEquals(FilterStatus.CONTINUE, cfg.newFilter(none).decodeHeaders(request(), true));
    FakeFilterCallbacks bad = new FakeFilterCallbacks();
    assertEquals(FilterStatus.CONTINUE, cfg.newFilter(bad).decodeHeaders(
        request("x-envoy-fault-abort-request", "700", "x-envoy-fault-delay-request", "soon"), true));

    FakeFilterCallbacks aborted = new FakeFilterCallbacks();
    assertEquals(FilterStatus.STOP_ITERATION,
        cfg.newFilter(aborted).decodeHeaders(request("x-envoy-fault-abort-request", "429"), true));
    assertEquals(429, aborted.lastLocalReply().code());

    FakeFilterCallbacks delayed = new FakeFilterCallbacks();
    HttpFilter f = cfg.newFilter(delayed);
    assertEquals(FilterStatus.STOP_ITERATION, f.decodeHeaders(request("x-envoy-fault-delay-request", "30"), true));
    delayed.advance(30);
    assertEquals(1, delayed.continueDecodingCalls);

    FakeFilterCallbacks capped = new FakeFilterCallbacks();
    assertEquals(FilterStatus.CONTINUE, cfg.newFilter(capped).decodeHeaders(
        request("x-envoy-fault-abort-request", "429", "x-envoy-fault-abort-request-percentage", "0"), true));
  }

  @Test
  void grpcStatusAbortIsATrailersOnlyResponseForGrpcRequests() throws Exception {
    FaultFilterConfig cfg = config(HTTPFault.newBuilder()
        .setAbort(FaultAbort.newBuilder().setGrpcStatus(14).setPercentage(pct(100))).build());
    FakeFilterCallbacks grpc = new FakeFilterCallbacks();
    cfg.newFilter(grpc).decodeHeaders(request("content-type", "application/grpc+proto"), true);
    HttpResponse r = grpc.encodedHeaders.get(0);
    assertEquals(200, r.status().code());
    assertEquals("14", r.headers().get("grpc-status"));
    assertEquals("fault filter abort", r.headers().get("grpc-message"));
    assertTrue(grpc.encodedEnd);
    assertTrue(grpc.info.hasResponseFlag(ResponseFlag.FAULT_INJECTED));

    FakeFilterCallbacks plain = new FakeFilterCallbacks();
    cfg.newFilter(plain).decodeHeaders(request(), true);
    assertEquals(200, plain.lastLocalReply().code());
  }

  @Test
  void percentageIsSampledPerRequest() throws Exception {
    FaultFilterConfig cfg = config(HTTPFault.newBuilder().setAbort(abort(503, 30)).build());
    int aborted = 0;
    FakeFilterCallbacks cb = new FakeFilterCallbacks(); // one fake for all the streams: only counts matter
    for (int i = 0; i < 10_000; i++) {
      HttpFilter f = cfg.newFilter(cb);
      if (f.decodeHeaders(request(), true) == FilterStatus.STOP_ITERATION) {
        aborted++;
      }
      f.onDestroy();
    }
    assertEquals(aborted, cb.localReplies.size());
    assertTrue(aborted > 2700 && aborted < 3300, "aborted " + aborted);
  }

  @Test
  void matchesClusterNodesAndHeaders() throws Exception {
    FaultFilterConfig cfg = config(HTTPFault.newBuilder().setAbort(abort(503, 100)).setUpstreamCluster("backend")
        .addDownstreamNodes("node-a")
        .addHeaders(HeaderMatcher.newBuilder().setName("x-test").setPresentMatch(true))
        .build());
    String[] ok = {"x-envoy-downstream-service-node", "node-a", "x-test", "1"};
    FakeFilterCallbacks match = new FakeFilterCallbacks();
    match.route = FakeFilterCallbacks.routeTo("backend");
    assertEquals(FilterStatus.STOP_ITERATION, cfg.newFilter(match).decodeHeaders(request(ok), true));

    FakeFilterCallbacks otherCluster = new FakeFilterCallbacks();
    otherCluster.route = FakeFilterCallbacks.routeTo("other");
    assertEquals(FilterStatus.CONTINUE, cfg.newFilter(otherCluster).decodeHeaders(request(ok), true));

    FakeFilterCallbacks otherNode = new FakeFilterCallbacks();
    otherNode.route = FakeFilterCallbacks.routeTo("backend");
    assertEquals(FilterStatus.CONTINUE, cfg.newFilter(otherNode).decodeHeaders(
        request("x-envoy-downstream-service-node", "node-b", "x-test", "1"), true));

    FakeFilterCallbacks noHeader = new FakeFilterCallbacks();
    noHeader.route = FakeFilterCallbacks.routeTo("backend");
    assertEquals(FilterStatus.CONTINUE, cfg.newFilter(noHeader).decodeHeaders(
        request("x-envoy-downstream-service-node", "node-a"), true));
  }

  @Test
  void maxActiveFaultsOverflows() throws Exception {
    FaultFilterConfig cfg = config(HTTPFault.newBuilder().setDelay(delay(100, 100))
        .setMaxActiveFaults(UInt32Value.of(1)).build());
    FakeFilterCallbacks first = new FakeFilterCallbacks();
    HttpFilter f1 = cfg.newFilter(first);
    assertEquals(FilterStatus.STOP_ITERATION, f1.decodeHeaders(request(), true));
    FakeFilterCallbacks second = new FakeFilterCallbacks();
    assertEquals(FilterStatus.CONTINUE, cfg.newFilter(second).decodeHeaders(request(), true));
    assertEquals(1, stat("faults_overflow"));
    f1.onDestroy();
    FakeFilterCallbacks third = new FakeFilterCallbacks();
    assertEquals(FilterStatus.STOP_ITERATION, cfg.newFilter(third).decodeHeaders(request(), true));
  }

  @Test
  void routeOverrideReplacesTheFilterSettings() throws Exception {
    FaultFilterConfig cfg = config(HTTPFault.newBuilder().setAbort(abort(503, 100)).build());
    FakeFilterCallbacks cb = new FakeFilterCallbacks();
    cb.perFilterConfigs = java.util.List.of(new FaultFactory().createRouteConfig(HTTPFault.getDefaultInstance(), null));
    assertEquals(FilterStatus.CONTINUE, cfg.newFilter(cb).decodeHeaders(request(), true));
    FakeFilterCallbacks other = new FakeFilterCallbacks();
    other.perFilterConfigs = java.util.List.of(new FaultFactory().createRouteConfig(
        HTTPFault.newBuilder().setAbort(abort(418, 100)).build(), null));
    cfg.newFilter(other).decodeHeaders(request(), true);
    assertEquals(418, other.lastLocalReply().code());
  }

  @Test
  void countsPerDownstreamCluster() throws Exception {
    FaultFilterConfig cfg = config(HTTPFault.newBuilder().setAbort(abort(503, 100)).build());
    cfg.newFilter(new FakeFilterCallbacks())
        .decodeHeaders(request("x-envoy-downstream-service-cluster", "frontend"), true);
    assertEquals(1, stat("frontend.aborts_injected"));
    assertEquals(1, stat("aborts_injected"));
    FaultFilterConfig off = config(HTTPFault.newBuilder().setAbort(abort(503, 100))
        .setDisableDownstreamClusterStats(true).build());
    off.newFilter(new FakeFilterCallbacks())
        .decodeHeaders(request("x-envoy-downstream-service-cluster", "web"), true);
    assertNull(stats.find("http.test.fault.web.aborts_injected"));
  }

  @Test
  void rejectsWhatJavoyDoesNotImplementWithItsPath() {
    ConfigException e = assertThrows(ConfigException.class, () -> FaultSettings.of(HTTPFault.newBuilder()
        .setFilterMetadata(Struct.newBuilder().putFields("a", com.google.protobuf.Value.newBuilder()
            .setStringValue("b").build())).build(), ""));
    assertEquals("filter_metadata", e.path());
    e = assertThrows(ConfigException.class,
        () -> FaultSettings.of(HTTPFault.newBuilder().setAbort(abort(100, 100)).build(), ""));
    assertEquals("abort.http_status", e.path());
    e = assertThrows(ConfigException.class, () -> FaultSettings.of(HTTPFault.newBuilder()
        .setAbort(FaultAbort.newBuilder().setPercentage(pct(1))).build(), ""));
    assertEquals("abort", e.path());
    e = assertThrows(ConfigException.class, () -> FaultSettings.of(HTTPFault.newBuilder()
        .setDelay(FaultDelay.newBuilder().setFixedDelay(Duration.getDefaultInstance())).build(), ""));
    assertEquals("delay.fixed_delay", e.path());
  }
}
