package dev.javoy.proxy.http.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.http.route.RetryPolicy;
import dev.javoy.proxy.http.route.RouteTables;
import dev.javoy.proxy.stream.ResponseFlag;
import dev.javoy.proxy.stream.StreamInfo;
import dev.javoy.proxy.upstream.UpstreamCluster;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A stream's retry budget, circuit breaker, stats, flags, back-off and body replay. */
class RetryStateTest {
  private static final DefaultEventLoop LOOP = new DefaultEventLoop();

  @AfterAll
  static void stop() {
    LOOP.shutdownGracefully(0, 0, TimeUnit.SECONDS);
  }

  private static RetryPolicy policy(int retryOn, int num) {
    return new RetryPolicy(retryOn, num, 0, new int[0], List.of(), false, 1, 1, 10);
  }

  private static HttpRequest request(String... headers) {
    HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    for (int i = 0; i < headers.length; i += 2) {
      r.headers().add(headers[i], headers[i + 1]);
    }
    return r;
  }

  private static HttpResponse response(int code) {
    return new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code));
  }

  private static UpstreamCluster cluster() throws Exception {
    return RouteTables.context().clusterManager().get("a");
  }

  @Test
  void noPolicyNoRetriesUnlessTheRequestAsks() throws Exception {
    UpstreamCluster c = cluster();
    StreamInfo info = new StreamInfo();
    assertNull(RetryState.create(null, request(), c, 1024, LOOP, () -> {}, info));
    assertNull(RetryState.create(policy(0, 1), request(), c, 1024, LOOP, () -> {}, info), "retry_on empty");
    assertNull(RetryState.create(policy(RetryPolicy.RETRY_ON_5XX, 0), request(), c, 1024, LOOP, () -> {}, info));
    assertNotNull(RetryState.create(null, request("x-envoy-retry-on", "5xx"), c, 1024, LOOP, () -> {}, info));
    // the connection manager strips x-envoy-retry-on from requests that are not internal (InternalHeaders); what
    // reaches the router is honoured, as in Envoy, even when an edge proxy before set x-envoy-external-address
    assertNotNull(RetryState.create(null, request("x-envoy-retry-on", "5xx", "x-envoy-external-address", "1.2.3.4"),
        c, 1024, LOOP, () -> {}, info), "the router does not second-guess the connection manager");
    assertNull(RetryState.create(policy(RetryPolicy.RETRY_ON_5XX, 2), request("x-envoy-max-retries", "0"), c, 1024,
        LOOP, () -> {}, info));
  }

  @Test
  void budgetThenLimitExceededWithUrx() throws Exception {
    UpstreamCluster c = cluster();
    StreamInfo info = new StreamInfo();
    CountDownLatch ran = new CountDownLatch(2);
    long retries = c.stats().upstreamRqRetry.value();
    long backoffs = c.stats().upstreamRqRetryBackoffExponential.value();
    long exceeded = c.stats().upstreamRqRetryLimitExceeded.value();
    RetryState s = RetryState.create(policy(RetryPolicy.RETRY_ON_5XX, 2), request(), c, 1024, LOOP, ran::countDown,
        info);
    assertTrue(s.onResponse(response(503)));
    assertTrue(s.onReset(false));
    assertTrue(ran.await(5, TimeUnit.SECONDS), "the retries ran after their back-off");
    assertFalse(s.onConnectFailure());
    assertTrue(info.hasResponseFlag(ResponseFlag.UPSTREAM_RETRY_LIMIT_EXCEEDED));
    assertEquals(retries + 2, c.stats().upstreamRqRetry.value());
    assertEquals(backoffs + 2, c.stats().upstreamRqRetryBackoffExponential.value());
    assertEquals(exceeded + 1, c.stats().upstreamRqRetryLimitExceeded.value());
    assertEquals(0, c.resources().retries.count(), "the slot is freed by the next decision");
    s.destroy();
  }

  @Test
  void successAfterRetryAndNonRetriableFailures() throws Exception {
    UpstreamCluster c = cluster();
    StreamInfo info = new StreamInfo();
    long success = c.stats().upstreamRqRetrySuccess.value();
    RetryState s = RetryState.create(policy(RetryPolicy.RETRY_ON_CONNECT_FAILURE, 3), request(), c, 1024, LOOP,
        () -> {}, info);
    assertFalse(s.onResponse(response(503)), "connect-failure does not retry responses");
    assertFalse(s.onReset(false));
    assertFalse(s.onPerTryTimeout());
    assertTrue(s.onConnectFailure());
    assertEquals(1, c.resources().retries.count(), "held during the retry");
    assertFalse(s.onResponse(response(200)));
    assertEquals(success + 1, c.stats().upstreamRqRetrySuccess.value());
    assertEquals(0, c.resources().retries.count());
    assertFalse(info.hasAnyResponseFlag());
  }

  @Test
  void circuitBreakerOverflow() throws Exception {
    UpstreamCluster c = cluster();
    long max = c.resources().retries.max();
    long overflow = c.stats().upstreamRqRetryOverflow.value();
    StreamInfo info = new StreamInfo();
    for (long i = 0; i < max; i++) {
      RetryState s = RetryState.create(policy(RetryPolicy.RETRY_ON_RESET, 1), request(), c, 1024, LOOP, () -> {},
          info);
      assertTrue(s.onReset(false));
    }
    RetryState s = RetryState.create(policy(RetryPolicy.RETRY_ON_RESET, 1), request(), c, 1024, LOOP, () -> {}, info);
    assertFalse(s.onReset(false));
    assertTrue(info.hasResponseFlag(ResponseFlag.UPSTREAM_OVERFLOW));
    assertEquals(overflow + 1, c.stats().upstreamRqRetryOverflow.value());
  }

  @Test
  void bodyIsReplayedUntilItOutgrowsTheLimit() throws Exception {
    UpstreamCluster c = cluster();
    RetryState s = RetryState.create(policy(RetryPolicy.RETRY_ON_5XX, 3), request(), c, 10, LOOP, () -> {},
        new StreamInfo());
    assertNull(s.replay());
    HttpContent first = new DefaultHttpContent(Unpooled.copiedBuffer("hello ", StandardCharsets.UTF_8));
    s.buffer(first);
    first.content().skipBytes(6); // written upstream
    first.release();
    var replay = s.replay();
    assertEquals("hello ", replay.peekFirst().content().toString(StandardCharsets.UTF_8));
    replay.forEach(HttpContent::release);
    assertTrue(s.canRetry());
    HttpContent second = new DefaultHttpContent(Unpooled.copiedBuffer("world", StandardCharsets.UTF_8));
    s.buffer(second);
    second.release();
    assertFalse(s.canRetry());
    assertFalse(s.onResponse(response(503)), "no retry once the body is no longer replayable");
    assertEquals(0, second.refCnt());
    s.destroy();
  }
}
