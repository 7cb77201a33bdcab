package dev.javoy.proxy.http.router;

import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.StatsScope;

/** The router's {@code http.<stat_prefix>.*} stats. */
final class RouterStats {
  final Counter noRoute;
  final Counter noCluster;
  final Counter rqDirectResponse;
  final Counter rqTotal;
  final Counter rqResetAfterDownstreamResponseStarted;

  RouterStats(StatsScope http) {
    noRoute = http.counter("no_route");
    noCluster = http.counter("no_cluster");
    rqDirectResponse = http.counter("rq_direct_response");
    rqTotal = http.counter("rq_total");
    rqResetAfterDownstreamResponseStarted = http.counter("rq_reset_after_downstream_response_started");
  }
}
