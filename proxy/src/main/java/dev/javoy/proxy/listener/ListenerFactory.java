package dev.javoy.proxy.listener;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.extension.ExtensionResolver;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.NetworkFilterFactory;
import dev.javoy.proxy.listener.filter.ListenerFilters;
import dev.javoy.proxy.network.NetworkFilter;
import dev.javoy.proxy.tls.DownstreamTlsSocketFactory;
import dev.javoy.proxy.tls.TlsStats;
import dev.javoy.proxy.tls.TransportSockets;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import dev.javoy.proxy.upstream.Addresses;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** Builds a {@link ListenerConfig} from an Envoy {@code Listener}, rejecting what javoy does not implement. */
public final class ListenerFactory {
  private static final Set<String> SUPPORTED = Set.of("name", "address", "filter_chains", "default_filter_chain",
      "per_connection_buffer_limit_bytes", "stat_prefix", "traffic_direction", "bind_to_port",
      "ignore_global_conn_limit", "bypass_overload_manager", "listener_filters", "listener_filters_timeout",
      "continue_on_listener_filters_timeout", "enable_reuse_port", "drain_type", "metadata", "tcp_backlog_size",
      "use_original_dst", "transparent", "freebind", "deprecated_v1",
      "access_log");
  private static final Set<String> CHAIN_FIELDS =
      Set.of("filter_chain_match", "filters", "name", "transport_socket", "metadata",
          "transport_socket_connect_timeout");

  private final Function<String, FactoryContext> contextForListener;

  /** @param contextForListener the factory context for a listener, given its stat prefix */
  public ListenerFactory(Function<String, FactoryContext> contextForListener) {
    this.contextForListener = contextForListener;
  }

  public ListenerConfig create(Listener l, String path) throws ConfigException {
    FieldSupport.check(l, path, SUPPORTED);
    if (!l.hasAddress()) {
      throw new ConfigException(path + ".address", "a listener needs an address");
    }
    SocketAddress address = Addresses.resolved(l.getAddress(), path + ".address");
    String statPrefix = "listener." + (l.getStatPrefix().isEmpty() ? Addresses.statName(address) : l.getStatPrefix()) + ".";
    FactoryContext ctx = ListenerFactoryContext.of(contextForListener.apply(statPrefix), l.getTrafficDirection());
    ListenerFilters listenerFilters = ListenerFilters.from(l, path, ctx);
    List<FilterChain> chains = new ArrayList<>();
    for (int i = 0; i < l.getFilterChainsCount(); i++) {
      chains.add(chain(l.getFilterChains(i), FieldSupport.index(path, "filter_chains", i), ctx));
    }
    FilterChain defaultChain = l.hasDefaultFilterChain()
        ? chain(l.getDefaultFilterChain(), path + ".default_filter_chain", ctx) : null;
    if (chains.isEmpty() && defaultChain == null) {
      throw new ConfigException(path + ".filter_chains", "a listener needs at least one filter chain");
    }
    FilterChainMatcher matcher = new FilterChainMatcher(chains, defaultChain, path);
    int limit = l.hasPerConnectionBufferLimitBytes() ? l.getPerConnectionBufferLimitBytes().getValue() : 1024 * 1024;
    // Envoy's shouldBindToPort: both bind_to_port and the deprecated deprecated_v1.bind_to_port (Istio 1.9's
    // virtual listeners) default to true, and the listener binds only when neither is false.
    FieldSupport.check(l.getDeprecatedV1(), path + ".deprecated_v1", Set.of("bind_to_port"));
    boolean bind = (!l.hasBindToPort() || l.getBindToPort().getValue())
        && (!l.getDeprecatedV1().hasBindToPort() || l.getDeprecatedV1().getBindToPort().getValue());
    boolean reusePort = !l.hasEnableReusePort() || l.getEnableReusePort().getValue();
    int backlog = l.hasTcpBacklogSize() ? l.getTcpBacklogSize().getValue() : 128;
    return new ListenerConfig(l.getName(), l, address, bind, reusePort, backlog, matcher, limit,
        new ListenerStats(ctx.stats().scope(statPrefix)), l.getTrafficDirection(), l.getIgnoreGlobalConnLimit(),
        listenerFilters, l.hasUseOriginalDst() && l.getUseOriginalDst().getValue(), ListenerSocketOptions.from(l),
        dev.javoy.proxy.accesslog.AccessLogs.build(l.getAccessLogList(), path + ".access_log", ctx));
  }

  private FilterChain chain(io.envoyproxy.envoy.config.listener.v3.FilterChain fc, String path, FactoryContext ctx)
      throws ConfigException {
    FieldSupport.check(fc, path, CHAIN_FIELDS);
    if (fc.getFiltersCount() == 0) {
      throw new ConfigException(path + ".filters", "a filter chain needs at least one network filter");
    }
    ExtensionResolver resolver = ctx.extensions();
    List<NetworkFilter> filters = new ArrayList<>();
    for (int i = 0; i < fc.getFiltersCount(); i++) {
      Filter f = fc.getFilters(i);
      String fp = FieldSupport.index(path, "filters", i);
      FieldSupport.check(f, fp, Set.of("name", "typed_config"));
      var r = resolver.resolve(NetworkFilterFactory.class, fp, f.getName(), f.hasTypedConfig() ? f.getTypedConfig() : null);
      NetworkFilter nf;
      try {
        nf = r.factory().create(r.config(), ctx);
      } catch (ConfigException e) {
        throw e.under(fp + ".typed_config"); // factories report paths relative to their config
      }
      boolean last = i == fc.getFiltersCount() - 1;
      if (nf.terminal() != last) {
        throw new ConfigException(fp, nf.terminal()
            ? "terminal filter '" + f.getName() + "' must be the last filter of its chain"
            : "the last filter of a chain must be terminal; '" + f.getName() + "' is not");
      }
      filters.add(nf);
    }
    DownstreamTlsSocketFactory tls = null;
    if (fc.hasTransportSocket()) {
      String tp = path + ".transport_socket";
      DownstreamTlsContext tlsContext =
          TransportSockets.downstream(fc.getTransportSocket(), tp, resolver.registry().configTypes());
      if (tlsContext != null) {
        tls = DownstreamTlsSocketFactory.create(tlsContext, tp + ".typed_config", ctx.secrets(),
            new TlsStats(ctx.stats().scope(ctx.listenerStatPrefix())))
            .connectTimeout(fc.getTransportSocketConnectTimeout()); // h-tls2
      }
    }
    return new FilterChain(fc.getName(), fc.getFilterChainMatch(), List.copyOf(filters), fc, tls);
  }
}
