package dev.javoy.filters.istio.metadata_exchange;

import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.UpstreamNetworkFilterFactory;
import dev.javoy.proxy.istio.IstioProxyProtos;
import dev.javoy.proxy.istio.LocalWorkload;
import dev.javoy.proxy.istio.PeerExchangeHandler;
import dev.javoy.proxy.istio.PeerMetadata;
import dev.javoy.proxy.istio.PeerKeys;
import dev.javoy.proxy.upstream.UpstreamFilterState;
import dev.javoy.proxy.upstream.UpstreamNetworkFilter;
import io.netty.util.AttributeKey;
import java.util.List;

/**
 * {@code istio.metadata_exchange} in a cluster's {@code filters}: the TCP {@code istio-peer-exchange} with the
 * upstream on each new upstream connection; the upstream peer is kept on the upstream channel
 * ({@link #UPSTREAM_PEER}) and in its {@link UpstreamFilterState} as {@code upstream_peer}, where tcp_proxy's stream
 * (and so Istio's TCP stats) finds it. Stats: {@code cluster.<name>.metadata_exchange.*}.
 */
public final class MetadataExchangeUpstreamFactory implements UpstreamNetworkFilterFactory {
  /** The peer found on an upstream connection. */
  public static final AttributeKey<PeerMetadata> UPSTREAM_PEER = AttributeKey.valueOf("istio.upstream_peer");

  @Override
  public Message defaultConfig() {
    return IstioProxyProtos.defaultOf(IstioProxyProtos.METADATA_EXCHANGE);
  }

  @Override
  public List<String> names() {
    return List.of("istio.metadata_exchange", "envoy.filters.network.upstream.metadata_exchange");
  }

  @Override
  public UpstreamNetworkFilter createUpstream(Message config, FactoryContext context) throws ConfigException {
    MetadataExchangeConfig c = MetadataExchangeConfig.from(config, LocalWorkload.of(context.localNode()));
    // One set of counters per cluster, looked up once (not per connection).
    java.util.Map<String, PeerExchangeHandler.Stats> statsByCluster = new java.util.concurrent.ConcurrentHashMap<>();
    return (channel, cluster, host) -> {
      PeerExchangeHandler.Stats stats = statsByCluster.computeIfAbsent(cluster.name(), name ->
          PeerExchangeHandler.Stats.in(context.stats().scope("cluster." + name + ".metadata_exchange.")));
      return new PeerExchangeHandler(c.local(), c.protocol(), false,
          peer -> {
            if (peer != null) {
              channel.attr(UPSTREAM_PEER).set(peer);
              UpstreamFilterState.of(channel).set(PeerKeys.UPSTREAM_PEER, peer);
            }
          }, stats);
    };
  }
}
