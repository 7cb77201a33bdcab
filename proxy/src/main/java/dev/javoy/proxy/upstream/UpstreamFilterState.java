package dev.javoy.proxy.upstream;

import dev.javoy.proxy.stream.FilterState;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * The filter state of an upstream connection (Envoy's upstream connection {@code FilterState}): where upstream
 * network filters ({@code Cluster.filters}) leave what they learn, such as Istio's metadata exchange its
 * {@code upstream_peer}. A stream that owns the connection (tcp_proxy) links it from its
 * {@link dev.javoy.proxy.stream.StreamInfo#upstreamFilterState}.
 */
public final class UpstreamFilterState {
  private static final AttributeKey<FilterState> KEY = AttributeKey.valueOf("javoy.upstream_filter_state");

  private UpstreamFilterState() {}

  /** The connection's filter state, created on first use (on the connection's event loop). */
  public static FilterState of(Channel upstream) {
    FilterState fs = upstream.attr(KEY).get();
    if (fs == null) {
      fs = new FilterState();
      upstream.attr(KEY).set(fs);
    }
    return fs;
  }
}
