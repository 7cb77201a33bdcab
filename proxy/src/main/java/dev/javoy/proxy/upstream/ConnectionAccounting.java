package dev.javoy.proxy.upstream;

import dev.javoy.proxy.event.LoopClock;
import dev.javoy.proxy.stats.Counter;
import io.netty.channel.ConnectTimeoutException;

/**
 * The cluster and host stats every upstream connection pool keeps the same way (Envoy's
 * {@code upstream_cx_*}): opening, opened, failed to open, closed. One place, whatever the protocol.
 */
public final class ConnectionAccounting {
  private ConnectionAccounting() {}

  /** A connection attempt starts; returns its start time for {@link #opened}. */
  public static long opening(ClusterStats stats, Host host, Counter protocolTotal) {
    stats.upstreamCxTotal.inc();
    protocolTotal.inc();
    stats.upstreamCxActive.inc();
    host.cxTotal.increment();
    host.cxActive.increment();
    return LoopClock.nanoTime();
  }

  public static void opened(ClusterStats stats, long startNanos) {
    stats.upstreamCxConnectMs.record((LoopClock.nanoTime() - startNanos) / 1_000_000);
  }

  /** The attempt failed; the connection is then {@link #closed} as well. */
  public static void failed(ClusterStats stats, Host host, Throwable cause) {
    stats.upstreamCxConnectFail.inc();
    host.cxConnectFail.increment();
    host.outlier().putResult(dev.javoy.proxy.upstream.outlier.OutlierResult.LOCAL_ORIGIN_CONNECT_FAILED);
    if (cause instanceof ConnectTimeoutException) {
      stats.upstreamCxConnectTimeout.inc();
    }
  }

  public static void closed(ClusterStats stats, Host host) {
    stats.upstreamCxActive.dec();
    stats.upstreamCxDestroy.inc();
    host.cxActive.decrement();
  }
}
