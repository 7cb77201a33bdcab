package dev.javoy.proxy.http.router;

import dev.javoy.proxy.http.route.RequestMirror;
import dev.javoy.proxy.upstream.Host;
import dev.javoy.proxy.upstream.HttpConnectionPool;
import dev.javoy.proxy.upstream.UpstreamCluster;
import dev.javoy.proxy.upstream.UpstreamStream;
import dev.javoy.proxy.upstream.WorkerClusterState;
import dev.javoy.proxy.upstream.http1.ResponseHandler;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One mirrored copy of a request (Envoy's shadow request) to a mirror cluster: the same headers with the host
 * suffixed {@code -shadow}, and the body chunks as they stream (retained duplicates of the main request's
 * buffers, never a copy of the bytes). Its response is read and dropped; its failures only count in the mirror
 * cluster's stats. It never slows the main request: when the shadow cannot keep up, body bytes waiting for it
 * beyond the connection's buffer limit make it give up (reset), as Envoy's shadow stream does past its buffer
 * limit. Lives on the main stream's event loop.
 */
final class ShadowRequest implements ResponseHandler, HttpConnectionPool.Callbacks {
  private final UpstreamCluster cluster;
  private final Host host;
  private final HttpConnectionPool pool;
  private final HttpRequest request;
  private final EventLoop loop;
  private final long bufferLimit;
  private final long timeoutMillis;
  private UpstreamStream upstream;
  /** Body waiting for the connection; allocated only when that happens. */
  private ArrayDeque<HttpContent> pending;
  /** Body bytes given to the shadow and not yet on its connection's socket (queued here or behind watermarks). */
  private long backlogBytes;
  private boolean requestEnded;
  private boolean waitingForPool;
  private boolean done;
  private ScheduledFuture<?> timeout;

  private ShadowRequest(UpstreamCluster cluster, Host host, HttpRequest request, EventLoop loop, String protocol,
      long bufferLimit, long timeoutMillis) {
    this.cluster = cluster;
    this.host = host;
    this.request = request;
    this.loop = loop;
    this.bufferLimit = bufferLimit;
    this.timeoutMillis = timeoutMillis;
    this.pool = cluster.forCurrentWorker().httpPool(host, loop, protocol);
  }

  /**
   * Starts a shadow of {@code main} (its headers as they go upstream) to {@code cluster}; null when the cluster
   * has no host or its request circuit breaker is full (counted in the mirror cluster's stats).
   */
  static ShadowRequest start(RequestMirror mirror, UpstreamCluster cluster, HttpRequest main, boolean endStream,
      EventLoop loop, String protocol, long bufferLimit, long timeoutMillis) {
    WorkerClusterState state = cluster.forCurrentWorker();
    Host host = state.chooseHost();
    if (host == null) {
      cluster.stats().upstreamCxNoneHealthy.inc();
      return null;
    }
    if (!cluster.resources().requests.tryAcquire()) {
      cluster.stats().upstreamRqPendingOverflow.inc();
      return null;
    }
    HttpRequest copy = new DefaultHttpRequest(main.protocolVersion(), main.method(), main.uri(),
        main.headers().copy());
    if (mirror.appendShadowSuffix()) {
      String h = copy.headers().get(HttpHeaderNames.HOST);
      if (h != null) {
        copy.headers().set(HttpHeaderNames.HOST, RequestMirror.shadowHost(h));
      }
    }
    ShadowRequest s = new ShadowRequest(cluster, host, copy, loop, protocol, bufferLimit, timeoutMillis);
    cluster.stats().upstreamRqTotal.inc();
    cluster.stats().upstreamRqActive.inc();
    host.rqTotal.increment();
    host.rqActive.increment();
    if (endStream) {
      s.requestEnded = true;
      s.startTimeout();
    }
    s.waitingForPool = true;
    s.pool.newStream(s);
    return s;
  }

  /** A chunk of the main request's body: {@code data} is the shadow's own retained duplicate. */
  void onData(HttpContent data, boolean endStream) {
    if (done) {
      data.release();
      return;
    }
    if (endStream) {
      requestEnded = true;
      startTimeout();
    }
    int bytes = data.content().readableBytes();
    if (upstream != null && upstream.isWritable()) {
      upstream.write(data, endStream, true);
      return;
    }
    backlogBytes += bytes;
    if (backlogBytes > bufferLimit) {
      data.release();
      abandon(); // the shadow cannot keep up: give it up rather than hold the bytes or slow the main request
      return;
    }
    if (upstream != null) {
      upstream.write(data, endStream, true); // queued behind the watermark, counted in the backlog
      return;
    }
    if (pending == null) {
      pending = new ArrayDeque<>(4);
    }
    pending.add(data);
  }

  /** The main request ended before its body did (downstream reset): the shadow cannot be completed. */
  void onMainAbandoned() {
    if (!done && !requestEnded) {
      abandon();
    }
  }

  private void startTimeout() {
    if (timeoutMillis > 0 && timeout == null && !done) {
      timeout = loop.schedule(this::onTimeout, timeoutMillis, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void onPoolReady(UpstreamStream conn) {
    waitingForPool = false;
    if (done) {
      conn.reset();
      return;
    }
    upstream = conn;
    conn.startStream(this);
    conn.write(request, false, false);
    HttpContent c = pending == null ? null : pending.pollFirst();
    if (c == null) {
      if (requestEnded) {
        conn.write(LastHttpContent.EMPTY_LAST_CONTENT, true, true);
      } else {
        conn.flush();
      }
      return;
    }
    while (c != null) {
      HttpContent next = pending.pollFirst();
      conn.write(c, next == null && requestEnded, next == null);
      c = next;
    }
    backlogBytes = 0;
  }

  @Override
  public void onPoolFailure(HttpConnectionPool.PoolFailure failure, String reason) {
    waitingForPool = false;
    if (failure == HttpConnectionPool.PoolFailure.CONNECTION_FAILURE) {
      host.rqError.increment();
    }
    finish();
  }

  @Override
  public void onResponseHeaders(HttpResponse response) {
    int code = response.status().code();
    cluster.stats().countResponse(code);
    if (code >= 500) {
      host.rqError.increment();
    } else {
      host.rqSuccess.increment();
    }
  }

  @Override
  public void onResponseData(HttpContent content, boolean last) {
    content.release(); // the shadow's response is dropped
    if (last) {
      UpstreamStream u = upstream;
      upstream = null;
      if (!requestEnded && u != null) {
        u.reset(); // the response ended before the request did: the connection cannot be reused
      }
      finish();
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
    finish();
  }

  @Override
  public void onUpstreamWritabilityChanged(boolean writable) {
    if (writable) {
      backlogBytes = 0; // what was queued went below the low watermark
    }
  }

  private void onTimeout() {
    timeout = null;
    if (done) {
      return;
    }
    cluster.stats().upstreamRqTimeout.inc();
    host.rqTimeout.increment();
    abandon();
  }

  private void abandon() {
    UpstreamStream u = upstream;
    upstream = null;
    if (u != null) {
      cluster.stats().upstreamRqTxReset.inc();
      u.reset();
    } else if (waitingForPool) {
      waitingForPool = false;
      pool.cancel(this);
    }
    finish();
  }

  private void finish() {
    if (done) {
      return;
    }
    done = true;
    if (timeout != null) {
      timeout.cancel(false);
      timeout = null;
    }
    cluster.resources().requests.release();
    cluster.stats().upstreamRqActive.dec();
    cluster.stats().upstreamRqCompleted.inc();
    host.rqActive.decrement();
    HttpContent c;
    while (pending != null && (c = pending.pollFirst()) != null) {
      c.release();
    }
  }
}
