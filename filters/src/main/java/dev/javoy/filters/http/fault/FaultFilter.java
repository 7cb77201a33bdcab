package dev.javoy.filters.http.fault;

import dev.javoy.proxy.accesslog.filter.HeaderMatch;
import dev.javoy.proxy.http.filter.FilterStatus;
import dev.javoy.proxy.http.filter.HttpFilter;
import dev.javoy.proxy.http.filter.HttpFilterCallbacks;
import dev.javoy.proxy.http.route.ClusterAction;
import dev.javoy.proxy.http.route.Route;
import dev.javoy.proxy.stream.ResponseFlag;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One stream of {@code envoy.filters.http.fault}, as Envoy's: when the request matches (upstream cluster,
 * downstream node, headers), it may set up a response body rate limit, then delay the request (a timer on the
 * stream's event loop; flag DI) and/or abort it with a local reply (flag FI). A delay is followed by a fresh abort
 * decision. Each stream counts as at most one active fault, and none is injected once {@code max_active_faults}
 * are active.
 */
final class FaultFilter implements HttpFilter {
  static final String DOWNSTREAM_SERVICE_CLUSTER = "x-envoy-downstream-service-cluster";
  static final String DOWNSTREAM_SERVICE_NODE = "x-envoy-downstream-service-node";
  static final String ABORT_BODY = "fault filter abort";
  static final String ABORT_DETAILS = "fault_filter_abort";

  private final FaultFilterConfig config;
  private final HttpFilterCallbacks callbacks;
  private FaultSettings settings;
  private HttpRequest request;
  private String downstreamCluster;
  private ScheduledFuture<?> delayTimer;
  private ResponseRateLimiter limiter;
  private boolean faultActive;
  private long delayedBytes;
  private boolean readingPaused;
  private boolean destroyed;

  FaultFilter(FaultFilterConfig config, HttpFilterCallbacks callbacks) {
    this.config = config;
    this.callbacks = callbacks;
  }

  @Override
  public FilterStatus decodeHeaders(HttpRequest req, boolean endStream) {
    settings = callbacks.perFilterConfig() instanceof FaultSettings perRoute ? perRoute : config.settings;
    request = req;
    if (!matchesUpstreamCluster() || !matchesDownstreamNodes(req) || !matchesHeaders(req)) {
      return FilterStatus.CONTINUE;
    }
    String cluster = req.headers().get(DOWNSTREAM_SERVICE_CLUSTER);
    if (cluster != null && !cluster.isEmpty() && !settings.disableDownstreamClusterStats) {
      downstreamCluster = cluster;
    }
    maybeSetUpResponseRateLimit(req);
    if (maybeDelay(req) || maybeAbort(req)) {
      return FilterStatus.STOP_ITERATION;
    }
    return FilterStatus.CONTINUE;
  }

  private boolean matchesUpstreamCluster() {
    if (settings.upstreamCluster.isEmpty()) {
      return true;
    }
    // The route's cluster as the router names it. A weighted choice is drawn again here (the router draws its
    // own), so with weighted_clusters this may name another of the route's clusters than the router picks.
    Route route = callbacks.route();
    return route != null && route.action() instanceof ClusterAction a
        && a.clusters().select(request, ThreadLocalRandom.current().nextLong()).clusterName()
            .equals(settings.upstreamCluster);
  }

  private boolean matchesDownstreamNodes(HttpRequest req) {
    if (settings.downstreamNodes.isEmpty()) {
      return true;
    }
    String node = req.headers().get(DOWNSTREAM_SERVICE_NODE);
    return node != null && settings.downstreamNodes.contains(node);
  }

  private boolean matchesHeaders(HttpRequest req) {
    for (HeaderMatch m : settings.headers) {
      if (!m.matches(req)) {
        return false;
      }
    }
    return true;
  }

  private void maybeSetUpResponseRateLimit(HttpRequest req) {
    FaultSettings.RateLimit rl = settings.responseRateLimit;
    if (rl == null || !rl.percentage(req).sample()) {
      return;
    }
    long kbps = rl.kbps(req);
    if (kbps <= 0 || !tryActivate()) {
      return;
    }
    config.responseRlInjected.inc();
    limiter = new ResponseRateLimiter(kbps, callbacks, config.clock);
  }

  private boolean maybeDelay(HttpRequest req) {
    FaultSettings.Delay d = settings.delay;
    if (d == null || !d.percentage(req).sample()) {
      return false;
    }
    long millis = d.millis(req);
    if (millis <= 0 || !tryActivate()) {
      return false;
    }
    delayTimer = callbacks.eventLoop().schedule(this::onDelayElapsed, millis, TimeUnit.MILLISECONDS);
    config.delaysInjected.inc();
    if (downstreamCluster != null) {
      config.downstreamClusterCounter(downstreamCluster, "delays_injected").inc();
    }
    callbacks.streamInfo().setResponseFlag(ResponseFlag.DELAY_INJECTED);
    return true;
  }

  /** Aborts the request if the abort fault applies now (a fresh sample); returns whether it did. */
  private boolean maybeAbort(HttpRequest req) {
    FaultSettings.Abort a = settings.abort;
    if (a == null || !a.percentage(req).sample()) {
      return false;
    }
    int http = a.httpStatus(req);
    long grpc = -1;
    if (http == 0) {
      grpc = a.grpcStatus(req);
      if (grpc < 0) {
        return false; // header_abort without (valid) headers
      }
      http = 200; // a gRPC status is carried by a 200 response, as in Envoy
    }
    if (!tryActivate()) {
      return false;
    }
    config.abortsInjected.inc();
    if (downstreamCluster != null) {
      config.downstreamClusterCounter(downstreamCluster, "aborts_injected").inc();
    }
    if (grpc >= 0 && isGrpc(req)) {
      grpcAbort(grpc);
    } else {
      callbacks.sendLocalReply(http, ABORT_BODY, ResponseFlag.FAULT_INJECTED, ABORT_DETAILS);
    }
    return true;
  }

  /** A gRPC trailers-only response carrying the status (Envoy's local reply to a gRPC request). */
  private void grpcAbort(long grpcStatus) {
    callbacks.streamInfo().setResponseFlag(ResponseFlag.FAULT_INJECTED);
    callbacks.streamInfo().responseCodeDetails = ABORT_DETAILS;
    HttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/grpc")
        .set("grpc-status", Long.toString(grpcStatus))
        .set("grpc-message", ABORT_BODY)
        .set(HttpHeaderNames.CONTENT_LENGTH, 0);
    callbacks.encodeHeaders(resp, true);
  }

  static boolean isGrpc(HttpRequest req) {
    String ct = req.headers().get(HttpHeaderNames.CONTENT_TYPE);
    if (ct == null || !ct.regionMatches(true, 0, "application/grpc", 0, 16)) {
      return false;
    }
    return ct.length() == 16 || ct.charAt(16) == '+' || ct.charAt(16) == ';';
  }

  /** Counts this stream as an active fault (once), unless {@code max_active_faults} are active already. */
  private boolean tryActivate() {
    if (faultActive) {
      return true;
    }
    if (config.active.get() >= settings.maxActiveFaults) {
      config.faultsOverflow.inc();
      return false;
    }
    config.active.incrementAndGet();
    config.activeFaults.inc();
    faultActive = true;
    return true;
  }

  private void deactivate() {
    if (faultActive) {
      faultActive = false;
      config.active.decrementAndGet();
      config.activeFaults.dec();
    }
  }

  private void onDelayElapsed() {
    delayTimer = null;
    if (destroyed) {
      return;
    }
    if (maybeAbort(request)) {
      return;
    }
    if (settings.responseRateLimit == null) {
      deactivate(); // the delay is over and nothing else of this stream is a fault
    }
    if (readingPaused) {
      readingPaused = false;
      callbacks.setDownstreamReading(true);
    }
    callbacks.continueDecoding();
  }

  @Override
  public FilterStatus decodeData(HttpContent data, boolean endStream) {
    if (delayTimer == null) {
      return FilterStatus.CONTINUE;
    }
    // Held by the connection manager until the delay ends; past the connection's buffer limit, stop reading
    // (Envoy's StopIterationAndWatermark).
    delayedBytes += data.content().readableBytes();
    if (!readingPaused && delayedBytes > callbacks.connection().bufferLimitBytes()) {
      readingPaused = true;
      callbacks.setDownstreamReading(false);
    }
    return FilterStatus.STOP_ITERATION;
  }

  @Override
  public FilterStatus encodeData(HttpContent data, boolean endStream) {
    if (limiter == null) {
      return FilterStatus.CONTINUE;
    }
    limiter.write(data.retain(), endStream);
    return FilterStatus.STOP_ITERATION_NO_BUFFER;
  }

  @Override
  public void onDestroy() {
    destroyed = true;
    if (delayTimer != null) {
      delayTimer.cancel(false);
      delayTimer = null;
    }
    if (limiter != null) {
      limiter.destroy();
    }
    deactivate();
  }
}
