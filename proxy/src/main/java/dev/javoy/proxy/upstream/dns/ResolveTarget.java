package dev.javoy.proxy.upstream.dns;

import dev.javoy.proxy.upstream.ClusterStats;
import dev.javoy.proxy.upstream.JitteredBackoff;
import io.envoyproxy.envoy.config.cluster.v3.Cluster.DnsLookupFamily;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One name a DNS cluster resolves again and again (Envoy's {@code ResolveTarget}): it resolves, hands a result
 * to its cluster, and schedules the next resolution by the cluster's refresh policy. A failed or rejected
 * result counts {@code update_attempt} and {@code update_failure} and leaves the cluster's hosts as they were.
 * Runs on the main event loop only.
 */
final class ResolveTarget {
  /** What the cluster does with a result. */
  interface Results {
    /** Applies a successful resolution; false rejects it as a failure (LOGICAL_DNS with no address). */
    boolean apply(ResolveTarget target, DnsResolution resolution);

    /** The first resolution of this target ended, successful or not. */
    void firstDone(ResolveTarget target);
  }

  private final EventLoop loop;
  private final DnsResolver resolver;
  private final DnsRefreshPolicy policy;
  private final DnsLookupFamily family;
  private final DnsEndpoint endpoint;
  private final ClusterStats stats;
  private final Results results;
  private final JitteredBackoff failureBackoff;
  private ScheduledFuture<?> timer;
  private boolean resolvedOnce;
  private boolean stopped;

  ResolveTarget(EventLoop loop, DnsResolver resolver, DnsRefreshPolicy policy, DnsLookupFamily family,
      DnsEndpoint endpoint, ClusterStats stats, Results results) {
    this.loop = loop;
    this.resolver = resolver;
    this.policy = policy;
    this.family = family;
    this.endpoint = endpoint;
    this.stats = stats;
    this.results = results;
    this.failureBackoff = policy.newFailureBackoff();
  }

  DnsEndpoint endpoint() {
    return endpoint;
  }

  void start() {
    resolveNow();
  }

  void stop() {
    stopped = true;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void resolveNow() {
    timer = null;
    if (!stopped) {
      resolver.resolve(endpoint.dnsName(), family, this::onResolved);
    }
  }

  private void onResolved(DnsResolution r) {
    if (stopped) {
      return;
    }
    long delay;
    if (!r.failed() && results.apply(this, r)) {
      if (failureBackoff != null) {
        failureBackoff.reset();
      }
      delay = policy.afterSuccess(r.ttlSeconds());
    } else {
      stats.updateAttempt.inc();
      stats.updateFailure.inc();
      delay = policy.afterFailure(failureBackoff);
    }
    if (!resolvedOnce) {
      resolvedOnce = true;
      results.firstDone(this);
    }
    if (!stopped) {
      timer = loop.schedule(this::resolveNow, delay, TimeUnit.MILLISECONDS);
    }
  }
}
