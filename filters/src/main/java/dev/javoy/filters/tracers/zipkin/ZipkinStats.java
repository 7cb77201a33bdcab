package dev.javoy.filters.tracers.zipkin;

import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.StatsScope;

/** Envoy's {@code tracing.zipkin.*} stats. */
final class ZipkinStats {
  final Counter spansSent;
  final Counter timerFlushed;
  final Counter reportsSent;
  final Counter reportsDropped;
  final Counter reportsFailed;

  ZipkinStats(StatsScope scope) {
    spansSent = scope.counter("spans_sent");
    timerFlushed = scope.counter("timer_flushed");
    reportsSent = scope.counter("reports_sent");
    reportsDropped = scope.counter("reports_dropped");
    reportsFailed = scope.counter("reports_failed");
  }
}
