package dev.javoy.filters.listener.http_inspector;

import dev.javoy.proxy.listener.filter.ListenerFilter;
import dev.javoy.proxy.stats.StatsStore;

/** Builds an http_inspector for tests in other packages. */
public final class HttpInspectorFilterAccess {
  private HttpInspectorFilterAccess() {}

  public static ListenerFilter create(StatsStore stats) {
    return new HttpInspectorFilter(stats);
  }
}
