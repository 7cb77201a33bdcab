package dev.javoy.proxy.http.router;

import dev.javoy.proxy.event.LoopClock;
import dev.javoy.proxy.event.DeadlineQueue;
import dev.javoy.proxy.http.filter.FilterStatus;
import dev.javoy.proxy.http.filter.HttpFilterCallbacks;
import dev.javoy.proxy.http.hcm.DownstreamWatermarkListener;
import dev.javoy.proxy.http.hcm.RecyclableHttpFilter;
import dev.javoy.proxy.http.route.ClusterAction;
import dev.javoy.proxy.http.route.ClusterTarget;
import dev.javoy.proxy.http.route.DirectResponseAction;
import dev.javoy.proxy.http.route.HashPolicy;
import dev.javoy.proxy.http.route.RedirectAction;
import dev.javoy.proxy.http.route.RetryPolicy;
import dev.javoy.proxy.http.route.Route;
import dev.javoy.proxy.http.upgrade.ConnectTermination;
import dev.javoy.proxy.http.upgrade.Tunnel;
import dev.javoy.proxy.http.upgrade.UpgradePolicy;
import dev.javoy.proxy.http.upgrade.UpgradeSwitch;
import dev.javoy.proxy.stream.ResponseFlag;
import dev.javoy.proxy.stream.StreamInfo;
import dev.javoy.proxy.upstream.Host;
import dev.javoy.proxy.upstream.HttpConnectionPool;
import dev.javoy.proxy.upstream.UpstreamCluster;
import dev.javoy.proxy.upstream.UpstreamStream;
import dev.javoy.proxy.upstream.WorkerClusterState;
import dev.javoy.proxy.upstream.http1.ResponseHandler;
import dev.javoy.proxy.upstream.outlier.OutlierResult;
import dev.javoy.proxy.upstream.lb.LbContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The terminal HTTP filter (Envoy's router) for one stream: picks the route's cluster and a host, takes a
 * connection from this worker's pool for the host, streams the request up and the response down as the same
 * buffers, and turns failures into Envoy's local replies and response flags (NR, NC, UH, UO, UF, UC, UT).
 */
public final class RouterFilter extends DeadlineQueue.Entry
    implements RecyclableHttpFilter, ResponseHandler, HttpConnectionPool.Callbacks, DownstreamWatermarkListener {
  private static final io.netty.util.AsciiString IMMEDIATE_HEALTH_CHECK_FAIL =
      dev.javoy.proxy.http.h1.EnvoyHeaderNames.X_ENVOY_IMMEDIATE_HEALTH_CHECK_FAIL;
  private final RouterConfig config;
  private final HttpFilterCallbacks callbacks;
  private final StreamInfo info;
  /** This request's timeouts (filled per request; kept with the filter when it is reused). */
  private final RequestTimeouts timeouts = new RequestTimeouts();
  /**
   * False once this stream started something that may call this filter after the stream ended or that keeps state
   * of its own (retries, mirrors, tunnels, route timers): the filter is then not reused ({@link #recycle}).
   */
  private boolean reusable = true;
  /** {@link #retryAttempt} as the task RetryState schedules: one per filter instance, not one per request. */
  private final Runnable retryAttemptTask = this::retryAttempt;
  /** {@link #onPerTryTimeout} as the per-try timer's task, made once. */
  private final Runnable perTryTimeoutTask = this::onPerTryTimeout;
  private UpstreamCluster cluster;
  private Host host;
  private HttpConnectionPool pool;
  private UpstreamStream upstream;
  private HttpRequest request;
  /** The {@code Upgrade} token of an HTTP/1.1 upgrade request (WebSocket) the connection manager allowed, or null. */
  private String upgrade;
  /** The byte tunnel after a 101, or null. */
  private Tunnel tunnel;
  private Route route;
  private ClusterTarget target;
  /** Adds x-envoy-attempt-count to the router's local replies once an upstream attempt is set up, or null. */
  private Consumer<HttpHeaders> replyHeaders;
  private RouteTimers routeTimers = RouteTimers.NONE;
  private long timeoutMillis;
  /**
   * The per-try timeout of each attempt (0: none), Envoy's {@code finalTimeout}: the retry policy's
   * {@code per_try_timeout} or {@code x-envoy-upstream-rq-per-try-timeout-ms}, with or without a retry state (the
   * first attempt of a request that cannot retry is timed too).
   */
  private long perTryMillis;
  /** The current attempt's per-try timer, armed once its request is complete and it has an upstream stream. */
  private io.netty.util.concurrent.ScheduledFuture<?> perTryTimer;
  /** Request body that arrived before the upstream connection; allocated only when that happens. */
  private ArrayDeque<HttpContent> pendingBody;
  private boolean requestEnded;
  private boolean waitingForPool;
  private boolean responseStarted;
  private boolean done;
  private boolean holdsRequestSlot;
  /** The router's timeout (from the end of the request): this filter is an entry of the loop's queue for it. */
  private DeadlineQueue timeout;
  /** The queue of the last timeout this (reused) filter armed: the next request's route most likely has the same. */
  private DeadlineQueue lastTimeoutQueue;
  private long upstreamStartNanos;
  /** The request's hash key from the route's {@code hash_policy}, or null when the route has none. */
  private HashPolicy.RequestHash requestHash;
  /** The stream's retries, or null when it cannot retry. */
  private RetryState retry;
  /** The request's mirrors ({@code request_mirror_policies}), or null when none samples it. */
  private ShadowRequests shadows;

  RouterFilter(RouterConfig config, HttpFilterCallbacks callbacks) {
    this.config = config;
    this.callbacks = callbacks;
    this.info = callbacks.streamInfo();
  }

  /** The load balancer's pick, or for ORIGINAL_DST clusters the request's original destination. */
  private Host chooseHost(WorkerClusterState state, RetryState retryState) {
    var originalDst = dev.javoy.proxy.upstream.originaldst.OriginalDstCluster.of(cluster);
    if (originalDst != null) {
      String name = originalDst.headerName();
      return originalDst.chooseHost(callbacks.connection(), name == null ? null : request.headers().get(name));
    }
    return retryState != null ? retryState.chooseHost(state, lbContext()) : state.chooseHost(lbContext());
  }

  @Override
  public FilterStatus decodeHeaders(HttpRequest req, boolean endStream) {
    this.request = req;
    config.stats.rqTotal.inc();
    Route route = callbacks.route();
    this.route = route;
    if (route == null) {
      config.stats.noRoute.inc();
      localReply(404, "", ResponseFlag.NO_ROUTE_FOUND, "route_not_found");
      return FilterStatus.STOP_ITERATION;
    }
    if (route.action() instanceof DirectResponseAction d) {
      config.stats.rqDirectResponse.inc();
      done = true;
      DirectResponses.send(callbacks, route, d, req);
      return FilterStatus.STOP_ITERATION;
    }
    if (route.action() instanceof RedirectAction r) {
      config.stats.rqDirectResponse.inc();
      done = true;
      DirectResponses.redirect(callbacks, route, r, req, config.suppressEnvoyHeaders);
      return FilterStatus.STOP_ITERATION;
    }
    ClusterAction action = (ClusterAction) route.action();
    target = action.clusters().select(req, ThreadLocalRandom.current().nextLong());
    cluster = config.clusterManager.get(target.clusterName());
    info.upstreamClusterName = target.clusterName();
    if (cluster == null) {
      config.stats.noCluster.inc();
      localReply(action.clusterNotFoundCode(), "", ResponseFlag.NO_CLUSTER_FOUND, "cluster_not_found");
      return FilterStatus.STOP_ITERATION;
    }
    WorkerClusterState state = cluster.forCurrentWorker();
    RetryPolicy retryPolicy = action.retryPolicy() != null ? action.retryPolicy() : route.virtualHost().retryPolicy();
    retry = RetryState.create(retryPolicy, req, cluster, callbacks.connection() == null
        ? 1 << 20 : callbacks.connection().bufferLimitBytes(), callbacks.eventLoop(), retryAttemptTask, info);
    if (action.hashPolicy() != null) {
      requestHash = action.hashPolicy().compute(req, info.downstreamRemoteAddress,
          callbacks.connection() == null ? info.downstreamDirectRemoteAddress : callbacks.connection().remoteAddress(),
          callbacks.connection() == null ? info.downstreamLocalAddress : callbacks.connection().localAddress());
    }
    host = chooseHost(state, null);
    if (host == null) {
      cluster.stats().upstreamCxNoneHealthy.inc();
      localReply(503, "no healthy upstream", ResponseFlag.NO_HEALTHY_UPSTREAM, "no_healthy_upstream");
      return FilterStatus.STOP_ITERATION;
    }
    if (!cluster.resources().requests.tryAcquire()) {
      cluster.stats().upstreamRqPendingOverflow.inc();
      localReply(503, "upstream connect error or disconnect/reset before headers. reset reason: overflow",
          ResponseFlag.UPSTREAM_OVERFLOW, "upstream_reset_before_response_started{overflow}");
      return FilterStatus.STOP_ITERATION;
    }
    holdsRequestSlot = true;
    if (retry != null) {
      retry.attempted(host);
    }
    info.upstreamHostAddress = host.address();
    info.upstreamHostname = host.hostname();
    info.attemptCount = 1;
    if (route.virtualHost().includeAttemptCountInResponse()) {
      replyHeaders = h -> UpstreamResponseHeaders.addAttemptCount(h, route, info);
    }
    timeouts.compute(action.timeouts(), req);
    UpstreamAltStatName.consume(req.headers()); // consumed as Envoy's router does; javoy emits no alt stats
    timeoutMillis = timeouts.routerMillis();
    // x-envoy-upstream-rq-per-try-timeout-ms over the policy's, and Envoy's per-try >= router timeout rule
    perTryMillis = timeouts.applyRetryPolicy(retryPolicy == null ? 0 : retryPolicy.perTryTimeoutMillis());
    upgrade = UpgradePolicy.requestedUpgrade(req);
    UpstreamRequestHeaders.prepare(req, route, action, target, host, info, timeouts, config.suppressEnvoyHeaders);
    if (info.activeSpan != null) {
      info.activeSpan.injectContext(req.headers()); // the connection manager's tracing
    }
    if (upgrade != null) {
      UpgradePolicy.restore(req.headers(), upgrade);
    } else if (!action.mirrors().isEmpty()) {
      shadows = ShadowRequests.start(action.mirrors(), config.clusterManager, req, endStream, callbacks.eventLoop(),
          info.protocol, callbacks.connection() == null ? 1 << 20 : callbacks.connection().bufferLimitBytes(),
          timeoutMillis);
      if (shadows != null) {
        reusable = false;
      }
    }
    cluster.stats().upstreamRqTotal.inc();
    cluster.stats().upstreamRqActive.inc();
    host.rqTotal.increment();
    host.rqActive.increment();
    if (endStream) {
      requestEnded = true;
      startTimeout();
    }
    if (timeouts.idleMillis() > 0 || timeouts.streamDurationMillis() >= 0) {
      reusable = false;
      routeTimers = new RouteTimers(callbacks.eventLoop(), this::onStreamTimeout);
      routeTimers.start(timeouts.idleMillis(), timeouts.streamDurationMillis(), info.startNanos);
    }
    if (req.method() == HttpMethod.CONNECT && action.upgrades() != null && action.upgrades().connectConfig() != null) {
      startConnectTermination();
      return FilterStatus.STOP_ITERATION;
    }
    pool = state.httpPool(host, callbacks.eventLoop(), info.protocol);
    waitingForPool = true;
    pool.newStream(this);
    return FilterStatus.STOP_ITERATION;
  }

  /** CONNECT with the route's {@code connect_config}: a TCP connection to the host, then a 200 and a byte tunnel. */
  private void startConnectTermination() {
    reusable = false;
    if (retry != null) {
      retry.destroy();
      retry = null;
    }
    upstreamStartNanos = LoopClock.nanoTime();
    tunnel = ConnectTermination.start(callbacks, cluster, host, "HTTP/2".equals(info.protocol),
        new ConnectTermination.Listener() {
          @Override
          public void onConnected(io.netty.channel.Channel ch) {
            info.firstUpstreamTxNanos = upstreamStartNanos;
            info.firstUpstreamRxNanos = LoopClock.nanoTime();
            info.upstreamLocalAddress = ch.localAddress();
            host.rqSuccess.increment();
            responseStarted = true;
            finishUpstream();
          }

          @Override
          public void onConnectFailure(String reason) {
            tunnel = null;
            onPoolFailure(HttpConnectionPool.PoolFailure.CONNECTION_FAILURE, reason);
          }
        });
  }

  @Override
  public FilterStatus decodeData(HttpContent data, boolean endStream) {
    if (tunnel != null) {
      tunnel.onDownstreamData(data, endStream);
      return FilterStatus.STOP_ITERATION;
    }
    if (done || cluster == null) {
      return FilterStatus.STOP_ITERATION;
    }
    data.retain();
    if (shadows != null) {
      shadows.onData(data, endStream);
    }
    routeTimers.activity();
    if (retry != null) {
      retry.buffer(data);
    }
    if (endStream) {
      requestEnded = true;
      startTimeout();
      if (upstream != null) {
        startPerTryTimeout();
      }
    }
    if (upstream != null) {
      upstream.write(data, endStream, true);
      if (!upstream.isWritable()) {
        callbacks.setDownstreamReading(false);
      }
    } else {
      if (pendingBody == null) {
        pendingBody = new ArrayDeque<>(4);
      }
      pendingBody.add(data);
      callbacks.setDownstreamReading(false); // wait for the connection before reading more
    }
    return FilterStatus.STOP_ITERATION;
  }

  private void startTimeout() {
    if (timeoutMillis > 0 && timeout == null && !done) {
      DeadlineQueue q = lastTimeoutQueue;
      if (q == null || !q.isFor(callbacks.eventLoop(), timeoutMillis)) {
        q = DeadlineQueue.of(callbacks.eventLoop(), timeoutMillis);
        lastTimeoutQueue = q;
      }
      timeout = q;
      q.arm(this);
    }
  }

  // ---- connection pool ----

  @Override
  public void onPoolReady(UpstreamStream conn) {
    waitingForPool = false;
    if (done) {
      conn.reset();
      return;
    }
    upstream = conn;
    host.outlier().putResult(OutlierResult.LOCAL_ORIGIN_CONNECT_SUCCESS); // outlier detection
    upstreamStartNanos = LoopClock.nanoTime();
    info.firstUpstreamTxNanos = upstreamStartNanos;
    info.upstreamLocalAddress = conn.channel().localAddress();
    info.upstreamTls = conn.tls();
    conn.startStream(this);
    if (requestEnded) {
      startPerTryTimeout();
    }
    HttpContent c = pendingBody == null ? null : pendingBody.pollFirst();
    if (c == null) {
      conn.write(request, false, false);
      if (requestEnded) {
        conn.write(LastHttpContent.EMPTY_LAST_CONTENT, true, true);
      } else {
        conn.flush();
      }
      return;
    }
    conn.write(request, false, false);
    while (c != null) {
      HttpContent next = pendingBody.pollFirst();
      boolean last = next == null && requestEnded;
      conn.write(c, last, next == null);
      c = next;
    }
    if (!requestEnded) {
      callbacks.setDownstreamReading(conn.isWritable());
    }
  }

  @Override
  public void onPoolFailure(HttpConnectionPool.PoolFailure failure, String reason) {
    waitingForPool = false;
    if (failure == HttpConnectionPool.PoolFailure.OVERFLOW) {
      localReply(503, "upstream connect error or disconnect/reset before headers. reset reason: overflow",
          ResponseFlag.UPSTREAM_OVERFLOW, "upstream_reset_before_response_started{overflow}");
      return;
    }
    info.upstreamTransportFailureReason = reason;
    host.rqError.increment();
    if (retry != null && retry.onConnectFailure()) {
      return;
    }
    localReply(503, "upstream connect error or disconnect/reset before headers. reset reason: "
        + "remote connection failure, transport failure reason: " + reason,
        ResponseFlag.UPSTREAM_CONNECTION_FAILURE,
        "upstream_reset_before_response_started{remote_connection_failure|" + reason.replace(' ', '_') + "}");
  }

  // ---- upstream response ----

  @Override
  public void onResponseHeaders(HttpResponse response) {
    int code = response.status().code();
    cluster.stats().countResponse(code);
    host.outlier().putHttpResponseCode(code); // outlier detection
    if (cluster.healthChecker() != null && response.headers().contains(IMMEDIATE_HEALTH_CHECK_FAIL)) {
      cluster.onImmediateHealthCheckFail(host); // active health checking
    }
    if (code >= 500) {
      host.rqError.increment();
    } else {
      host.rqSuccess.increment();
    }
    cancelPerTryTimeout();
    if (retry != null) {
      if (retry.onResponse(response)) {
        UpstreamStream u = upstream;
        upstream = null;
        if (u != null) {
          u.reset(); // the retriable response is dropped, as Envoy resets its upstream request
        }
        return;
      }
      retry.destroy(); // the response goes downstream: no more retries
      retry = null;
    }
    responseStarted = true;
    info.firstUpstreamRxNanos = LoopClock.nanoTime();
    routeTimers.activity();
    UpstreamResponseHeaders.prepare(response, request,
        config.suppressEnvoyHeaders ? -1 : (info.firstUpstreamRxNanos - upstreamStartNanos) / 1_000_000);
    UpstreamResponseHeaders.finalize(response, route, target, info);
    if (code == 101 && upgrade != null) {
      // Switching protocols: the 101 (a 200 for HTTP/2 extended CONNECT) goes down, then the stream becomes a
      // byte tunnel; the upstream connection is never pooled again.
      UpstreamStream u = upstream;
      upstream = null;
      finishUpstream();
      boolean http2 = "HTTP/2".equals(info.protocol);
      reusable = false;
      tunnel = u == null ? null : UpgradeSwitch.start(callbacks, u, response, upgrade, http2);
      if (tunnel == null) {
        if (u != null) {
          u.reset();
        }
        callbacks.resetStream();
      }
      return;
    }
    if (requestHash != null) {
      for (String cookie : requestHash.setCookies()) {
        response.headers().add(io.netty.handler.codec.http.HttpHeaderNames.SET_COOKIE, cookie);
      }
    }
    callbacks.encodeHeaders(response, false);
  }

  private LbContext lbContext() {
    return requestHash == null ? LbContext.NONE : requestHash;
  }

  @Override
  public void onResponseData(HttpContent content, boolean last) {
    routeTimers.activity();
    if (last) {
      info.lastUpstreamRxNanos = LoopClock.nanoTime();
      UpstreamStream u = upstream;
      upstream = null;
      if (!requestEnded && u != null) {
        u.reset(); // the response ended before the request did: the connection cannot be reused
      }
      finishUpstream();
    }
    callbacks.encodeData(content, last);
    if (!last && upstream != null && !callbacks.downstreamWritable()) {
      upstream.channel().config().setAutoRead(false);
    }
  }

  @Override
  public void onUpstreamReset(String reason) {
    if (done) {
      return;
    }
    upstream = null;
    host.rqError.increment();
    cluster.stats().upstreamRqRxReset.inc();
    if (!responseStarted) {
      host.outlier().putResult(OutlierResult.LOCAL_ORIGIN_CONNECT_FAILED); // outlier detection
      if (retry != null && retry.onReset(reason.contains("refused"))) {
        return;
      }
      localReply(503, "upstream connect error or disconnect/reset before headers. reset reason: " + reason,
          ResponseFlag.UPSTREAM_CONNECTION_TERMINATION,
          "upstream_reset_before_response_started{" + reason.replace(' ', '_') + "}");
    } else {
      info.setResponseFlag(ResponseFlag.UPSTREAM_CONNECTION_TERMINATION);
      info.responseCodeDetails = "upstream_reset_after_response_started{" + reason.replace(' ', '_') + "}";
      config.stats.rqResetAfterDownstreamResponseStarted.inc();
      finishUpstream();
      callbacks.resetStream();
    }
  }

  @Override
  public void onUpstreamWritabilityChanged(boolean writable) {
    if (!requestEnded) {
      callbacks.setDownstreamReading(writable);
    }
  }

  @Override
  public void onDownstreamWritabilityChanged(boolean writable) {
    if (tunnel != null) {
      tunnel.onDownstreamWritabilityChanged(writable);
    }
    UpstreamStream u = upstream;
    if (u != null) {
      u.channel().config().setAutoRead(writable);
      if (writable) {
        u.channel().read();
      }
    }
  }

  /** The router's timeout elapsed. */
  @Override
  protected void onDeadline() {
    timeout = null;
    if (done) {
      return;
    }
    cluster.stats().upstreamRqTimeout.inc();
    host.rqTimeout.increment();
    if (!responseStarted) {
      host.outlier().putResult(OutlierResult.LOCAL_ORIGIN_TIMEOUT); // outlier detection
    }
    UpstreamStream u = upstream;
    upstream = null;
    if (u != null) {
      u.reset();
    } else if (waitingForPool) {
      pool.cancel(this);
      waitingForPool = false;
    }
    if (!responseStarted) {
      localReply(timeouts.timeoutResponseCode(), timeouts.timeoutResponseBody(), ResponseFlag.UPSTREAM_REQUEST_TIMEOUT,
          "upstream_response_timeout");
    } else {
      info.setResponseFlag(ResponseFlag.UPSTREAM_REQUEST_TIMEOUT);
      finishUpstream();
      callbacks.resetStream();
    }
  }

  // ---- completion ----

  private void localReply(int code, String body, ResponseFlag flag, String details) {
    finishUpstream();
    callbacks.sendLocalReply(code, body, flag, details, replyHeaders);
  }

  /** A route timer fired: 504 once the request is complete, 408 before, or a reset once the response started. */
  private void onStreamTimeout(String body, ResponseFlag flag, String details) {
    if (done) {
      return;
    }
    UpstreamStream u = upstream;
    upstream = null;
    if (u != null) {
      u.reset();
    } else if (waitingForPool) {
      pool.cancel(this);
      waitingForPool = false;
    }
    if (!responseStarted) {
      localReply(requestEnded ? 504 : 408, body, flag, details);
    } else {
      if (flag != null) {
        info.setResponseFlag(flag);
      }
      info.responseCodeDetails = details;
      finishUpstream();
      callbacks.resetStream();
    }
  }

  /** Ends the upstream side: timers, circuit breaker slot, stats, upstream log. Idempotent. */
  private void finishUpstream() {
    if (done) {
      return;
    }
    done = true;
    if (timeout != null) {
      cancelDeadline();
      timeout = null;
    }
    cancelPerTryTimeout();
    if (retry != null) {
      retry.destroy();
    }
    routeTimers.cancel();
    if (cluster != null && holdsRequestSlot) {
      holdsRequestSlot = false;
      cluster.resources().requests.release();
      cluster.stats().upstreamRqActive.dec();
      cluster.stats().upstreamRqCompleted.inc();
      host.rqActive.decrement();
      if (upstreamStartNanos != 0) {
        // the response's end, read just now (onResponseData), is the end of the upstream request: no second clock read
        long end = info.lastUpstreamRxNanos != 0 ? info.lastUpstreamRxNanos : LoopClock.nanoTime();
        cluster.stats().upstreamRqTime.record((end - upstreamStartNanos) / 1_000_000);
      }
      for (int i = 0, n = config.upstreamLogs.size(); i < n; i++) { // indexed: no iterator per request
        config.upstreamLogs.get(i).log(info);
      }
    }
    releasePendingBody();
  }

  private void releasePendingBody() {
    HttpContent c;
    while (pendingBody != null && (c = pendingBody.pollFirst()) != null) {
      c.release();
    }
  }

  // ---- retries ----

  /** The back-off is over: a new attempt, to a new host choice, with the request body replayed. */
  private void retryAttempt() {
    if (done) {
      return;
    }
    cancelPerTryTimeout(); // the previous attempt's, should it still be armed (it ended by a reset)
    if (!retry.canRetry()) { // the body outgrew the buffer limit during the back-off: nothing left to replay
      localReply(507, "exceeded request buffer limit while retrying upstream", null,
          "request_payload_exceeded_retry_buffer_limit");
      return;
    }
    WorkerClusterState state = cluster.forCurrentWorker();
    Host next = chooseHost(state, retry);
    if (next == null) {
      cluster.stats().upstreamCxNoneHealthy.inc();
      localReply(503, "no healthy upstream", ResponseFlag.NO_HEALTHY_UPSTREAM, "no_healthy_upstream");
      return;
    }
    host.rqActive.decrement();
    host = next;
    retry.attempted(host);
    host.rqTotal.increment();
    host.rqActive.increment();
    cluster.stats().upstreamRqTotal.inc();
    info.upstreamHostAddress = host.address();
    info.upstreamHostname = host.hostname();
    info.attemptCount++;
    if (route.virtualHost().includeAttemptCountInRequest()) {
      dev.javoy.proxy.http.h1.TrustedHeaders.set(request.headers(), UpstreamRequestHeaders.X_ENVOY_ATTEMPT_COUNT,
          Integer.toString(info.attemptCount));
    }
    long elapsed = requestEnded && info.lastDownstreamRxNanos != 0
        ? (LoopClock.nanoTime() - info.lastDownstreamRxNanos) / 1_000_000 : 0;
    UpstreamRequestHeaders.retryTimeoutHeaders(request.headers(), (ClusterAction) route.action(), timeouts, elapsed,
        config.suppressEnvoyHeaders);
    releasePendingBody();
    pendingBody = retry.replay();
    pool = state.httpPool(host, callbacks.eventLoop(), info.protocol);
    waitingForPool = true;
    pool.newStream(this);
  }

  /** Arms the per-try timeout for the current attempt (once its request is complete), if there is one. */
  private void startPerTryTimeout() {
    if (perTryMillis > 0 && perTryTimer == null && !done) {
      perTryTimer = callbacks.eventLoop().schedule(perTryTimeoutTask, perTryMillis, TimeUnit.MILLISECONDS);
    }
  }

  /** The attempt ended (response headers, reset, retry, or the stream is over), or its timer fired. */
  private void cancelPerTryTimeout() {
    if (perTryTimer != null) {
      perTryTimer.cancel(false);
      perTryTimer = null;
    }
  }

  /**
   * The attempt got no response headers in its per-try timeout: retry it, or 504 with UT (Envoy's
   * {@code onPerTryTimeout}; without a retry state the first attempt's timeout ends the request).
   */
  private void onPerTryTimeout() {
    perTryTimer = null;
    if (done || responseStarted || upstream == null) {
      return;
    }
    cluster.stats().upstreamRqPerTryTimeout.inc();
    host.rqTimeout.increment();
    host.outlier().putResult(OutlierResult.LOCAL_ORIGIN_TIMEOUT); // outlier detection
    UpstreamStream u = upstream;
    upstream = null;
    u.reset();
    if (retry != null && retry.onPerTryTimeout()) {
      return;
    }
    localReply(timeouts.timeoutResponseCode(), timeouts.timeoutResponseBody(), ResponseFlag.UPSTREAM_REQUEST_TIMEOUT,
        "upstream_per_try_timeout");
  }

  @Override
  public void onDestroy() {
    if (shadows != null) {
      shadows.onMainDestroyed();
    }
    if (tunnel != null) {
      tunnel.close();
    }
    if (!done) {
      // The downstream went away mid-stream: abandon the upstream side.
      UpstreamStream u = upstream;
      upstream = null;
      if (u != null) {
        cluster.stats().upstreamRqTxReset.inc();
        u.reset();
      } else if (waitingForPool) {
        pool.cancel(this);
      }
    }
    finishUpstream();
  }

  /**
   * Clears this filter for another stream of the connection manager (same callbacks, same StreamInfo object, reset
   * by the connection manager). Only a stream that started nothing that could still call back is reused: its
   * upstream stream ended or was reset (both drop this handler), its pool wait was cancelled, its router timeout
   * cancelled; a retry state was destroyed by {@link #finishUpstream} (its back-off and per-try timers cancelled on
   * this loop, so they never run); mirrors, tunnels and route timers make it not reusable.
   */
  @Override
  public boolean recycle() {
    if (!reusable || !done || deadlineArmed() || waitingForPool || upstream != null || holdsRequestSlot
        || (pendingBody != null && !pendingBody.isEmpty())) {
      return false;
    }
    if (retry != null) {
      retry.destroy(); // already done by finishUpstream (done is true); idempotent
      retry = null;
    }
    cluster = null;
    host = null;
    pool = null;
    request = null;
    upgrade = null;
    route = null;
    target = null;
    replyHeaders = null;
    routeTimers = RouteTimers.NONE;
    timeoutMillis = 0;
    perTryMillis = 0;
    perTryTimer = null; // cancelled by finishUpstream (done is true)
    requestEnded = false;
    responseStarted = false;
    done = false;
    timeout = null;
    upstreamStartNanos = 0;
    requestHash = null;
    return true; // pendingBody (empty) is kept for the next stream; shadows and tunnel are null when reusable
  }
}
