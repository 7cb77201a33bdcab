package dev.javoy.proxy.upstream.http1;

import dev.javoy.proxy.event.DeadlineQueue;
import dev.javoy.proxy.server.Transport;
import dev.javoy.proxy.upstream.ClusterStats;
import dev.javoy.proxy.upstream.ConnectionAccounting;
import dev.javoy.proxy.upstream.Host;
import dev.javoy.proxy.upstream.HttpConnectionPool;
import dev.javoy.proxy.upstream.ResourceLimits;
import dev.javoy.proxy.upstream.UpstreamCluster;
import dev.javoy.proxy.upstream.UpstreamConnector;
import dev.javoy.proxy.tls.UpstreamAlpn;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/1.1 keep-alive connections to one host, owned by one worker (Envoy's per-worker {@code ConnPool}). All
 * methods run on that worker's event loop; nothing is shared, so nothing is locked. A connection serves one
 * stream at a time and returns here only when both its request and its response completed cleanly.
 */
public final class Http1ConnectionPool implements HttpConnectionPool {
  private final UpstreamCluster cluster;
  private final Host host;
  private final UpstreamConnector connector;
  private final ClusterStats stats;
  private final ResourceLimits limits;
  private final ArrayDeque<Http1UpstreamConnection> idle = new ArrayDeque<>();
  private final ArrayDeque<Callbacks> pending = new ArrayDeque<>();
  private final EventLoop loop;
  /** The loop's queue for the cluster's {@code idle_timeout}, found on first use (on the loop's thread). */
  private DeadlineQueue idleTimeoutQueue;
  private int connecting;
  private boolean draining;

  public Http1ConnectionPool(UpstreamCluster cluster, Host host, EventLoop loop, Transport transport) {
    this.cluster = cluster;
    this.host = host;
    this.stats = cluster.stats();
    this.limits = cluster.resources();
    HttpUpstreamCodecs codecs = new HttpUpstreamCodecs(cluster.http().maxHeadersCount(), cluster.http().headerKeyFormat());
    this.loop = loop;
    this.connector = new UpstreamConnector(cluster, host, loop, transport, new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast(new Http1UpstreamConnection(Http1ConnectionPool.this, ch, codecs.install(ch.pipeline())));
      }
    }, UpstreamAlpn.HTTP11);
  }

  @Override
  public Host host() {
    return host;
  }

  UpstreamCluster cluster() {
    return cluster;
  }

  DeadlineQueue idleTimeoutQueue() {
    DeadlineQueue q = idleTimeoutQueue;
    if (q == null) {
      q = DeadlineQueue.of(loop, cluster.http().idleTimeoutMillis());
      idleTimeoutQueue = q;
    }
    return q;
  }

  /**
   * Asks for a connection. {@code callbacks} is called now or later, on this loop, unless
   * {@link #cancel(Callbacks)} is called first.
   */
  @Override
  public void newStream(Callbacks callbacks) {
    Http1UpstreamConnection conn;
    while ((conn = idle.pollFirst()) != null) {
      if (conn.usable()) {
        conn.setIdle(false);
        callbacks.onPoolReady(conn);
        return;
      }
    }
    if (!limits.pendingRequests.tryAcquire()) {
      stats.upstreamRqPendingOverflow.inc();
      callbacks.onPoolFailure(PoolFailure.OVERFLOW, "");
      return;
    }
    pending.addLast(callbacks);
    stats.upstreamRqPendingTotal.inc();
    stats.upstreamRqPendingActive.inc();
    if (connecting < pending.size()) {
      if (limits.connections.tryAcquire()) {
        connect();
      } else {
        stats.upstreamCxOverflow.inc();
      }
    }
  }

  /** Withdraws a request still waiting for a connection (the downstream went away or timed out). */
  @Override
  public void cancel(Callbacks callbacks) {
    if (pending.remove(callbacks)) {
      releasePending();
    }
  }

  private void releasePending() {
    limits.pendingRequests.release();
    stats.upstreamRqPendingActive.dec();
  }

  private void connect() {
    connecting++;
    long start = ConnectionAccounting.opening(stats, host, stats.upstreamCxHttp1Total);
    ChannelFuture f = connector.connect();
    f.addListener(done -> {
      connecting--;
      if (done.isSuccess()) {
        ConnectionAccounting.opened(stats, start);
        Http1UpstreamConnection conn = f.channel().pipeline().get(Http1UpstreamConnection.class);
        conn.markConnected();
        onConnectionFree(conn);
      } else {
        ConnectionAccounting.failed(stats, host, done.cause());
        connectionGone(f.channel(), false);
        String reason = UpstreamConnector.failureReason(done.cause());
        // As Envoy: with no other connection attempt under way, every waiting request fails with this one.
        int keep = connecting;
        while (pending.size() > keep) {
          Callbacks cb = pending.pollFirst();
          releasePending();
          cb.onPoolFailure(PoolFailure.CONNECTION_FAILURE, reason);
        }
      }
    });
  }

  /** A connection that can take a stream: give it to the oldest waiting request, else keep it idle. */
  void onConnectionFree(Http1UpstreamConnection conn) {
    if (draining) {
      conn.close();
      return;
    }
    Callbacks next = pending.pollFirst();
    if (next != null) {
      releasePending();
      conn.setIdle(false);
      next.onPoolReady(conn);
    } else {
      conn.setIdle(true);
      idle.addFirst(conn); // most recently used first: keeps the working set of connections small
    }
  }

  /** A connection closed (or failed to open): forget it, release its circuit breaker slot. */
  void connectionGone(Channel ch, boolean wasConnected) {
    Http1UpstreamConnection conn = ch.pipeline().get(Http1UpstreamConnection.class);
    if (conn != null) {
      idle.remove(conn);
    }
    limits.connections.release();
    ConnectionAccounting.closed(stats, host);
    // A slot opened up: serve a request that waited for one.
    if (wasConnected && pending.size() > connecting && limits.connections.tryAcquire()) {
      connect();
    }
  }

  /** Closes idle connections and those finishing streams (the host left the cluster). */
  @Override
  public void drain() {
    draining = true;
    Http1UpstreamConnection c;
    while ((c = idle.pollFirst()) != null) {
      c.close();
    }
  }

  public int idleCount() {
    return idle.size();
  }

  public int pendingCount() {
    return pending.size();
  }
}
