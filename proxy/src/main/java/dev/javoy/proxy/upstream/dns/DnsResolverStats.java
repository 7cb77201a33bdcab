package dev.javoy.proxy.upstream.dns;

import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.Gauge;
import dev.javoy.proxy.stats.StatsScope;

/**
 * The resolver's stats under Envoy's names for its default (c-ares) resolver, {@code dns.cares.*}, so that
 * dashboards built for Envoy find them. Updated on the main event loop only.
 */
final class DnsResolverStats {
  final Counter resolveTotal;
  final Gauge pendingResolutions;
  final Counter notFound;
  final Counter timeouts;
  final Counter getAddrFailure;

  DnsResolverStats(StatsScope scope) {
    resolveTotal = scope.counter("resolve_total");
    pendingResolutions = scope.gauge("pending_resolutions");
    notFound = scope.counter("not_found");
    timeouts = scope.counter("timeouts");
    getAddrFailure = scope.counter("get_addr_failure");
  }
}
