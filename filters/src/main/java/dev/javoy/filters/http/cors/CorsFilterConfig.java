package dev.javoy.filters.http.cors;

import dev.javoy.proxy.http.filter.HttpFilter;
import dev.javoy.proxy.http.filter.HttpFilterCallbacks;
import dev.javoy.proxy.http.filter.HttpFilterConfig;
import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.StatsStore;

/** One {@code envoy.filters.http.cors} of a filter chain: its stats {@code http.<stat_prefix>.cors.*}. */
final class CorsFilterConfig implements HttpFilterConfig {
  final Counter originValid;
  final Counter originInvalid;

  /** @param statPrefix {@code http.<stat_prefix>.} */
  CorsFilterConfig(String statPrefix, StatsStore stats) {
    this.originValid = stats.counter(statPrefix + "cors.origin_valid");
    this.originInvalid = stats.counter(statPrefix + "cors.origin_invalid");
  }

  @Override
  public HttpFilter newFilter(HttpFilterCallbacks callbacks) {
    return new CorsFilter(this, callbacks);
  }
}
