package dev.javoy.proxy.upstream;

import dev.javoy.proxy.server.Transport;
import dev.javoy.proxy.upstream.http1.Http1ConnectionPool;
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

  WorkerClusterState(UpstreamCluster cluster, LoadBalancer lb) {
    this.cluster = cluster;
    this.lb = lb;
  }

  public UpstreamCluster cluster() {
    return cluster;
  }

  /** Picks a host from the cluster's current membership; null when it has none. */
  public Host chooseHost() {
    return lb.choose(cluster.hosts());
  }

  public Http1ConnectionPool http1Pool(Host host, EventLoop loop) {
    Http1ConnectionPool p = http1Pools.get(host);
    if (p == null) {
      p = new Http1ConnectionPool(cluster, host, loop, Transport.current());
      http1Pools.put(host, p);
    }
    return p;
  }

  /** Drains the pools of hosts that are no longer members (runs on this worker's loop). */
  void dropPoolsNotIn(HostSet hosts) {
    http1Pools.entrySet().removeIf(e -> {
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
  }
}
