package dev.javoy.proxy.http.router;

import dev.javoy.proxy.accesslog.AccessLogger;
import dev.javoy.proxy.http.filter.FilterStatus;
import dev.javoy.proxy.http.filter.HttpFilter;
import dev.javoy.proxy.http.filter.HttpFilterCallbacks;
import dev.javoy.proxy.http.hcm.DownstreamWatermarkListener;
import dev.javoy.proxy.http.route.ClusterAction;
import dev.javoy.proxy.http.route.DirectResponseAction;
import dev.javoy.proxy.http.route.Route;
import dev.javoy.proxy.stream.ResponseFlag;
import dev.javoy.proxy.stream.StreamInfo;
import dev.javoy.proxy.upstream.Host;
import dev.javoy.proxy.upstream.UpstreamCluster;
import dev.javoy.proxy.upstream.WorkerClusterState;
import dev.javoy.proxy.upstream.http1.Http1ConnectionPool;
import dev.javoy.proxy.upstream.http1.Http1UpstreamConnection;
import dev.javoy.proxy.upstream.http1.ResponseHandler;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The terminal HTTP filter (Envoy's router) for one stream: picks the route's cluster and a host, takes a
 * connection from this worker's pool for the host, streams the request up and the response down as the same
 * buffers, and turns failures into Envoy's local replies and response flags (NR, NC, UH, UO, UF, UC, UT).
 */
public final class RouterFilter implements HttpFilter, ResponseHandler, Http1ConnectionPool.Callbacks,
    DownstreamWatermarkListener {
  private final RouterConfig config;
  private final HttpFilterCallbacks callbacks;
  private final StreamInfo info;
  private UpstreamCluster cluster;
  private Host host;
  private Http1ConnectionPool pool;
  private Http1UpstreamConnection upstream;
  private HttpRequest request;
  private long timeoutMillis;
  /** Request body that arrived before the upstream connection; allocated only when that happens. */
  private ArrayDeque<HttpContent> pendingBody;
  private boolean requestEnded;
  private boolean waitingForPool;
  private boolean responseStarted;
  private boolean done;
  private boolean holdsRequestSlot;
  private ScheduledFuture<?> timeout;
  private long upstreamStartNanos;

  RouterFilter(RouterConfig config, HttpFilterCallbacks callbacks) {
    this.config = config;
    this.callbacks = callbacks;
    this.info = callbacks.streamInfo();
  }

  @Override
  public FilterStatus decodeHeaders(HttpRequest req, boolean endStream) {
    this.request = req;
    config.stats.rqTotal.inc();
    Route route = callbacks.route();
    if (route == null) {
      config.stats.noRoute.inc();
      localReply(404, "", ResponseFlag.NO_ROUTE_FOUND, "route_not_found");
      return FilterStatus.STOP_ITERATION;
    }
    if (route.action() instanceof DirectResponseAction d) {
      config.stats.rqDirectResponse.inc();
      directResponse(d);
      return FilterStatus.STOP_ITERATION;
    }
    ClusterAction action = (ClusterAction) route.action();
    cluster = config.clusterManager.get(action.clusterName());
    info.upstreamClusterName = action.clusterName();
    if (cluster == null) {
      config.stats.noCluster.inc();
      localReply(503, "", ResponseFlag.NO_CLUSTER_FOUND, "cluster_not_found");
      return FilterStatus.STOP_ITERATION;
    }
    WorkerClusterState state = cluster.forCurrentWorker();
    host = state.chooseHost();
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
    info.upstreamHostAddress = host.address();
    info.upstreamHostname = host.hostname();
    info.attemptCount = 1;
    timeoutMillis = action.timeoutMillis();
    UpstreamRequestHeaders.prepare(req, action, timeoutMillis, config.suppressEnvoyHeaders);
    cluster.stats().upstreamRqTotal.inc();
    cluster.stats().upstreamRqActive.inc();
    host.rqTotal.increment();
    host.rqActive.increment();
    if (endStream) {
      requestEnded = true;
      startTimeout();
    }
    pool = state.http1Pool(host, callbacks.eventLoop());
    waitingForPool = true;
    pool.newStream(this);
    return FilterStatus.STOP_ITERATION;
  }

  @Override
  public FilterStatus decodeData(HttpContent data, boolean endStream) {
    if (done || cluster == null) {
      return FilterStatus.STOP_ITERATION;
    }
    data.retain();
    if (endStream) {
      requestEnded = true;
      startTimeout();
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
      timeout = callbacks.eventLoop().schedule(this::onTimeout, timeoutMillis, TimeUnit.MILLISECONDS);
    }
  }

  // ---- connection pool ----

  @Override
  public void onPoolReady(Http1UpstreamConnection conn) {
    waitingForPool = false;
    if (done) {
      conn.reset();
      return;
    }
    upstream = conn;
    upstreamStartNanos = System.nanoTime();
    info.firstUpstreamTxNanos = upstreamStartNanos;
    info.upstreamLocalAddress = conn.channel().localAddress();
    conn.startStream(this);
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
  public void onPoolFailure(Http1ConnectionPool.PoolFailure failure, String reason) {
    waitingForPool = false;
    if (failure == Http1ConnectionPool.PoolFailure.OVERFLOW) {
      localReply(503, "upstream connect error or disconnect/reset before headers. reset reason: overflow",
          ResponseFlag.UPSTREAM_OVERFLOW, "upstream_reset_before_response_started{overflow}");
      return;
    }
    info.upstreamTransportFailureReason = reason;
    host.rqError.increment();
    localReply(503, "upstream connect error or disconnect/reset before headers. reset reason: "
        + "remote connection failure, transport failure reason: " + reason,
        ResponseFlag.UPSTREAM_CONNECTION_FAILURE,
        "upstream_reset_before_response_started{remote_connection_failure|" + reason.replace(' ', '_') + "}");
  }

  // ---- upstream response ----

  @Override
  public void onResponseHeaders(HttpResponse response) {
    responseStarted = true;
    info.firstUpstreamRxNanos = System.nanoTime();
    int code = response.status().code();
    cluster.stats().countResponse(code);
    if (code >= 500) {
      host.rqError.increment();
    } else {
      host.rqSuccess.increment();
    }
    UpstreamResponseHeaders.prepare(response, request,
        config.suppressEnvoyHeaders ? -1 : (info.firstUpstreamRxNanos - upstreamStartNanos) / 1_000_000);
    callbacks.encodeHeaders(response, false);
  }

  @Override
  public void onResponseData(HttpContent content, boolean last) {
    if (last) {
      info.lastUpstreamRxNanos = System.nanoTime();
      Http1UpstreamConnection u = upstream;
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
    Http1UpstreamConnection u = upstream;
    if (u != null) {
      u.channel().config().setAutoRead(writable);
      if (writable) {
        u.channel().read();
      }
    }
  }

  private void onTimeout() {
    timeout = null;
    if (done) {
      return;
    }
    cluster.stats().upstreamRqTimeout.inc();
    host.rqTimeout.increment();
    Http1UpstreamConnection u = upstream;
    upstream = null;
    if (u != null) {
      u.reset();
    } else if (waitingForPool) {
      pool.cancel(this);
      waitingForPool = false;
    }
    if (!responseStarted) {
      localReply(504, "upstream request timeout", ResponseFlag.UPSTREAM_REQUEST_TIMEOUT, "upstream_response_timeout");
    } else {
      info.setResponseFlag(ResponseFlag.UPSTREAM_REQUEST_TIMEOUT);
      finishUpstream();
      callbacks.resetStream();
    }
  }

  // ---- completion ----

  private void localReply(int code, String body, ResponseFlag flag, String details) {
    finishUpstream();
    callbacks.sendLocalReply(code, body, flag, details);
  }

  private void directResponse(DirectResponseAction d) {
    done = true;
    info.responseCodeDetails = "direct_response";
    HttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(d.status()));
    byte[] body = d.body() == null ? new byte[0] : d.body();
    resp.headers().set("content-length", body.length);
    if (body.length > 0) {
      resp.headers().set("content-type", "text/plain");
    }
    callbacks.encodeHeaders(resp, false);
    callbacks.encodeData(new DefaultLastHttpContent(Unpooled.wrappedBuffer(body)), true);
  }

  /** Ends the upstream side: timers, circuit breaker slot, stats, upstream log. Idempotent. */
  private void finishUpstream() {
    if (done) {
      return;
    }
    done = true;
    if (timeout != null) {
      timeout.cancel(false);
      timeout = null;
    }
    if (cluster != null && holdsRequestSlot) {
      holdsRequestSlot = false;
      cluster.resources().requests.release();
      cluster.stats().upstreamRqActive.dec();
      cluster.stats().upstreamRqCompleted.inc();
      host.rqActive.decrement();
      if (upstreamStartNanos != 0) {
        cluster.stats().upstreamRqTime.record((System.nanoTime() - upstreamStartNanos) / 1_000_000);
      }
      for (AccessLogger log : config.upstreamLogs) {
        log.log(info);
      }
    }
    HttpContent c;
    while (pendingBody != null && (c = pendingBody.pollFirst()) != null) {
      c.release();
    }
  }

  @Override
  public void onDestroy() {
    if (!done) {
      // The downstream went away mid-stream: abandon the upstream side.
      Http1UpstreamConnection u = upstream;
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
}
