package dev.javoy.proxy.tcp;

import dev.javoy.proxy.accesslog.AccessLogs;
import dev.javoy.proxy.log.Log;
import dev.javoy.proxy.network.DownstreamConnection;
import dev.javoy.proxy.network.HalfClosure;
import dev.javoy.proxy.server.Transport;
import dev.javoy.proxy.stream.ResponseFlag;
import dev.javoy.proxy.stream.StreamInfo;
import dev.javoy.proxy.tcp.RelayHandler.Side;
import dev.javoy.proxy.upstream.Addresses;
import dev.javoy.proxy.upstream.ClusterStats;
import dev.javoy.proxy.upstream.Host;
import dev.javoy.proxy.upstream.JitteredBackoff;
import dev.javoy.proxy.upstream.UpstreamCluster;
import dev.javoy.proxy.upstream.UpstreamConnector;
import dev.javoy.proxy.upstream.lb.LbContext;
import dev.javoy.proxy.upstream.lb.XxHash64;
import dev.javoy.proxy.upstream.outlier.OutlierResult;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One proxied TCP connection (Envoy's {@code TcpProxy::Filter}): picks a cluster and host, opens the upstream
 * connection on the downstream's event loop (retrying on a freshly chosen host up to {@code max_connect_attempts}),
 * then relays bytes both ways as the same buffers. Reading one side pauses while the other side's write buffer
 * is above its high watermark. A FIN from one side shuts down output on the other once its writes are out, and
 * the reverse direction keeps flowing until it also ends. Everything runs on the downstream's event loop.
 */
final class TcpProxySession {
  private static final Logger LOG = Log.get("filter");

  private final TcpProxyFilter filter;
  private final TcpProxyConfig config;
  private final TcpProxyStats stats;
  private final DownstreamConnection connection;
  private final Channel downstream;
  private final StreamInfo info = new StreamInfo();
  private final ByteRelay relay;

  private UpstreamCluster cluster;
  private ClusterStats clusterStats;
  private JitteredBackoff retryBackoff;
  private Channel connecting;
  private Channel upstream;
  private long upstreamConnectedNanos;
  private boolean upstreamClosedLocally;
  private boolean upstreamFlushing;
  private int attempts;

  private boolean started;
  private boolean downstreamClosed;
  private boolean finished;
  private long lastActivityNanos = System.nanoTime();
  private ScheduledFuture<?> retryTimer;
  private ScheduledFuture<?> idleTimer;
  private ScheduledFuture<?> durationTimer;
  private ScheduledFuture<?> flushTimer;

  TcpProxySession(TcpProxyFilter filter, DownstreamConnection connection) {
    this.filter = filter;
    this.config = filter.config();
    this.stats = filter.stats();
    this.connection = connection;
    this.downstream = connection.channel();
    this.relay = new ByteRelay(this, stats, info, downstream);
    connection.setStreamInfo(info); // for network filters before tcp_proxy (Istio's TCP stats)
  }

  /** Adds the downstream handler; the upstream connect starts once the downstream is active. */
  void install() {
    downstream.config().setAutoRead(false);
    HalfClosure.allow(downstream); // the listener set the watermarks
    downstream.pipeline().addLast(new RelayHandler(this, relay, Side.DOWNSTREAM));
    downstream.closeFuture().addListener(f -> onDownstreamClosed());
    if (downstream.isActive()) {
      start();
    }
  }

  void start() {
    if (started) {
      return;
    }
    started = true;
    stats.downstreamCxTotal.inc();
    info.downstreamLocalAddress = connection.localAddress();
    info.downstreamRemoteAddress = connection.remoteAddress();
    info.downstreamDirectRemoteAddress = connection.remoteAddress();
    info.connectionId = connection.id();
    info.filterChainName = connection.filterChainName();
    info.requestedServerName = connection.requestedServerName();
    info.downstreamTls = connection.tls();
    if (config.maxDurationMillis() > 0) {
      durationTimer = schedule(this::onMaxDuration, config.maxDurationMillis());
    }
    cluster = filter.clusters().get(config.clusters().pick());
    if (cluster == null) {
      info.setResponseFlag(ResponseFlag.NO_CLUSTER_FOUND);
      stats.downstreamCxNoRoute.inc();
      downstream.close();
      return;
    }
    clusterStats = cluster.stats();
    info.upstreamClusterName = cluster.name();
    if (config.backoffBaseMillis() > 0) {
      retryBackoff = new JitteredBackoff(config.backoffBaseMillis(), config.backoffMaxMillis());
    }
    connectNext();
  }

  // ---- connecting -------------------------------------------------------------------------------------------

  private void connectNext() {
    retryTimer = null;
    if (downstreamClosed) {
      maybeFinish();
      return;
    }
    var originalDst = dev.javoy.proxy.upstream.originaldst.OriginalDstCluster.of(cluster); // ORIGINAL_DST hook
    Host host = originalDst != null ? originalDst.chooseHost(connection, null)
        : config.hashSourceIp() && info.downstreamRemoteAddress != null
        ? cluster.forCurrentWorker().chooseHost(LbContext.ofHash(
            XxHash64.hash(Addresses.hostOnly(info.downstreamRemoteAddress))))
        : cluster.forCurrentWorker().chooseHost();
    if (host == null) {
      info.setResponseFlag(ResponseFlag.NO_HEALTHY_UPSTREAM);
      clusterStats.upstreamCxNoneHealthy.inc();
      downstream.close();
      return;
    }
    if (!cluster.resources().connections.tryAcquire()) {
      info.setResponseFlag(ResponseFlag.UPSTREAM_OVERFLOW);
      clusterStats.upstreamCxOverflow.inc();
      downstream.close();
      return;
    }
    attempts++;
    info.attemptCount = attempts;
    clusterStats.upstreamCxTotal.inc();
    clusterStats.upstreamCxActive.inc();
    host.cxTotal.increment();
    host.cxActive.increment();
    long startNanos = System.nanoTime();
    UpstreamCluster c = cluster;
    ChannelFuture f = new UpstreamConnector(c, host, downstream.eventLoop(), Transport.current(),
        new RelayHandler(this, relay, Side.UPSTREAM)).connect();
    Channel ch = f.channel();
    connecting = ch;
    ch.closeFuture().addListener(x -> onUpstreamClosed(c, host, ch));
    f.addListener(x -> {
      if (x.isSuccess()) {
        onConnected(ch, host, startNanos);
      } else {
        onConnectFailed(host, x.cause());
      }
    });
  }

  /** Upstream channel settings, applied before it connects. */
  void configureUpstream(Channel ch) {
    HalfClosure.allow(ch);
    int limit = cluster.perConnectionBufferLimitBytes();
    ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(limit / 2, limit));
  }

  private void onConnected(Channel ch, Host host, long startNanos) {
    connecting = null;
    if (downstreamClosed) {
      upstreamClosedLocally = true;
      ch.close();
      return;
    }
    upstream = ch;
    HalfClosure.allow(ch); // connected now: the epoll workaround applies
    host.outlier().putResult(OutlierResult.LOCAL_ORIGIN_CONNECT_SUCCESS_FINAL); // outlier detection
    upstreamConnectedNanos = System.nanoTime();
    clusterStats.upstreamCxConnectMs.record((upstreamConnectedNanos - startNanos) / 1_000_000);
    info.upstreamHostAddress = ch.remoteAddress() != null ? ch.remoteAddress() : host.address();
    info.upstreamHostname = host.hostname();
    info.upstreamLocalAddress = ch.localAddress();
    info.upstreamTls = dev.javoy.proxy.tls.TlsConnectionInfo.upstreamOf(ch);
    info.upstreamFilterState = dev.javoy.proxy.upstream.UpstreamFilterState.of(ch); // Cluster.filters' findings
    relay.attachUpstream(ch, clusterStats);
    touch();
    if (config.idleTimeoutMillis() > 0) {
      idleTimer = schedule(this::onIdleCheck, config.idleTimeoutMillis());
    }
    if (config.flushAccessLogOnConnected()) {
      AccessLogs.logAll(config.accessLoggers(), info);
    }
    if (config.accessLogFlushIntervalMillis() > 0) {
      flushTimer = schedule(this::onAccessLogFlush, config.accessLogFlushIntervalMillis());
    }
  }

  private void onConnectFailed(Host host, Throwable cause) {
    connecting = null;
    if (downstreamClosed) {
      maybeFinish(); // we cancelled the attempt
      return;
    }
    clusterStats.upstreamCxConnectFail.inc();
    host.cxConnectFail.increment();
    host.outlier().putResult(OutlierResult.LOCAL_ORIGIN_CONNECT_FAILED); // outlier detection
    if (cause instanceof ConnectTimeoutException) {
      clusterStats.upstreamCxConnectTimeout.inc();
    }
    info.upstreamHostAddress = host.address();
    info.upstreamHostname = host.hostname();
    info.upstreamTransportFailureReason = UpstreamConnector.failureReason(cause);
    info.setResponseFlag(ResponseFlag.UPSTREAM_CONNECTION_FAILURE);
    if (attempts < config.maxConnectAttempts()) {
      long delay = retryBackoff == null ? 0 : retryBackoff.nextDelayMillis();
      if (delay == 0) {
        connectNext();
      } else {
        retryTimer = schedule(this::connectNext, delay);
      }
      return;
    }
    info.setResponseFlag(ResponseFlag.UPSTREAM_RETRY_LIMIT_EXCEEDED);
    filter.connectAttemptsExceeded(cluster).inc();
    downstream.close();
  }

  void onError(Side side, Throwable cause) {
    LOG.log(Level.FINE, () -> "tcp_proxy " + side.name().toLowerCase() + " connection error: " + cause);
    if (side == Side.DOWNSTREAM) {
      downstream.close();
    } else if (upstream != null) {
      upstream.close();
    }
  }

  // ---- timers -----------------------------------------------------------------------------------------------

  /** Traffic moved: the idle timeout starts over. */
  void touch() {
    lastActivityNanos = System.nanoTime();
  }

  private ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
    return downstream.eventLoop().schedule(task, delayMillis, TimeUnit.MILLISECONDS);
  }

  private void onIdleCheck() {
    idleTimer = null;
    if (finished) {
      return;
    }
    long idleMillis = (System.nanoTime() - lastActivityNanos) / 1_000_000;
    if (idleMillis >= config.idleTimeoutMillis()) {
      stats.idleTimeout.inc();
      closeBoth();
    } else {
      idleTimer = schedule(this::onIdleCheck, config.idleTimeoutMillis() - idleMillis);
    }
  }

  private void onMaxDuration() {
    durationTimer = null;
    if (!finished) {
      stats.maxDownstreamConnectionDuration.inc();
      info.setResponseFlag(ResponseFlag.DURATION_TIMEOUT);
      closeBoth();
    }
  }

  private void onAccessLogFlush() {
    if (!finished) {
      AccessLogs.logAll(config.accessLoggers(), info);
      flushTimer = schedule(this::onAccessLogFlush, config.accessLogFlushIntervalMillis());
    }
  }

  // ---- closing ----------------------------------------------------------------------------------------------

  /** Whether downstream bytes read now are to be held for an upstream connect under way or about to retry. */
  boolean awaitingUpstream() {
    return !downstreamClosed && (connecting != null || retryTimer != null);
  }

  void closeBoth() {
    if (upstream != null) {
      upstreamClosedLocally = true;
      upstream.close();
    }
    if (connecting != null) {
      connecting.close();
    }
    downstream.close();
  }

  /** The downstream closed: cancel a connect under way, or let the upstream flush what it still has to send. */
  private void onDownstreamClosed() {
    downstreamClosed = true;
    if (retryTimer != null) {
      retryTimer.cancel(false);
      retryTimer = null;
    }
    if (connecting != null) {
      connecting.close();
    }
    if (upstream != null && upstream.isOpen()) {
      upstreamClosedLocally = true;
      if (BufferedBytes.pending(upstream) > 0) {
        upstreamFlushing = true;
        stats.upstreamFlushTotal.inc();
        stats.upstreamFlushActive.inc();
        relay.stopUpstreamReading();
        Channel u = upstream;
        u.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> u.close());
      } else {
        upstream.close();
      }
    }
    maybeFinish();
  }

  /** An upstream channel closed (after connecting, or a failed or cancelled attempt): release what it held. */
  private void onUpstreamClosed(UpstreamCluster c, Host host, Channel ch) {
    ClusterStats cs = c.stats();
    c.resources().connections.release();
    cs.upstreamCxActive.dec();
    cs.upstreamCxDestroy.inc();
    host.cxActive.decrement();
    if (ch == upstream) {
      cs.upstreamCxLengthMs.record((System.nanoTime() - upstreamConnectedNanos) / 1_000_000);
      (upstreamClosedLocally ? cs.upstreamCxDestroyLocal : cs.upstreamCxDestroyRemote).inc();
      if (upstreamFlushing) {
        upstreamFlushing = false;
        stats.upstreamFlushActive.dec();
      }
      upstream = null;
      relay.detachUpstream();
      if (!downstreamClosed) {
        // The upstream is gone: the downstream gets what the upstream sent, then closes.
        downstream.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> downstream.close());
      }
    }
    maybeFinish();
  }

  /** Once both connections are closed: stop timers, settle gauges, write the access log. */
  private void maybeFinish() {
    if (finished || !downstreamClosed || connecting != null || upstream != null || retryTimer != null) {
      return;
    }
    finished = true;
    for (ScheduledFuture<?> t : new ScheduledFuture<?>[] {idleTimer, durationTimer, flushTimer}) {
      if (t != null) {
        t.cancel(false);
      }
    }
    relay.release();
    info.endNanos = System.nanoTime();
    AccessLogs.logAll(config.accessLoggers(), info);
  }
}
