package dev.javoy.filters.tracers.zipkin;

import dev.javoy.proxy.upstream.Host;
import dev.javoy.proxy.upstream.HttpConnectionPool;
import dev.javoy.proxy.upstream.UpstreamCluster;
import dev.javoy.proxy.upstream.UpstreamStream;
import dev.javoy.proxy.upstream.WorkerClusterState;
import dev.javoy.proxy.upstream.http1.ResponseHandler;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Posts a report to the collector through javoy's own upstream cluster {@code collector_cluster}: the worker's
 * load balancer picks the host and its connection pool carries the request (Envoy's async HTTP client), all on the
 * worker's event loop. A 202 counts {@code reports_sent}, another status {@code reports_dropped}, a failure or
 * the 5 s timeout ({@code tracing.zipkin.request_timeout}) {@code reports_failed}.
 */
final class ZipkinCollectorClient {
  static final long REQUEST_TIMEOUT_MILLIS = 5000;

  private final ZipkinTracer tracer;
  private final EventLoop loop;

  ZipkinCollectorClient(ZipkinTracer tracer, EventLoop loop) {
    this.tracer = tracer;
    this.loop = loop;
  }

  void post(byte[] body) {
    UpstreamCluster cluster = tracer.clusters == null ? null : tracer.clusters.get(tracer.collectorCluster);
    if (cluster == null) {
      tracer.stats.reportsFailed.inc();
      return;
    }
    WorkerClusterState state = cluster.forCurrentWorker();
    Host host = state.chooseHost();
    if (host == null) {
      tracer.stats.reportsFailed.inc();
      return;
    }
    HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, tracer.collectorEndpoint);
    req.headers().set(HttpHeaderNames.HOST, tracer.collectorHostname);
    req.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    req.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    new Exchange(state.httpPool(host, loop, "HTTP/1.1"), req, body).start();
  }

  /** One report's request and response. */
  private final class Exchange implements HttpConnectionPool.Callbacks, ResponseHandler {
    private final HttpConnectionPool pool;
    private final HttpRequest request;
    private final byte[] body;
    private UpstreamStream stream;
    private ScheduledFuture<?> timeout;
    private int status;
    private boolean done;

    Exchange(HttpConnectionPool pool, HttpRequest request, byte[] body) {
      this.pool = pool;
      this.request = request;
      this.body = body;
    }

    void start() {
      timeout = loop.schedule(this::onTimeout, REQUEST_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
      pool.newStream(this);
    }

    @Override
    public void onPoolReady(UpstreamStream s) {
      if (done) {
        s.reset();
        return;
      }
      stream = s;
      s.startStream(this);
      s.write(request, false, false);
      s.write(new DefaultLastHttpContent(Unpooled.wrappedBuffer(body)), true, true);
    }

    @Override
    public void onPoolFailure(HttpConnectionPool.PoolFailure failure, String transportFailureReason) {
      finish(false);
    }

    @Override
    public void onResponseHeaders(HttpResponse response) {
      status = response.status().code();
    }

    @Override
    public void onResponseData(HttpContent content, boolean last) {
      content.release();
      if (last) {
        finish(true);
      }
    }

    @Override
    public void onUpstreamReset(String reason) {
      finish(false);
    }

    private void onTimeout() {
      if (done) {
        return;
      }
      if (stream != null) {
        stream.reset();
      } else {
        pool.cancel(this);
      }
      finish(false);
    }

    private void finish(boolean responded) {
      if (done) {
        return;
      }
      done = true;
      if (timeout != null) {
        timeout.cancel(false);
      }
      if (!responded) {
        tracer.stats.reportsFailed.inc();
      } else if (status == 202) {
        tracer.stats.reportsSent.inc();
      } else {
        tracer.stats.reportsDropped.inc();
      }
    }
  }
}
