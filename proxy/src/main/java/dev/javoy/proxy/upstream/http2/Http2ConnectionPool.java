package dev.javoy.proxy.upstream.http2;

import dev.javoy.proxy.http.h2.Http2CodecStats;
import dev.javoy.proxy.http.h2.Http2Codecs;
import dev.javoy.proxy.http.h2.Http2FloodProtection;
import dev.javoy.proxy.http.h2.Http2Keepalive;
import dev.javoy.proxy.http.h2.Http2ProtocolConfig;
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
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * HTTP/2 connections to one host, owned by one worker (Envoy's per-worker HTTP/2 {@code ConnPool}): streams
 * are multiplexed on one connection until it is full, and a new connection opens only when every open one is
 * at its stream limit, within the cluster's circuit breakers ({@code max_connections} for connections,
 * {@code max_pending_requests} for requests waiting for a stream). Everything runs on the worker's loop.
 */
public final class Http2ConnectionPool implements HttpConnectionPool {
  /** Envoy's default {@code max_response_headers_kb}: 60 KiB. */
  static final long MAX_RESPONSE_HEADERS_BYTES = 60 * 1024;

  private final UpstreamCluster cluster;
  private final Host host;
  private final ClusterStats stats;
  private final ResourceLimits limits;
  private final Http2CodecStats h2stats;
  private final UpstreamConnector connector;
  private final long streamsPerConnection;
  private final List<Http2UpstreamConnection> connections = new ArrayList<>(2);
  private final ArrayDeque<Callbacks> pending = new ArrayDeque<>();
  private int connecting;

  /** @param h2stats the cluster's {@code cluster.<name>.http2.*} stats */
  public Http2ConnectionPool(UpstreamCluster cluster, Host host, EventLoop loop, Transport transport,
      Http2CodecStats h2stats) {
    this.cluster = cluster;
    this.host = host;
    this.stats = cluster.stats();
    this.limits = cluster.resources();
    this.h2stats = h2stats;
    Http2ProtocolConfig h2 = cluster.http().http2();
    this.streamsPerConnection = h2.maxConcurrentStreams;
    this.connector = new UpstreamConnector(cluster, host, loop, transport, new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast(new Http2FloodProtection(h2, h2stats, false, MAX_RESPONSE_HEADERS_BYTES));
        if (h2.keepaliveEnabled()) {
          p.addLast(new Http2Keepalive(h2, h2stats));
        }
        p.addLast(Http2Codecs.client(h2, MAX_RESPONSE_HEADERS_BYTES));
        p.addLast(new Http2MultiplexHandler(new Http2UpstreamConnection.RefusePushedStreams()));
        p.addLast(new Http2UpstreamConnection(Http2ConnectionPool.this, ch));
      }
    }, UpstreamAlpn.H2);
  }

  @Override
  public Host host() {
    return host;
  }

  UpstreamCluster cluster() {
    return cluster;
  }

  Http2CodecStats h2stats() {
    return h2stats;
  }

  @Override
  public void newStream(Callbacks callbacks) {
    Http2UpstreamConnection c = withCapacity();
    if (c != null) {
      c.newStream(callbacks);
      return;
    }
    if (!limits.pendingRequests.tryAcquire()) {
      stats.upstreamRqPendingOverflow.inc();
      callbacks.onPoolFailure(PoolFailure.OVERFLOW, "");
      return;
    }
    pending.addLast(callbacks);
    stats.upstreamRqPendingTotal.inc();
    stats.upstreamRqPendingActive.inc();
    connectIfNeeded();
  }

  @Override
  public void cancel(Callbacks callbacks) {
    if (pending.remove(callbacks)) {
      releasePending();
    }
  }

  @Override
  public void drain() {
    for (Http2UpstreamConnection c : List.copyOf(connections)) {
      c.drain();
    }
  }

  private Http2UpstreamConnection withCapacity() {
    for (int i = 0, n = connections.size(); i < n; i++) {
      Http2UpstreamConnection c = connections.get(i);
      if (c.hasCapacity()) {
        return c;
      }
    }
    return null;
  }

  private void releasePending() {
    limits.pendingRequests.release();
    stats.upstreamRqPendingActive.dec();
  }

  /** Opens a connection when the ones being opened cannot take every waiting request. */
  private void connectIfNeeded() {
    if (pending.isEmpty() || connecting * streamsPerConnection >= pending.size()) {
      return;
    }
    if (limits.connections.tryAcquire()) {
      connect();
    } else {
      stats.upstreamCxOverflow.inc(); // the requests wait for a stream on an open connection
    }
  }

  private void connect() {
    connecting++;
    long start = ConnectionAccounting.opening(stats, host, stats.upstreamCxHttp2Total);
    ChannelFuture f = connector.connect();
    f.addListener(done -> {
      connecting--;
      if (done.isSuccess()) {
        ConnectionAccounting.opened(stats, start);
        Http2UpstreamConnection conn = f.channel().pipeline().get(Http2UpstreamConnection.class);
        conn.markConnected();
        connections.add(conn);
        servePending();
      } else {
        ConnectionAccounting.failed(stats, host, done.cause());
        released();
        failPendingWithoutProspect(UpstreamConnector.failureReason(done.cause()));
      }
    });
  }

  /** As Envoy: with no connection able to take them, now or once open, waiting requests fail. */
  private void failPendingWithoutProspect(String reason) {
    if (withCapacity() != null) {
      servePending();
      return;
    }
    while (pending.size() > connecting * streamsPerConnection) {
      Callbacks cb = pending.pollLast();
      releasePending();
      cb.onPoolFailure(PoolFailure.CONNECTION_FAILURE, reason);
    }
  }

  private void servePending() {
    Callbacks cb;
    Http2UpstreamConnection c;
    while (!pending.isEmpty() && (c = withCapacity()) != null) {
      cb = pending.pollFirst();
      releasePending();
      c.newStream(cb);
    }
    connectIfNeeded();
  }

  /** A connection can take more streams (a stream ended, or the server raised its limit). */
  void onStreamCapacity(Http2UpstreamConnection c) {
    if (!pending.isEmpty()) {
      servePending();
    }
  }

  /** A connection takes no more streams (GOAWAY): waiting requests need another. */
  void onDraining(Http2UpstreamConnection c) {
    if (!pending.isEmpty()) {
      servePending();
    }
  }

  /** An open connection closed. */
  void connectionGone(Http2UpstreamConnection c) {
    connections.remove(c);
    released();
    if (!pending.isEmpty()) {
      connectIfNeeded();
    }
  }

  private void released() {
    limits.connections.release();
    ConnectionAccounting.closed(stats, host);
  }
}
