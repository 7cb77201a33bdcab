package dev.javoy.proxy.http.filter;

/**
 * Where HTTP filters with {@code config_discovery} get their configs: ECDS subscriptions of the xDS client, one per
 * resource name shared by every filter naming it. Main thread only.
 */
public interface HttpFilterDiscovery {
  /**
   * Subscribes {@code filter} to its resource; it gets the latest accepted config at once if there is one.
   *
   * @param source the {@code config_source} (its {@code initial_fetch_timeout} bounds the first fetch)
   * @param warm whether the listener being built waits for the config (false with
   *     {@code apply_default_config_without_warming})
   */
  void subscribe(DynamicHttpFilterConfig filter, io.envoyproxy.envoy.config.core.v3.ConfigSource source,
      boolean warm);
}
