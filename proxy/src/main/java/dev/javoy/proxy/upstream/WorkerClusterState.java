package dev.javoy.proxy.upstream;

import dev.javoy.proxy.http.h2.Http2CodecStats;
import dev.javoy.proxy.server.Transport;
import dev.javoy.proxy.upstream.http1.Http1ConnectionPool;
import dev.javoy.proxy.upstream.http2.Http2ConnectionPool;
import dev.javoy.proxy.upstream.lb.LbContext;
import dev.javoy.proxy.upstream.lb.LoadBalancer;
import io.netty.channel.EventLoop;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * One worker's view of a cluster: its own load balancer state and its own connection pools per host. Only
 * that worker's thread touches it.
 */
public final class WorkerClusterState {
  private final UpstreamCluster cluster;
  private final LoadBalancer lb;
  private final Map<Host, Http1ConnectionPool> http1Pools = new IdentityHashMap<>();
  private final Map<Host, Http2ConnectionPool> http2Pools = new IdentityHashMap<>();
  /** {@code cluster.<name>.http2.*}, created with the first HTTP/2 pool as in Envoy. */
  private Http2CodecStats http2Stats;

  WorkerClusterState(UpstreamCluster cluster, LoadBalancer lb) {
    this.cluster = cluster;
    this.lb = lb;
  }

  public UpstreamCluster cluster() {
    return cluster;
  }

  /** Picks a host from the cluster's current membership; null when it has none usable. */
  public Host chooseHost() {
    return lb.choose(cluster.hosts(), LbContext.NONE);
  }

  /** Picks a host for a request with {@code context} (its hash key); null when none is usable. */
  public Host chooseHost(LbContext context) {
    return lb.choose(cluster.hosts(), context);
  }

  public Http1ConnectionPool http1Pool(Host host, EventLoop loop) {
    Http1ConnectionPool p = http1Pools.get(host);
    if (p == null) {
      p = new Http1ConnectionPool(cluster, host, loop, Transport.current());
      http1Pools.put(host, p);
    }
    return p;
  }

  public Http2ConnectionPool http2Pool(Host host, EventLoop loop) {
    Http2ConnectionPool p = http2Pools.get(host);
    if (p == null) {
      if (http2Stats == null) {
        http2Stats = new Http2CodecStats(cluster.stats().scope().scope("http2."));
      }
      p = new Http2ConnectionPool(cluster, host, loop, Transport.current(), http2Stats);
      http2Pools.put(host, p);
    }
    return p;
  }

  /**
   * The pool for a request to {@code host} by the cluster's upstream protocol: HTTP/2 when configured, or
   * when the cluster uses the downstream protocol and {@code downstreamProtocol} is HTTP/2; else HTTP/1.1.
   *
   * @param downstreamProtocol the request's {@code %PROTOCOL%}, such as {@code HTTP/1.1} or {@code HTTP/2}
   */
  public HttpConnectionPool httpPool(Host host, EventLoop loop, String downstreamProtocol) {
    boolean http2 = switch (cluster.http().protocol()) {
      case HTTP2 -> true;
      case USE_DOWNSTREAM -> "HTTP/2".equals(downstreamProtocol);
      case HTTP1 -> false;
    };
    return http2 ? http2Pool(host, loop) : http1Pool(host, loop);
  }

  /** How many pools this worker has; read from other threads only for a gauge, where a stale value is fine. */
  int poolCount() {
    return http1Pools.size() + http2Pools.size();
  }

  /** Drains the pools of hosts that are no longer members (runs on this worker's loop). */
  void dropPoolsNotIn(HostSet hosts) {
    dropPoolsNotIn(http1Pools, hosts);
    dropPoolsNotIn(http2Pools, hosts);
  }

  private static void dropPoolsNotIn(Map<Host, ? extends HttpConnectionPool> pools, HostSet hosts) {
    pools.entrySet().removeIf(e -> {
      if (!hosts.all().contains(e.getKey())) {
        e.getValue().drain();
        return true;
      }
      return false;
    });
  }

  /** Drains all pools (the cluster was removed or replaced). */
  void drainAll() {
    http1Pools.values().forEach(Http1ConnectionPool::drain);
    http1Pools.clear();
    http2Pools.values().forEach(Http2ConnectionPool::drain);
    http2Pools.clear();
  }

  /** Drains this worker's pools of {@code host} (close_connections_on_host_health_failure; this worker's loop). */
  void drainPoolsOf(Host host) {
    Http1ConnectionPool p1 = http1Pools.remove(host);
    if (p1 != null) {
      p1.drain();
    }
    Http2ConnectionPool p2 = http2Pools.remove(host);
    if (p2 != null) {
      p2.drain();
    }
  }
}
